import Synchronization

/// Answers one request. Called on an I/O thread: it must return quickly, so slow work is handed back as
/// ``HTTPHandlerResult/blocking(_:)`` or completed later through a ``ResponsePromise``.
package typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPHandlerResult

/// How a handler answers.
package enum HTTPHandlerResult: Sendable {
    /// The response, ready now.
    case response(HTTPResponse)
    /// Work that may block (a slow password hash, an fsync): run on the server's blocking pool, off the I/O
    /// threads; its result is written when it returns. The connection reads nothing more until then.
    case blocking(@Sendable () -> HTTPResponse)
    /// The handler arranges the answer itself and fulfils the promise exactly once, from any thread.
    case deferred(@Sendable (ResponsePromise) -> Void)
}

/// A one-shot handle that delivers a response to the event loop owning the connection, from any thread.
package final class ResponsePromise: Sendable {
    let loop: LoopHandle
    let descriptor: Int32
    let connectionID: UInt64
    private let fulfilled = Atomic<Bool>(false)

    init(loop: LoopHandle, descriptor: Int32, connectionID: UInt64) {
        self.loop = loop
        self.descriptor = descriptor
        self.connectionID = connectionID
    }

    /// Sends `response`. A second call is ignored; a call after the client left is harmless.
    package func succeed(_ response: HTTPResponse) {
        guard !fulfilled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        loop.post(.response(descriptor: descriptor, connectionID: connectionID, response: response))
    }
}

/// Builds the body of an error the engine answers itself (400, 408, 413, 414, 431, 501, 503, 505).
/// The application supplies one so engine errors look like its own.
package typealias HTTPErrorResponder = @Sendable (HTTPStatus, String) -> HTTPResponse
