import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import Synchronization
import WooAPI

/// The back end the end-to-end suites' stores are on (issue 12, docs/scale-out.md §3 step 4): SQLite files, or with
/// `WC_API_TEST_BACKEND=postgres` PostgreSQL databases (``TestDatabase``), so the same suites check both back ends.
/// The variable is the Python suite's (Tests/python/conftest.py), so one setting runs every suite one way.
package enum TestBackend {
    /// Whether `WC_API_TEST_BACKEND=postgres`. Any value other than `postgres` or `sqlite` stops the process: a
    /// misspelt back end would otherwise run the SQLite suites and report them as a PostgreSQL run.
    package static let isPostgres: Bool = {
        switch ProcessInfo.processInfo.environment["WC_API_TEST_BACKEND"] {
        case nil, "", "sqlite": return false
        case "postgres": return true
        case let other?: fatalError("WC_API_TEST_BACKEND must be sqlite or postgres, not \(other)")
        }
    }()
}

/// A fresh PostgreSQL database for one test API's store: created `TEMPLATE` a database that already has the schema,
/// on the test process's one cluster (``TestPostgres``). Copying the template costs a few milliseconds where
/// applying schema.postgres.sql to each new database would cost far more, as in the Python suite.
package struct TestDatabase: Sendable {
    /// The database's name on the cluster (`wc_api_<n>`).
    package let name: String
    /// A libpq URL of the database, for ``StoreLocation``.
    package let url: String

    /// A new database holding the schema and no rows. Starts the cluster and makes the template on first use.
    package static func make() throws -> TestDatabase {
        try TestPostgres.shared.makeDatabase()
    }

    /// Drops the database, ending any session still on it (a store that was not closed), so the hundreds of
    /// databases a run makes do not pile up on the cluster. Errors are ignored: the cluster goes at exit anyway.
    package func drop() {
        TestPostgres.shared.drop(self)
    }
}

/// The test process's PostgreSQL cluster: started the first time a store asks for a database (a SQLite run never
/// starts one) and stopped at process exit by an `atexit` handler, which XCTest's `exit` at the end of a run
/// calls. A process that crashes or is killed skips it and leaves the server running in its temporary directory.
final class TestPostgres: Sendable {
    /// The process's one instance.
    static let shared = TestPostgres()

    /// The template every test database copies: the schema (``PostgresSchema/current``) and nothing else.
    static let template = "wc_api_template"

    /// The running cluster once started, or why it could not start (then every later test fails with that too,
    /// quickly, instead of trying initdb again); and the number of databases made so far.
    private let state = Mutex<(cluster: Result<TestCluster, ClusterError>?, made: Int)>((nil, 0))

    private init() {}

    /// Creates `wc_api_<n>` from the template, starting the cluster first if it is not running yet. Under the
    /// lock, so two tests asking at once (none do today) share one cluster and get different names.
    func makeDatabase() throws -> TestDatabase {
        try state.withLock { state in
            if state.cluster == nil {
                state.cluster = Result { try Self.startCluster() }
                    .mapError { $0 as? ClusterError ?? ClusterError(message: "\($0)") }
            }
            let cluster = try state.cluster!.get()
            state.made += 1
            let name = "wc_api_\(state.made)"
            try Self.admin(cluster) { try $0.execute("CREATE DATABASE \(name) TEMPLATE \(Self.template)") }
            return TestDatabase(name: name, url: cluster.url(database: name))
        }
    }

    /// Drops `database` (see ``TestDatabase/drop()``).
    func drop(_ database: TestDatabase) {
        guard let cluster = state.withLock({ try? $0.cluster?.get() }) else { return }
        try? Self.admin(cluster) { try $0.execute("DROP DATABASE IF EXISTS \(database.name) WITH (FORCE)") }
    }

    /// Stops the cluster, if one was started (the `atexit` handler).
    func stop() {
        let cluster = state.withLock { state -> TestCluster? in
            defer { state.cluster = nil }
            return try? state.cluster?.get()
        }
        cluster?.stop()
    }

    /// Starts a cluster, makes the template and registers the exit handler. The template gets its schema over one
    /// connection that is closed before any copy, since PostgreSQL copies only a database nobody is connected to.
    private static func startCluster() throws -> TestCluster {
        let cluster = try TestCluster.start()
        do {
            try admin(cluster) { try $0.execute("CREATE DATABASE \(template)") }
            let connection = try PostgresConnection(conninfo: cluster.conninfo(database: template))
            defer { connection.close() }
            try PostgresSchema.current.prepare(connection)
        } catch {
            cluster.stop()
            throw error
        }
        atexit { TestPostgres.shared.stop() }
        return cluster
    }

    /// Runs `body` on a new connection to the cluster's `postgres` database (CREATE and DROP DATABASE cannot run
    /// inside a transaction or on the database they name). One connection per call: they are not Sendable.
    private static func admin(_ cluster: TestCluster, _ body: (PostgresConnection) throws -> Void) throws {
        let connection = try PostgresConnection(conninfo: cluster.conninfo(database: "postgres"))
        defer { connection.close() }
        try body(connection)
    }
}
