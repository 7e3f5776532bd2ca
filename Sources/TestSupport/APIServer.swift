import Foundation
import Synchronization
import HTTP
import SQLite
import WooAPI

/// A running API on a real loopback listener over a fresh temporary store, with keys of every permission: a SQLite
/// file in a temporary directory, or with `WC_API_TEST_BACKEND=postgres` a fresh PostgreSQL database
/// (``TestDatabase``), dropped with the directory by whichever instance owns them last.
package final class LiveAPI {
    package let port: UInt16
    package let server: HTTPServer
    package let store: Store
    package let api: APIApplication
    package let directory: URL
    /// A `read_write` key of the administrator (user 1).
    package let key: APIKeys.Created
    package let readKey: APIKeys.Created
    package let writeKey: APIKeys.Created
    /// The PostgreSQL database made for this API (nil over SQLite, or when `databasePath` named the store).
    private let database: TestDatabase?
    private var ownsDirectory = true
    private var stopped = false
    private let passwordIterations: Int
    private let databasePath: String?
    private let clock: @Sendable () -> Int64
    private let configure: (inout ServerConfiguration) -> Void

    /// Starts the API; `passwordIterations` is lowered by default so tests that set passwords stay fast.
    /// `databasePath` opens an existing store (upgrading it) instead of a fresh one: a SQLite file, or a PostgreSQL
    /// URL or conninfo (``StoreLocation``), such as another API's `store.path`; whoever made it keeps it.
    package convenience init(databasePath: String? = nil, passwordIterations: Int = 1_000, now: (@Sendable () -> Int64)? = nil,
                             configure: @escaping (inout ServerConfiguration) -> Void = { _ in }) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-api-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = databasePath == nil && TestBackend.isPostgres ? try TestDatabase.make() : nil
        do {
            try self.init(directory: directory, databasePath: databasePath, database: database, keys: nil,
                          passwordIterations: passwordIterations, clock: now ?? { Int64(Date().timeIntervalSince1970) },
                          configure: configure)
        } catch {
            database?.drop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private init(directory: URL, databasePath: String?, database: TestDatabase?,
                 keys: (APIKeys.Created, APIKeys.Created, APIKeys.Created)?,
                 passwordIterations: Int, clock: @escaping @Sendable () -> Int64,
                 configure: @escaping (inout ServerConfiguration) -> Void) throws {
        self.directory = directory
        self.databasePath = databasePath
        self.database = database
        self.passwordIterations = passwordIterations
        self.clock = clock
        self.configure = configure
        let location = if let databasePath {
            StoreLocation(databasePath)
        } else if let database {
            StoreLocation.postgres(conninfo: database.url)
        } else {
            StoreLocation.sqlite(path: directory.appendingPathComponent("store.sqlite").path)
        }
        let store = try Store(location: location)
        self.store = store
        if let keys {
            (key, readKey, writeKey) = keys
        } else {
            (key, readKey, writeKey) = try store.writeAndWait { db in
                (try APIKeys.create(permissions: .readWrite, description: "test", now: 0, in: db),
                 try APIKeys.create(permissions: .read, description: "test read", now: 0, in: db),
                 try APIKeys.create(permissions: .write, description: "test write", now: 0, in: db))
            }
        }
        var engine = makeTestConfiguration(configure)
        APIApplication.configureEngine(&engine)
        let holder = APIHolder()
        server = HTTPServer(configuration: engine) { port in
            var configuration = APIConfiguration(publicURL: "http://127.0.0.1:\(port)")
            configuration.passwordIterations = passwordIterations
            configuration.now = clock
            let api = APIApplication(store: store, configuration: configuration)
            holder.set(api)
            return api.handler
        }
        port = try server.start()
        api = holder.get()!
    }

    deinit {
        stop()
        guard ownsDirectory else { return }
        try? FileManager.default.removeItem(at: directory)
        database?.drop()
    }

    /// Stops the server and closes the store (queued writes finish first), as a graceful shutdown does.
    package func stop() {
        guard !stopped else { return }
        stopped = true
        store.beginShutdown()
        server.shutdown(gracePeriod: .seconds(2))
        server.waitUntilStopped()
        store.close()
    }

    /// A restart: stops this server and starts a new one (on a new port) over the same database and keys.
    /// The new one owns the directory (and the PostgreSQL database) from then on.
    package func restarted() throws -> LiveAPI {
        stop()
        let next = try LiveAPI(directory: directory, databasePath: databasePath, database: database,
                               keys: (key, readKey, writeKey),
                               passwordIterations: passwordIterations, clock: clock, configure: configure)
        ownsDirectory = false
        return next
    }

    /// A new connection to the server.
    package func connect(timeout: Double = 10) throws -> RawClient { try RawClient(port: port, timeout: timeout) }
}

/// Hands the API built on the server's start back to the test.
private final class APIHolder: Sendable {
    private let api = Mutex<APIApplication?>(nil)
    func set(_ api: APIApplication) { self.api.withLock { $0 = api } }
    func get() -> APIApplication? { api.withLock { $0 } }
}

/// The directory holding the built products (the test bundle's own directory), for tests that run binaries.
package func builtProductsDirectory() -> URL {
    var url = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
    while url.pathComponents.count > 1 {
        if url.pathExtension == "xctest" { return url.deletingLastPathComponent() }
        url.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug")
}
