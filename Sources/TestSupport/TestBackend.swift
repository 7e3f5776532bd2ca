import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import Synchronization
import WooAPI

/// The back end the end-to-end suites' stores are on (issue 12, docs/scale-out.md §3 step 4): SQLite files, or with
/// `WC_API_TEST_BACKEND=postgres` PostgreSQL databases (``TestDatabase``), or with `WC_API_TEST_BACKEND=citus` a
/// Citus database in the distributed layout, so the same suites check every back end. The variable is the Python
/// suite's (Tests/python/conftest.py), so one setting runs every suite one way.
package enum TestBackend {
    /// The back end named by `WC_API_TEST_BACKEND`. Any other value stops the process: a misspelt back end would
    /// otherwise run the SQLite suites and report them as a PostgreSQL run.
    package static let name: String = {
        switch ProcessInfo.processInfo.environment["WC_API_TEST_BACKEND"] {
        case nil, "", "sqlite": return "sqlite"
        case "postgres": return "postgres"
        case "citus": return "citus"
        case let other?: fatalError("WC_API_TEST_BACKEND must be sqlite, postgres or citus, not \(other)")
        }
    }()

    /// Whether the stores are PostgreSQL databases (plain or Citus): what is SQLite by nature skips.
    package static var isPostgres: Bool { name != "sqlite" }

    /// Whether the stores are on a Citus cluster.
    package static var isCitus: Bool { name == "citus" }
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
    /// On Citus (``TestBackend/isCitus``), the one distributed database of the run, emptied (``TestCitus``).
    package static func make() throws -> TestDatabase {
        if TestBackend.isCitus { return try TestCitus.shared.emptiedDatabase() }
        return try TestPostgres.shared.makeDatabase()
    }

    /// Drops the database, ending any session still on it (a store that was not closed), so the hundreds of
    /// databases a run makes do not pile up on the cluster. Errors are ignored: the cluster goes at exit anyway.
    /// The Citus run's one database stays for the next test.
    package func drop() {
        if TestBackend.isCitus { return }
        TestPostgres.shared.drop(self)
    }
}

/// The test process's Citus cluster (a coordinator and 2 workers, ``CitusCluster``) and its one database in the
/// distributed layout. Citus cannot copy a database from a template, and making one (the database on every node,
/// the extension, the node list, the schema, then distributing 12 tables) takes seconds, so every test gets the
/// same database emptied instead: its tables truncated and the schema's administrator put back, which is the state
/// a new database starts in. Tests run one at a time, and each test's stores are closed before the next begins.
final class TestCitus: Sendable {
    static let shared = TestCitus()
    static let database = "wc_api_citus"

    private let state = Mutex<Result<(cluster: CitusCluster, url: String), ClusterError>?>(nil)

    private init() {}

    /// The run's database with no rows but the administrator's, starting the cluster on first use.
    func emptiedDatabase() throws -> TestDatabase {
        try state.withLock { state in
            if state == nil {
                state = Result { try Self.start() }.mapError { $0 as? ClusterError ?? ClusterError(message: "\($0)") }
            }
            let (_, url) = try state!.get()
            let connection = try PostgresConnection(conninfo: url)
            defer { connection.close() }
            // A store left open with a transaction would hold a lock the truncation waits for: fail, not hang.
            try connection.execute("SET lock_timeout = '10s'")
            try connection.executeScript(Self.emptySQL(now: Int64(Date().timeIntervalSince1970)))
            return TestDatabase(name: Self.database, url: url)
        }
    }

    /// Empties the store and puts back the row schema.postgres.sql inserts (the administrator, id 1) with the
    /// lookups and role count its bookkeeping keeps; identities start again, as in a new database. DELETE rather
    /// than TRUNCATE: on these near-empty tables it is 3 times quicker (0.24 s against 0.65 s over 36 shards).
    static func emptySQL(now: Int64) -> String {
        let tables = ["order_items", "download_permissions", "orders", "product_downloads", "products", "posts",
                      "users", "user_emails", "user_logins", "role_counts", "oauth_nonces", "api_keys",
                      "user_list_changes", "order_list_changes"]
        let identities = [("posts", "id"), ("api_keys", "key_id"), ("order_items", "id"),
                          ("download_permissions", "id"), ("user_list_changes", "seq"), ("order_list_changes", "seq")]
        // Sequential: a reference table written after a multi-shard statement in one transaction must be written
        // over the same connection per node (Citus refuses it after a parallel one).
        return "SET LOCAL citus.multi_shard_modify_mode = 'sequential';\n"
            + tables.map { "DELETE FROM \($0);\n" }.joined()
            + identities.map { "SELECT setval(pg_get_serial_sequence('\($0.0)', '\($0.1)'), 1, false);\n" }.joined()
            + """
            INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at, avatar_hash)
            VALUES (1, 'admin', 'admin@example.com', '!', 'administrator', \(now), \(now),
                    'e64c7d89f26bd1972efa854d13d7dd61');
            SELECT setval(pg_get_serial_sequence('users', 'id'), 1);
            INSERT INTO user_emails (email, user_id) VALUES ('admin@example.com', 1);
            INSERT INTO user_logins (username, user_id) VALUES ('admin', 1);
            INSERT INTO role_counts (role, users) VALUES ('administrator', 1);
            """
    }

    func stop() {
        let started = state.withLock { state -> CitusCluster? in
            defer { state = nil }
            return try? state?.get().cluster
        }
        started?.stop()
    }

    /// Starts the cluster, makes the database and brings it to the schema and the distributed layout, as a server
    /// would (``PostgresSchema/prepare(_:)``).
    private static func start() throws -> (cluster: CitusCluster, url: String) {
        let cluster = try CitusCluster.start()
        do {
            let url = try cluster.makeDatabase(database)
            // 4 shards per table instead of Citus's 32: still spread over both workers, and every statement that
            // reaches all shards (the emptying above, a list, a count) costs an eighth of the round trips.
            let admin = try PostgresConnection(conninfo: url)
            try admin.execute("ALTER DATABASE \(database) SET citus.shard_count = 4")
            admin.close()
            let connection = try PostgresConnection(conninfo: url)
            defer { connection.close() }
            try PostgresSchema.current.prepare(connection)
            guard try PostgresSchema.isDistributed(connection) else {
                throw ClusterError(message: "the Citus test database did not get the distributed layout")
            }
            atexit { TestCitus.shared.stop() }
            return (cluster, url)
        } catch {
            cluster.stop()
            throw error
        }
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
