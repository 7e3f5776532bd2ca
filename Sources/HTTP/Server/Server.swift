import Dispatch
import Foundation
import Glibc
import Synchronization

/// An HTTP/1.1 server: one listening socket, ``ServerConfiguration/eventLoops`` I/O threads, a blocking pool.
///
/// ```swift
/// let server = HTTPServer(configuration: config) { request in .response(HTTPResponse(status: .ok)) }
/// let port = try server.start()
/// server.shutdown()            // stop accepting, finish in-flight requests
/// server.waitUntilStopped()
/// ```
package final class HTTPServer: Sendable {
    private enum State {
        case idle
        case bound(listener: Int32, port: UInt16)
        case running(handles: [LoopHandle], shared: ServerShared, port: UInt16)
        case stopped
    }

    package let configuration: ServerConfiguration
    private let makeHandler: @Sendable (UInt16) -> HTTPHandler
    private let state = Mutex<State>(.idle)
    private let loopsFinished = DispatchGroup()
    /// When the last ``shutdown(gracePeriod:)`` said everything must be closed.
    private let stopDeadline = Mutex<Instant?>(nil)

    package init(configuration: ServerConfiguration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        makeHandler = { _ in handler }
    }

    /// A server whose handler is built once the listening port is known (for `port: 0` with URLs that name it).
    package init(configuration: ServerConfiguration, makeHandler: @escaping @Sendable (UInt16) -> HTTPHandler) {
        self.configuration = configuration
        self.makeHandler = makeHandler
    }

    /// The bound port once started (the real one when configured with port 0), else nil.
    package var port: UInt16? {
        state.withLock { state in
            switch state {
            case .bound(_, let port), .running(_, _, let port): return port
            default: return nil
            }
        }
    }

    /// Binds and listens without serving yet, so the caller learns the port (of `port: 0`) before ``start()``.
    /// Connections queue in the backlog until the loops start.
    @discardableResult
    package func bind() throws -> UInt16 {
        try state.withLock { state in
            switch state {
            case .bound(_, let port), .running(_, _, let port): return port
            case .stopped: throw SystemError(call: "bind (server stopped)", errno: Errno(rawValue: EINVAL))
            case .idle:
                let listener = try Socket.makeListener(
                    host: configuration.host, port: configuration.port, backlog: configuration.backlog,
                    reusePort: configuration.reusePort)
                do {
                    let port = try Socket.localPort(of: listener)
                    state = .bound(listener: listener, port: port)
                    return port
                } catch {
                    closeDescriptor(listener)
                    throw error
                }
            }
        }
    }

    /// Binds (unless ``bind()`` did), starts the event loops and returns the port. Returns once every loop is ready.
    @discardableResult
    package func start() throws -> UInt16 {
        // Writes to a peer that has gone must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let port = try bind()
        let listener: Int32 = state.withLock { state in
            if case .bound(let listener, _) = state { return listener }
            preconditionFailure("start() called twice")
        }
        let pool = BlockingPool(threads: configuration.blockingThreads)
        let shared = ServerShared(configuration: configuration, handler: makeHandler(port), listener: listener, pool: pool)
        let handles = try (0..<configuration.eventLoops).map { _ in try LoopHandle() }
        let ready = DispatchGroup()
        let failure = Mutex<(any Error)?>(nil)
        for (index, handle) in handles.enumerated() {
            ready.enter()
            loopsFinished.enter()
            Thread.named("http-loop-\(index)") { [loopsFinished] in
                let loop: EventLoop
                do {
                    loop = try EventLoop(shared: shared, handle: handle)
                } catch {
                    failure.withLock { $0 = error }
                    ready.leave()
                    loopsFinished.leave()
                    return
                }
                ready.leave()
                loop.run()
                loopsFinished.leave()
            }.start()
        }
        ready.wait()
        state.withLock { $0 = .running(handles: handles, shared: shared, port: port) }
        if let error = failure.withLock({ $0 }) {
            shutdown(gracePeriod: .zero)
            waitUntilStopped()
            throw error
        }
        return port
    }

    /// Stops accepting, lets in-flight requests finish for up to `gracePeriod` (default: the configured one),
    /// closes idle connections, and lets the loops exit. Returns at once; see ``waitUntilStopped()``.
    package func shutdown(gracePeriod: Duration? = nil) {
        let deadline = Instant.now + (gracePeriod ?? configuration.shutdownGracePeriod)
        stopDeadline.withLock { $0 = deadline }
        let handles: [LoopHandle] = state.withLock { state in
            if case .running(let handles, _, _) = state { return handles }
            return []
        }
        for handle in handles { handle.post(.shutdown(deadline: deadline)) }
    }

    /// Blocks until every loop has exited after ``shutdown(gracePeriod:)``, then stops the blocking pool.
    ///
    /// Bounded by the shutdown deadline: the loops close every connection when it passes, and blocking work
    /// still running then (a handler that never returns) is abandoned rather than waited for. Returns whether
    /// every blocking job had finished.
    @discardableResult
    package func waitUntilStopped() -> Bool {
        loopsFinished.wait()
        let shared: ServerShared? = state.withLock { state in
            defer { state = .stopped }
            if case .running(_, let shared, _) = state { return shared }
            return nil
        }
        guard let shared else { return true }
        return shared.pool.shutdown(deadline: stopDeadline.withLock { $0 } ?? .now)
    }

    /// Open connections right now, across all loops.
    package var openConnections: Int {
        state.withLock { state in
            if case .running(_, let shared, _) = state { return shared.openConnections.load(ordering: .relaxed) }
            return 0
        }
    }
}
