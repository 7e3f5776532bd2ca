import Foundation
import SQLite
import Synchronization
import XCTest

final class MigratorTests: SQLiteTestCase {
    private static let v1 = (version: 1, sql: """
        CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        INSERT INTO products (name) VALUES ('seed');
        """)
    private static let v2 = (version: 2, sql: "ALTER TABLE products ADD COLUMN sku TEXT;")

    private func tableCount(_ db: Database, _ name: String) throws -> Int {
        try db.makeStatement("SELECT count(*) FROM sqlite_schema WHERE name = ?").first([.text(name)]) {
            $0.int(at: 0)
        } ?? 0
    }

    func testAppliesMigrationsAndSetsUserVersion() throws {
        let db = try openDatabase()
        let migrator = Migrator([Self.v1, Self.v2])
        XCTAssertEqual(migrator.latestVersion, 2)
        XCTAssertEqual(try migrator.migrate(db), 2)
        XCTAssertEqual(try db.userVersion(), 2)
        XCTAssertEqual(try tableCount(db, "products"), 1)
        XCTAssertEqual(try db.makeStatement("SELECT * FROM products").columnNames, ["id", "name", "sku"])
    }

    func testSecondRunIsIdempotent() throws {
        let db = try openDatabase()
        let migrator = Migrator([Self.v1, Self.v2])
        try migrator.migrate(db)
        let changesBefore = db.totalChanges
        XCTAssertEqual(try migrator.migrate(db), 2)
        XCTAssertEqual(db.totalChanges, changesBefore)
        XCTAssertEqual(try db.query("SELECT count(*) FROM products").first?[0], .integer(1))
        // A fresh connection (e.g. after a restart) also sees it as up to date.
        XCTAssertEqual(try migrator.migrate(temporary.open()), 2)
    }

    func testAppliesOnlyNotYetAppliedMigrations() throws {
        let db = try openDatabase()
        try Migrator([Self.v1]).migrate(db)
        try db.execute("INSERT INTO products (name) VALUES (?)", ["kept"])
        XCTAssertEqual(try Migrator([Self.v1, Self.v2]).migrate(db), 2)
        XCTAssertEqual(try db.query("SELECT name FROM products ORDER BY id").map { $0["name"] },
                       [.text("seed"), .text("kept")])
    }

    func testRefusesDatabaseNewerThanKnownVersion() throws {
        let db = try openDatabase()
        try Migrator([Self.v1, Self.v2]).migrate(db)
        XCTAssertThrowsError(try Migrator([Self.v1]).migrate(db)) { error in
            XCTAssertEqual(error as? MigrationError,
                           .databaseNewerThanSchema(databaseVersion: 2, latestKnownVersion: 1))
            XCTAssertTrue("\(error)".contains("newer than the latest known version 1"))
        }
        XCTAssertEqual(try db.userVersion(), 2)
    }

    func testFailedMigrationRollsBackItsStepAndKeepsEarlierOnes() throws {
        let db = try openDatabase()
        let broken = (version: 2, sql: "CREATE TABLE orders (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);")
        assertSQLiteError(.error) { try Migrator([Self.v1, broken]).migrate(db) }
        XCTAssertEqual(try db.userVersion(), 1)
        XCTAssertEqual(try tableCount(db, "products"), 1)
        XCTAssertEqual(try tableCount(db, "orders"), 0)
        XCTAssertFalse(db.isInTransaction)
    }

    func testRejectsUnorderedOrNonPositiveVersions() throws {
        let db = try openDatabase()
        XCTAssertThrowsError(try Migrator([Self.v2, Self.v1]).migrate(db)) {
            XCTAssertEqual($0 as? MigrationError, .invalidMigrationOrder(versions: [2, 1]))
        }
        XCTAssertThrowsError(try Migrator([(version: 0, sql: "SELECT 1")]).migrate(db))
        XCTAssertEqual(try db.userVersion(), 0)
    }

    func testScriptThatSetsUserVersionItselfIsAccepted() throws {
        // schema.sql ends with its own `PRAGMA user_version = 1;`.
        let db = try openDatabase()
        let schema = (version: 1, sql: "CREATE TABLE s (x INTEGER);\nPRAGMA user_version = 1;")
        XCTAssertEqual(try Migrator([schema]).migrate(db), 1)
        XCTAssertEqual(try Migrator([schema]).migrate(db), 1)
        XCTAssertEqual(try tableCount(db, "s"), 1)
    }

    func testEmptyMigratorLeavesFreshDatabaseAtZero() throws {
        let db = try openDatabase()
        XCTAssertEqual(try Migrator([Migration]()).migrate(db), 0)
    }

    /// Issue 12: servers starting together run their migrators at once. One that read the version before another
    /// took the write lock must not apply that step again: each step re-reads the version under the lock.
    func testAStepAppliedByAnotherConnectionWhileThisOneWaitedIsSkipped() throws {
        let holder = try openDatabase()
        let path = holder.path
        try holder.execute(sql: "BEGIN IMMEDIATE")
        try holder.execute(sql: Self.v1.sql)
        try holder.setUserVersion(1)
        let outcome = Mutex<Result<Int, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            // Reads version 0 (the holder has not committed), then waits for the write lock.
            let result = Result { () throws -> Int in try Migrator([Self.v1, Self.v2]).migrate(Database(path: path)) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        usleep(200_000)
        try holder.execute(sql: "COMMIT")
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(try outcome.withLock { $0 }?.get(), 2)
        XCTAssertEqual(try holder.query("SELECT count(*) FROM products").first?[0], .integer(1), "v1 ran once")
        XCTAssertEqual(try holder.makeStatement("SELECT * FROM products").columnNames, ["id", "name", "sku"])
    }

    /// Eight connections migrating one fresh file at the same instant: every one succeeds, each step runs once.
    func testConcurrentMigratorsApplyEachStepOnce() throws {
        let path = temporary.path()
        let connections = try (0..<8).map { _ in try Database(path: path) }
        let boxes = connections.map(UncheckedBox.init)
        let results = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: boxes.count) { index in
            if let version = try? Migrator([Self.v1, Self.v2]).migrate(boxes[index].value) {
                results.withLock { $0.append(version) }
            }
        }
        XCTAssertEqual(results.withLock { $0 }, Array(repeating: 2, count: 8))
        XCTAssertEqual(try connections[0].query("SELECT count(*) FROM products").first?[0], .integer(1))
    }
}

/// Hands one connection to exactly one other thread (a test-only escape from `Database`'s confinement).
private final class UncheckedBox: @unchecked Sendable {
    let value: Database
    init(_ value: Database) { self.value = value }
}
