import Synchronization

/// Answers one request. Called on an I/O thread: it must return quickly, so slow work is handed back as
/// ``HTTPHandlerResult/blocking(_:)`` or completed later through a ``ResponsePromise``.
package typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPHandlerResult

/// How a handler answers.
package enum HTTPHandlerResult: Sendable {
    /// The response, ready now.
    case response(HTTPResponse)
    /// Work that may block (a slow password hash): started on the server's blocking pool, off the I/O threads.
    /// Like ``deferred(_:)`` it fulfils the promise exactly once, from any thread — when it returns, or later
    /// (e.g. from a writer thread after it handed a write over), so no pool thread waits for anything but its
    /// own work. The connection reads nothing more until then.
    case blocking(@Sendable (ResponsePromise) -> Void)
    /// The handler arranges the answer itself and fulfils the promise exactly once, from any thread.
    case deferred(@Sendable (ResponsePromise) -> Void)

    /// Blocking work that produces its response when it returns.
    package static func blockingResponse(_ work: @escaping @Sendable () -> HTTPResponse) -> HTTPHandlerResult {
        .blocking { promise in promise.succeed(work()) }
    }
}

/// A one-shot handle that delivers a response to the event loop owning the connection, from any thread.
package final class ResponsePromise: Sendable {
    /// Where the response goes: the loop owning the connection, or (tests calling a handler without a server)
    /// a callback.
    private enum Target: Sendable {
        case loop(LoopHandle, descriptor: Int32, connectionID: UInt64)
        case callback(@Sendable (HTTPResponse) -> Void)
    }

    /// Runs `result`'s work the way a server without a socket does: a response is delivered, blocking or deferred
    /// work is started on the calling thread with a promise that delivers the same way.
    private static func start(_ result: HTTPHandlerResult, deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        switch result {
        case .response(let response): deliver(response)
        case .blocking(let work), .deferred(let work): work(ResponsePromise(deliver: deliver))
        }
    }

    private let target: Target
    private let fulfilled = Atomic<Bool>(false)

    init(loop: LoopHandle, descriptor: Int32, connectionID: UInt64) {
        target = .loop(loop, descriptor: descriptor, connectionID: connectionID)
    }

    /// A promise whose response is handed to `deliver`, for calling a handler in-process (no connection, no loop).
    package init(deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        target = .callback(deliver)
    }

    /// Sends `response`. A second call is ignored; a call after the client left is harmless.
    package func succeed(_ response: HTTPResponse) {
        guard !fulfilled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        switch target {
        case .loop(let loop, let descriptor, let connectionID):
            loop.post(.response(descriptor: descriptor, connectionID: connectionID, response: response))
        case .callback(let deliver):
            deliver(response)
        }
    }

    /// Sends the response `make` returns, called on the connection's I/O thread (in-process: on the caller's), so
    /// work that may run anywhere — reading a row a write just committed and encoding it — leaves the thread that
    /// fulfils the promise (the store's single writer) free. Not called if the connection is gone by then (closed
    /// by a timeout or shutdown). A second call, or one after ``succeed(_:)``, is ignored.
    package func succeed(producing make: @escaping @Sendable () -> HTTPResponse) {
        guard !fulfilled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        switch target {
        case .loop(let loop, let descriptor, let connectionID):
            loop.post(.produce(descriptor: descriptor, connectionID: connectionID, make: make))
        case .callback(let deliver):
            deliver(make())
        }
    }

    /// Hands the request back to the handler: `next` runs on the connection's I/O thread (in-process: on the
    /// caller's) and its result is treated as if the handler had returned it — a response is sent, blocking or
    /// deferred work starts with a new promise. For a handler that must wait for something (a write that decides
    /// whether an OAuth nonce is fresh) before it knows how to go on. Not called if the connection is gone by
    /// then. A second call, or one after ``succeed(_:)``, is ignored.
    package func resume(_ next: @escaping @Sendable () -> HTTPHandlerResult) {
        guard !fulfilled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        switch target {
        case .loop(let loop, let descriptor, let connectionID):
            loop.post(.resume(descriptor: descriptor, connectionID: connectionID, next: next))
        case .callback(let deliver):
            Self.start(next(), deliver: deliver)
        }
    }
}

/// Builds the body of an error the engine answers itself (400, 408, 413, 414, 431, 501, 503, 505).
/// The application supplies one so engine errors look like its own.
package typealias HTTPErrorResponder = @Sendable (HTTPStatus, String) -> HTTPResponse
