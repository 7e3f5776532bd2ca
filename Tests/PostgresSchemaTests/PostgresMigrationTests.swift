import Foundation
import Postgres
import PostgresTestSupport
import Synchronization
import WooAPI
import XCTest

/// `PostgresSchema.prepare`: servers racing on a new database migrate it once; an upgrade applies the `@since`
/// sections with the version in one transaction; a database it must not touch is refused with a clear error; the
/// advisory lock is always released.
final class PostgresMigrationTests: SchemaTestCase {
    /// The current schema with a version-7 section appended, as a later build would have it.
    private static func version7(_ section: String) -> PostgresSchema {
        PostgresSchema(sql: PostgresSchema.current.sql + "\n-- @since 7 ----\n\(section)\n-- @end\n", version: 7)
    }

    private func advisoryLocks(_ connection: PostgresConnection) throws -> Int64? {
        try connection.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").int64(row: 0, column: 0)
    }

    private func version(_ connection: PostgresConnection) throws -> Int64? {
        try connection.execute("SELECT version FROM schema_version").int64(row: 0, column: 0)
    }

    private func tableCount(_ connection: PostgresConnection) throws -> Int64? {
        try connection.execute("""
            SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()
            """).int64(row: 0, column: 0)
    }

    func testThreeServersRacingOnANewDatabaseMigrateItOnce() throws {
        let url = try cluster.url()
        let outcomes = OutcomeList()
        let failures = ThreadFailures()
        runConcurrently(threads: 3) { thread in
            do {
                let connection = try PostgresConnection(conninfo: url)
                outcomes.append(try PostgresSchema.current.prepare(connection))
            } catch {
                failures.record("server \(thread): \(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
        XCTAssertEqual(outcomes.all.filter { $0 == .created }.count, 1, "\(outcomes.all)")
        XCTAssertEqual(outcomes.all.filter { $0 == .current }.count, 2, "\(outcomes.all)")
        let connection = try makeConnection()
        XCTAssertEqual(try version(connection), 6)
        XCTAssertEqual(try tableCount(connection), 13)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM users").int64(row: 0, column: 0), 1,
                       "one administrator: the schema ran once")
        XCTAssertEqual(try advisoryLocks(connection), 0)
    }

    /// prepare does nothing while another session holds the lock, and goes on once it is released.
    func testPrepareWaitsForTheAdvisoryLock() throws {
        XCTAssertEqual(withUnsafeBytes(of: PostgresSchema.lockKey.bigEndian) { Array($0) }, Array("wcschema".utf8))
        let holder = try makeConnection()
        try holder.execute("SELECT pg_advisory_lock($1)", [.integer(PostgresSchema.lockKey)])
        let url = try cluster.url()
        let outcomes = OutcomeList(), failures = ThreadFailures()
        let done = DispatchSemaphore(value: 0)
        Thread {
            defer { done.signal() }
            do {
                outcomes.append(try PostgresSchema.current.prepare(PostgresConnection(conninfo: url)))
            } catch {
                failures.record("\(error)")
            }
        }.start()
        var waiting = false
        for _ in 0..<200 where !waiting {
            waiting = try holder.execute("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                """).int64(row: 0, column: 0) == 1
            if !waiting { usleep(10_000) }
        }
        XCTAssertTrue(waiting, "prepare did not wait for the advisory lock")
        XCTAssertEqual(try tableCount(holder), 0, "nothing applied while the lock is held elsewhere")
        try holder.execute("SELECT pg_advisory_unlock($1)", [.integer(PostgresSchema.lockKey)])
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(failures.all, [])
        XCTAssertEqual(outcomes.all, [.created])
    }

    func testPreparingACurrentDatabaseWritesNothing() throws {
        let connection = try makePostgresStore()
        let before = try connection.execute("SELECT xmin::text FROM schema_version").value(row: 0, column: 0)
        XCTAssertEqual(try PostgresSchema.current.prepare(connection), .current)
        XCTAssertEqual(try connection.execute("SELECT xmin::text FROM schema_version").value(row: 0, column: 0), before)
        XCTAssertEqual(PostgresSchema.current.version, Store.schemaVersion)
    }

    func testAnOlderDatabaseGetsTheNewSectionsWithItsVersionInOneTransaction() throws {
        let connection = try makePostgresStore()
        let next = Self.version7("""
            ALTER TABLE users ADD COLUMN nickname TEXT NOT NULL DEFAULT '';
            CREATE INDEX users_nickname ON users (nickname);
            """)
        XCTAssertEqual(try next.prepare(connection), .upgraded(from: 6))
        XCTAssertEqual(try version(connection), 7)
        XCTAssertEqual(try connection.execute("SELECT nickname FROM users WHERE id = 1").value(row: 0, column: 0), "")
        XCTAssertEqual(try next.prepare(connection), .current)
        XCTAssertEqual(try advisoryLocks(connection), 0)
    }

    func testAFailingSectionLeavesTheDatabaseAsItWas() throws {
        let connection = try makePostgresStore()
        let broken = Self.version7("""
            ALTER TABLE users ADD COLUMN nickname TEXT NOT NULL DEFAULT '';
            SELECT no_such_function();
            """)
        XCTAssertThrowsError(try broken.prepare(connection)) { error in
            XCTAssertTrue("\(error)".contains("no_such_function"), "\(error)")
        }
        XCTAssertEqual(try version(connection), 6)
        XCTAssertEqual(try connection.execute("""
            SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'
            """).int64(row: 0, column: 0), 0)
        XCTAssertEqual(try advisoryLocks(connection), 0, "released after a failure too")
    }

    func testAMissingSectionIsRefused() throws {
        let connection = try makePostgresStore()
        let gap = PostgresSchema(sql: PostgresSchema.current.sql, version: 7)
        XCTAssertThrowsError(try gap.prepare(connection)) { error in
            XCTAssertTrue("\(error)".contains("no `-- @since 7` section"), "\(error)")
        }
        XCTAssertEqual(try version(connection), 6)
    }

    func testANewerDatabaseIsRefused() throws {
        let connection = try makePostgresStore()
        try connection.execute("UPDATE schema_version SET version = 7")
        XCTAssertThrowsError(try PostgresSchema.current.prepare(connection)) { error in
            XCTAssertEqual("\(error)", "the database has schema version 7; this build knows up to 6")
        }
        XCTAssertEqual(try advisoryLocks(connection), 0)
    }

    func testANonEmptyDatabaseWithoutAVersionIsRefused() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE something_else (id bigint)")
        XCTAssertThrowsError(try PostgresSchema.current.prepare(connection)) { error in
            XCTAssertTrue("\(error)".contains("not empty and has no schema version"), "\(error)")
        }
        XCTAssertEqual(try tableCount(connection), 1, "nothing was created beside it")
    }

    func testASchemaFileWhoseVersionRowDisagreesIsRefusedAndRolledBack() throws {
        let connection = try makeConnection()
        XCTAssertThrowsError(try PostgresSchema(sql: PostgresSchema.current.sql, version: 7).prepare(connection)) {
            XCTAssertTrue("\($0)".contains("wrote schema version 6 instead of 7"), "\($0)")
        }
        XCTAssertEqual(try tableCount(connection), 0)
    }

    func testADatabaseWithoutTheCLocaleIsRefused() throws {
        let admin = try PostgresConnection(conninfo: cluster.url(database: "postgres"))
        try admin.execute("DROP DATABASE IF EXISTS wc_utf8")
        try admin.execute("CREATE DATABASE wc_utf8 TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
        defer { _ = try? admin.execute("DROP DATABASE IF EXISTS wc_utf8") }
        do {
            let connection = try PostgresConnection(conninfo: cluster.url(database: "wc_utf8"))
            defer { connection.close() }
            XCTAssertThrowsError(try PostgresSchema.current.prepare(connection)) { error in
                XCTAssertTrue("\(error)".contains("LC_COLLATE C.UTF-8"), "\(error)")
            }
        }
    }

    func testPreparingInsideATransactionIsRefused() throws {
        let connection = try makeConnection()
        try connection.transaction { connection in
            XCTAssertThrowsError(try PostgresSchema.current.prepare(connection))
        }
        XCTAssertEqual(try tableCount(connection), 0)
    }
}

/// The outcomes of the racing servers.
private final class OutcomeList: Sendable {
    private let outcomes = Mutex<[PostgresSchema.Outcome]>([])
    func append(_ outcome: PostgresSchema.Outcome) { outcomes.withLock { $0.append(outcome) } }
    var all: [PostgresSchema.Outcome] { outcomes.withLock { $0 } }
}
