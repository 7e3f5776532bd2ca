import Foundation
import SQLite
import Synchronization
import XCTest

final class DatabaseTests: SQLiteTestCase {
    func testOpenCreatesFileAndEnablesWAL() throws {
        let db = try openDatabase()
        XCTAssertTrue(FileManager.default.fileExists(atPath: temporary.path()))
        XCTAssertEqual(try db.journalMode(), "wal")
        XCTAssertEqual(try db.query("PRAGMA journal_mode").first?[0], .text("wal"))
    }

    /// Servers opening a new file together (issue 12): turning a file to WAL needs it to themselves for a moment,
    /// and SQLite answers SQLITE_BUSY at once, without the busy handler, while another connection holds a lock on
    /// it. The open waits for it (within the busy timeout) instead of failing.
    func testOpeningWaitsForAnotherConnectionsLockToEnableWAL() throws {
        let path = temporary.path()
        let holder = try Database(path: path, configuration: .init(journalMode: nil))
        try holder.execute(sql: "BEGIN IMMEDIATE; CREATE TABLE t (x INTEGER)")
        let opened = DispatchSemaphore(value: 0)
        let outcome = Mutex<String?>(nil)
        Thread.detachNewThread {
            do {
                let db = try Database(path: path)
                outcome.withLock { $0 = try? db.journalMode() }
            } catch {
                outcome.withLock { $0 = "\(error)" }
            }
            opened.signal()
        }
        usleep(200_000)
        try holder.execute(sql: "COMMIT")
        XCTAssertEqual(opened.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(outcome.withLock { $0 }, "wal")
    }

    /// The wait is bounded by the busy timeout: a lock held past it is the open's SQLITE_BUSY.
    func testOpeningGivesUpOnWALAfterTheBusyTimeout() throws {
        let path = temporary.path()
        let holder = try Database(path: path, configuration: .init(journalMode: nil))
        try holder.execute(sql: "BEGIN IMMEDIATE; CREATE TABLE t (x INTEGER)")
        let started = Date()
        _ = assertSQLiteError(.busy) { try Database(path: path, configuration: .init(busyTimeoutMilliseconds: 300)) }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.3)
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        try holder.execute(sql: "ROLLBACK")
    }

    func testDefaultPragmas() throws {
        let db = try openDatabase()
        XCTAssertTrue(try db.foreignKeysEnabled())
        XCTAssertEqual(try db.query("PRAGMA synchronous").first?[0], .integer(2))  // FULL
        XCTAssertEqual(try db.query("PRAGMA busy_timeout").first?[0], .integer(5_000))
    }

    func testConfigurationOptionsAreApplied() throws {
        let configuration = Database.Configuration(
            journalMode: nil, foreignKeys: false, busyTimeoutMilliseconds: 250, synchronous: .normal)
        let db = try openDatabase(configuration: configuration)
        XCTAssertEqual(try db.journalMode(), "delete")
        XCTAssertFalse(try db.foreignKeysEnabled())
        XCTAssertEqual(try db.query("PRAGMA synchronous").first?[0], .integer(1))  // NORMAL
        XCTAssertEqual(try db.query("PRAGMA busy_timeout").first?[0], .integer(250))
        XCTAssertEqual(try db.query("PRAGMA mmap_size").first?[0], .integer(0), "no mapping unless asked")
    }

    func testMmapSizeIsApplied() throws {
        var configuration = Database.Configuration()
        configuration.mmapSize = 64 << 20
        let db = try openDatabase(configuration: configuration)
        XCTAssertEqual(try db.query("PRAGMA mmap_size").first?[0], .integer(64 << 20))
    }

    func testForeignKeysAreEnforced() throws {
        let db = try openDatabase()
        try db.execute(sql: """
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id));
            INSERT INTO parent (id) VALUES (1);
            """)
        try db.execute("INSERT INTO child (parent_id) VALUES (?)", [1])
        let error = assertSQLiteError(.constraintForeignKey) {
            try db.execute("INSERT INTO child (parent_id) VALUES (?)", [42])
        }
        XCTAssertEqual(error?.primaryResultCode, .constraint)
        XCTAssertEqual(try db.query("SELECT count(*) FROM child").first?[0], .integer(1))
    }

    func testReadOnlyConnectionRejectsWrites() throws {
        let writer = try openDatabase()
        try writer.execute(sql: "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);")
        let reader = try temporary.open(configuration: .init(readOnly: true))
        XCTAssertEqual(try reader.query("SELECT x FROM t").first?[0], .integer(7))
        XCTAssertEqual(try reader.journalMode(), "wal")
        let error = assertSQLiteError(.readonly) { try reader.execute("INSERT INTO t VALUES (8)") }
        XCTAssertEqual(error?.sql, "INSERT INTO t VALUES (8)")
    }

    func testReadOnlyOpenOfMissingFileFails() {
        assertSQLiteError(.cantOpen) { try self.temporary.open("missing.sqlite", configuration: .init(readOnly: true)) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: temporary.path("missing.sqlite")))
    }

    func testOpenInMissingDirectoryThrowsCantOpen() {
        assertSQLiteError(.cantOpen) { try Database(path: self.temporary.path("no/such/dir/x.sqlite")) }
    }

    func testInMemoryDatabaseSkipsWAL() throws {
        let db = try Database(path: ":memory:")
        XCTAssertEqual(try db.journalMode(), "memory")
        try db.execute(sql: "CREATE TABLE t (x)")
        try db.execute("INSERT INTO t VALUES (?)", [1])
        XCTAssertEqual(db.changes, 1)
    }

    func testExecuteScriptRunsEveryStatement() throws {
        let db = try openDatabase()
        try db.execute(sql: """
            -- schema
            CREATE TABLE a (x INTEGER);
            CREATE TABLE b (y TEXT);
            INSERT INTO a VALUES (1), (2);
            INSERT INTO b VALUES ('z');
            """)
        XCTAssertEqual(try db.query("SELECT sum(x) FROM a").first?[0], .integer(3))
        XCTAssertEqual(try db.query("SELECT y FROM b").first?[0], .text("z"))
    }

    func testScriptErrorReportsCodeMessageAndSQL() throws {
        let db = try openDatabase()
        let error = assertSQLiteError(.error) { try db.execute(sql: "CREATE TABLE t (x); SELEC 1;") }
        XCTAssertEqual(error?.message, #"near "SELEC": syntax error"#)
        XCTAssertEqual(error?.sql, "CREATE TABLE t (x); SELEC 1;")
    }

    func testSingleStatementExecuteRejectsMultipleStatements() throws {
        let db = try openDatabase()
        try db.execute(sql: "CREATE TABLE t (x)")
        let error = assertSQLiteError(.misuse) { try db.execute("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)") }
        XCTAssertTrue(error?.message.contains("multiple statements") ?? false)
        XCTAssertEqual(try db.query("SELECT count(*) FROM t").first?[0], .integer(0))
        // Trailing semicolons, whitespace and comments are fine.
        try db.execute("INSERT INTO t VALUES (1); -- done\n ;")
        XCTAssertEqual(try db.query("SELECT count(*) FROM t").first?[0], .integer(1))
    }

    func testLastInsertRowIDAndChanges() throws {
        let db = try openDatabase()
        try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)")
        try db.execute("INSERT INTO t (id, x) VALUES (?, ?)", [41, 1])
        try db.execute("INSERT INTO t (x) VALUES (?)", [2])
        XCTAssertEqual(db.lastInsertRowID, 42)
        try db.execute("UPDATE t SET x = x + 1")
        XCTAssertEqual(db.changes, 2)
        XCTAssertEqual(db.totalChanges, 4)
    }

    func testUserVersionRoundTrip() throws {
        let db = try openDatabase()
        XCTAssertEqual(try db.userVersion(), 0)
        try db.setUserVersion(17)
        XCTAssertEqual(try db.userVersion(), 17)
        let reopened = try temporary.open()
        XCTAssertEqual(try reopened.userVersion(), 17)
    }

    func testWrongArgumentCountThrowsRange() throws {
        let db = try openDatabase()
        try db.execute(sql: "CREATE TABLE t (a, b)")
        let error = assertSQLiteError(.range) { try db.execute("INSERT INTO t VALUES (?, ?)", [1]) }
        XCTAssertEqual(error?.message, "wrong number of arguments: expected 2, got 1")
    }

    func testStatementKeepsConnectionAliveAfterDatabaseIsReleased() throws {
        var db: Database? = try openDatabase()
        try db?.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (5);")
        let statement = try XCTUnwrap(db?.makeStatement("SELECT x FROM t"))
        db = nil
        XCTAssertEqual(try statement.first { $0.int(at: 0) }, 5)
    }

    func testIsInTransactionTracksAutocommit() throws {
        let db = try openDatabase()
        XCTAssertFalse(db.isInTransaction)
        try db.execute(sql: "BEGIN")
        XCTAssertTrue(db.isInTransaction)
        try db.execute(sql: "ROLLBACK")
        XCTAssertFalse(db.isInTransaction)
    }
}

/// `unchangedOrRead` answers from memory only while no transaction committed, from this connection or another.
final class DataVersionTests: SQLiteTestCase {
    func testARememberedReadIsRepeatedAfterAnyCommit() throws {
        let reader = try temporary.open(), writer = try temporary.open()
        try writer.execute(sql: "CREATE TABLE t (x INTEGER PRIMARY KEY); INSERT INTO t VALUES (1);")
        let sql = SQL("SELECT max(x), count(*) FROM t")
        func read() throws -> (Int64, Int64) { try reader.transaction(.deferred) { db in
            _ = try db.query("SELECT 1 FROM t LIMIT 1")  // the snapshot starts
            return try db.unchangedOrRead(sql)
        } }
        XCTAssertTrue(try read() == (1, 1))
        XCTAssertTrue(try read() == (1, 1))
        try writer.execute(sql: "INSERT INTO t VALUES (7)")  // another connection commits
        XCTAssertTrue(try read() == (7, 2))
        try reader.execute(sql: "INSERT INTO t VALUES (9)")  // this connection commits
        XCTAssertTrue(try read() == (9, 3))
        // Outside a read transaction the statement always runs (the version would be the last snapshot's).
        try writer.execute(sql: "INSERT INTO t VALUES (11)")
        XCTAssertTrue(try reader.unchangedOrRead(sql) == (11, 4))
    }
}
