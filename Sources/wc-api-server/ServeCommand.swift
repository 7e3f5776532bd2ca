import Dispatch
import Foundation
import Glibc
import HTTP
import SQLite
import WooAPI

/// `wc-api-server serve`: the API on the HTTP engine, until SIGINT or SIGTERM.
enum ServeCommand {
    static let help = """
        usage: wc-api-server serve [options]

          --host HOST          address to listen on (env WC_API_HOST, default 127.0.0.1)
          --port PORT          port, 0 for any free one (env WC_API_PORT, default 8080)
          --database PATH|URL  SQLite store, created if missing (env WC_API_DATABASE, default ./wc-api.sqlite), or a
                               PostgreSQL database by postgres:// or postgresql:// URL or libpq conninfo (host=…),
                               brought to this build's schema (the database must use the C locale)
          --public-url URL     base URL clients reach the server at (env WC_API_PUBLIC_URL, default http://HOST:PORT)
          --threads N          event-loop threads (env WC_API_THREADS, default: one per core)
          --max-connections N  open connections before new ones get 503 (env WC_API_MAX_CONNECTIONS, default 10000)
          --synchronous MODE   full (default: an acknowledged write survives power loss) or normal (env WC_API_SYNCHRONOUS)
          --oauth-nonces N     OAuth nonces remembered in memory (env WC_API_OAUTH_NONCES, default 250000), which
                               refuses a replay to this process without a write; when full the oldest are
                               forgotten (the database still refuses their replays)
          --read-threads N     threads (each with its own connection) for list and count reads too slow for an event
                               loop (env WC_API_READ_THREADS, default: one per core, at least 2); one client's key runs
                               on at most N-1 of them at once, so another key always gets one
          --query-timeout S    seconds one pooled read may run before it is stopped with a 503
                               woocommerce_api_query_timeout (env WC_API_QUERY_TIMEOUT, default 5; fractions allowed)
          --loop-budget MS     milliseconds a list believed cheap may run on an event loop before it moves to the read
                               threads (env WC_API_LOOP_BUDGET, default 5)
          --read-queue N       reads waiting for a thread, all clients together (env WC_API_READ_QUEUE, default 512)
          --read-queue-per-client N
                               reads waiting per key or address (env WC_API_READ_QUEUE_PER_CLIENT, default 64); past
                               either queue bound: 503 woocommerce_api_server_busy with Retry-After
          --no-access-log      do not print one line per request (env WC_API_ACCESS_LOG=0)
          --reuse-port         let other servers started with it listen on the same port; the kernel spreads new
                               connections between them (env WC_API_REUSE_PORT=1)
          --help               this text

        Prints `listening on http://HOST:PORT` on standard error once ready. Exits 0 after a graceful shutdown.
        """

    /// SIGINT and SIGTERM: both mean "stop gracefully".
    static var shutdownSignals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help)
            return
        }
        // Block the shutdown signals in this thread before any other exists; every thread inherits the mask, so a
        // SIGTERM sent even before the listening line is printed waits for the sigwait thread: always graceful.
        var signals = shutdownSignals
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let options = try Arguments(
            arguments,
            options: ["host", "port", "database", "public-url", "threads", "max-connections", "synchronous", "oauth-nonces",
                      "read-threads", "query-timeout", "loop-budget", "read-queue", "read-queue-per-client"],
            booleans: ["no-access-log", "reuse-port"])
        guard options.positional.isEmpty else { throw UsageError("unexpected argument \(options.positional[0])") }

        var engine = ServerConfiguration()
        engine.host = options.value("host", environment: "WC_API_HOST") ?? "127.0.0.1"
        engine.port = UInt16(try options.integer("port", environment: "WC_API_PORT", default: 8080, in: 0...65535))
        engine.eventLoops = try options.integer("threads", environment: "WC_API_THREADS", default: engine.eventLoops, in: 1...256)
        engine.maxConnections = try options.integer(
            "max-connections", environment: "WC_API_MAX_CONNECTIONS", default: engine.maxConnections, in: 1...1_000_000)
        engine.accessLog = !(options.flag("no-access-log") || ProcessInfo.processInfo.environment["WC_API_ACCESS_LOG"] == "0")
        engine.reusePort = options.flag("reuse-port") || ProcessInfo.processInfo.environment["WC_API_REUSE_PORT"] == "1"
        engine.serverName = "wc-api-server"
        APIApplication.configureEngine(&engine)

        let synchronous: SQLite.Database.Configuration.Synchronous
        switch options.value("synchronous", environment: "WC_API_SYNCHRONOUS") ?? "full" {
        case "full": synchronous = .full
        case "normal": synchronous = .normal
        case let other: throw UsageError("--synchronous must be full or normal, got \(other)")
        }
        let nonceCapacity = try options.integer(
            "oauth-nonces", environment: "WC_API_OAUTH_NONCES", default: NonceStore.defaultCapacity, in: 1...100_000_000)
        let databasePath = options.value("database", environment: "WC_API_DATABASE") ?? "wc-api.sqlite"
        var readPool = ReadPoolConfiguration()
        readPool.threads = try options.integer(
            "read-threads", environment: "WC_API_READ_THREADS", default: readPool.threads, in: 1...256)
        readPool.queryTimeout = try options.seconds("query-timeout", environment: "WC_API_QUERY_TIMEOUT", default: 5, in: 0.001...3600)
        readPool.loopBudget = try options.seconds(
            "loop-budget", environment: "WC_API_LOOP_BUDGET", default: 5, in: 0.1...1000, scale: 1_000)
        readPool.queueTotal = try options.integer(
            "read-queue", environment: "WC_API_READ_QUEUE", default: readPool.queueTotal, in: 1...1_000_000)
        readPool.queuePerOwner = try options.integer(
            "read-queue-per-client", environment: "WC_API_READ_QUEUE_PER_CLIENT", default: readPool.queuePerOwner,
            in: 1...1_000_000)
        let location = StoreLocation(databasePath)
        let store = try Store(location: location, synchronous: synchronous, readPool: readPool)

        let hostForURL = engine.host.contains(":") ? "[\(engine.host)]" : engine.host
        let publicURL = options.value("public-url", environment: "WC_API_PUBLIC_URL")
        // The API is built once the port is bound, so `--port 0` still yields a public URL that names it.
        let server = HTTPServer(configuration: engine) { port in
            var configuration = APIConfiguration(publicURL: publicURL ?? "http://\(hostForURL):\(port)")
            configuration.oauthNonceCapacity = nonceCapacity
            return APIApplication(store: store, configuration: configuration).handler
        }
        let port = try server.start()
        let apiConfiguration = APIConfiguration(publicURL: publicURL ?? "http://\(hostForURL):\(port)")
        printError("wc-api-server: listening on http://\(hostForURL):\(port) (store \(location), "
                   + "public URL \(apiConfiguration.publicURL))")

        // SIGINT/SIGTERM were blocked before any thread started (see `run`), so they stay pending until this
        // thread takes them with sigwait: no thread can receive them another way.
        Thread.detachNewThread {
            var signals = ServeCommand.shutdownSignals
            var received: Int32 = 0
            sigwait(&signals, &received)
            printError("wc-api-server: shutting down")
            // Reads first: waiting ones answered with a 503, running ones interrupted, so the loops have nothing
            // left to wait for and the server exits well within its grace period (issue 11).
            store.beginShutdown()
            server.shutdown()
        }
        if !server.waitUntilStopped() {
            printError("wc-api-server: shutdown deadline passed with blocking work still running; not waiting for it")
        }
        store.close()
        exit(0)
    }
}
