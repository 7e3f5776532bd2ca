import Glibc

/// Every address, limit and timeout of the HTTP server, with its default.
package struct ServerConfiguration: Sendable {
    /// Address to listen on. Default `127.0.0.1`.
    package var host = "127.0.0.1"
    /// Port to listen on; 0 picks an ephemeral port. Default 8080.
    package var port: UInt16 = 8080
    /// Event-loop threads, each with its own epoll instance. Default: one per online core.
    package var eventLoops = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    /// Threads that run ``HTTPHandlerResult/blocking(_:)`` work. Default 8.
    package var blockingThreads = 8
    /// Listen backlog. Default 1024.
    package var backlog: Int32 = 1024
    /// `SO_REUSEPORT` on the listener: other processes that set it too may listen on the same port, and the kernel
    /// spreads new connections between them (several stateless servers on one machine). Default off: a second
    /// server on a taken port fails to start.
    package var reusePort = false
    /// Request size limits (request line 8 KiB, headers 32 KiB / 200 fields, body 1 MiB).
    package var limits = ParserLimits()
    /// Deadline for receiving one whole request, head and body together, from its first byte. Default 10 s → 408.
    /// Also how long a new connection may stay silent before its first byte; then closed quietly (nothing to answer).
    package var requestTimeout: Duration = .seconds(10)
    /// How long a keep-alive connection may sit idle between requests, once it has had a response. Default 60 s;
    /// then closed quietly.
    package var idleTimeout: Duration = .seconds(60)
    /// How long a pending response may make no write progress (a client that never reads). Default 30 s.
    package var writeTimeout: Duration = .seconds(30)
    /// How long shutdown waits for in-flight requests before closing everything. Default 10 s.
    package var shutdownGracePeriod: Duration = .seconds(10)
    /// Open connections past which new ones are answered 503 and closed. Default 10,000.
    package var maxConnections = 10_000
    /// How often each loop checks its deadlines. Default 100 ms: timeouts fire within this of their due time.
    package var timerResolution: Duration = .milliseconds(100)
    /// The `Server` header value. Default `wc-api-server`.
    package var serverName = "wc-api-server"
    /// One line per request to standard output. Default on.
    package var accessLog = true
    /// Where access-log lines go. Default: standard output.
    package var accessLogSink: @Sendable (UnsafeRawBufferPointer) -> Void = { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { if written < 0 && errno == EINTR { continue }; return }
            offset += written
        }
    }
    /// How engine-generated errors look. Default: a small JSON object `{"error":{"status":…,"message":…}}`.
    package var errorResponder: HTTPErrorResponder = ServerConfiguration.defaultErrorResponder

    package init() {}

    /// The default engine error body.
    package static let defaultErrorResponder: HTTPErrorResponder = { status, message in
        let escaped = message.replacingQuotes()
        return HTTPResponse(
            status: status, contentType: "application/json",
            body: "{\"error\":{\"status\":\(status.code),\"message\":\"\(escaped)\"}}")
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for character in self {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
