import HTTP
import Synchronization

/// A configuration for tests: ephemeral loopback port, no access log, short timeouts unless overridden.
package func makeTestConfiguration(_ customize: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.eventLoops = 2
    configuration.blockingThreads = 4
    configuration.accessLog = false
    configuration.timerResolution = .milliseconds(20)
    customize(&configuration)
    return configuration
}

/// Starts the real listener on an ephemeral port, runs `body` with the port, and shuts the server down after,
/// even when `body` throws. Returns once the server has stopped.
package func withLiveServer<T>(
    _ configuration: ServerConfiguration = makeTestConfiguration(),
    handler: @escaping HTTPHandler,
    _ body: (HTTPServer, UInt16) throws -> T
) throws -> T {
    let server = HTTPServer(configuration: configuration, handler: handler)
    let port = try server.start()
    defer {
        server.shutdown(gracePeriod: .seconds(2))
        server.waitUntilStopped()
    }
    return try body(server, port)
}

/// Collects lines written to a sink from any thread, for assertions on the access log.
package final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])
    package init() {}

    /// A sink for ``ServerConfiguration/accessLogSink``.
    package var sink: @Sendable (UnsafeRawBufferPointer) -> Void {
        { [self] bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let new = text.split(separator: "\n").map(String.init)
            self.lines.withLock { $0.append(contentsOf: new) }
        }
    }

    package var all: [String] { lines.withLock { $0 } }
}
