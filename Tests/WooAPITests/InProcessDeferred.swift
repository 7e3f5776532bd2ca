import Glibc
@testable import HTTP
import TestSupport

/// Runs a `.deferred` handler answer without a connection, for ``InProcessAPI``: the promise is bound to a loop
/// handle no loop runs, and its inbox is read here until the response arrives. `@testable` because a
/// ``ResponsePromise`` can only be made inside `HTTP` (a `package` initializer there would remove this file).
enum InProcessDeferred {
    /// Starts the deferred work and waits (up to `timeout`) for the response it delivers.
    static func run(_ start: @escaping @Sendable (ResponsePromise) -> Void, timeout: Duration = .seconds(30)) throws -> HTTPResponse {
        let handle = try LoopHandle()
        start(ResponsePromise(loop: handle, descriptor: -1, connectionID: 0))
        let deadline = ContinuousClock.now + timeout
        while true {
            for message in handle.takeAll() {
                if case .response(_, _, let response) = message { return response }
            }
            guard ContinuousClock.now < deadline else { throw RawClientError("deferred response not delivered in \(timeout)") }
            var descriptor = pollfd(fd: handle.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 100)
            EventFD.drain(handle.wakeDescriptor)
        }
    }
}
