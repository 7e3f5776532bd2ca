import SQLite
import XCTest

final class TransactionTests: SQLiteTestCase {
    private struct Failure: Error, Equatable { let id: Int }
    private var db: Database!

    override func setUpWithError() throws {
        try super.setUpWithError()
        db = try openDatabase()
        try db.execute(sql: "CREATE TABLE t (v INTEGER)")
    }

    override func tearDown() {
        db = nil
        super.tearDown()
    }

    private func values() throws -> [Int] {
        try db.makeStatement("SELECT v FROM t ORDER BY v").map { $0.int(at: 0) }
    }

    func testCommitOnReturnAndReturnsBodyValue() throws {
        let result = try db.transaction { db -> String in
            XCTAssertTrue(db.isInTransaction)
            try db.execute("INSERT INTO t VALUES (?)", [1])
            return "done"
        }
        XCTAssertEqual(result, "done")
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try temporary.open().query("SELECT v FROM t").map { $0[0] }, [.integer(1)])
    }

    func testRollbackOnThrowLeavesNoRowsAndRethrowsFirstError() throws {
        XCTAssertThrowsError(try db.transaction(.deferred) { db in
            try db.execute("INSERT INTO t VALUES (?)", [1])
            try db.execute("INSERT INTO t VALUES (?)", [2])
            throw Failure(id: 1)
        }) { XCTAssertEqual($0 as? Failure, Failure(id: 1)) }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try values(), [])
    }

    func testRollbackWithWriteStillInProgressRethrowsBodyError() throws {
        var pending: Statement?
        XCTAssertThrowsError(try db.transaction { db in
            let insert = try db.makeStatement("INSERT INTO t VALUES (1), (2) RETURNING v")
            XCTAssertTrue(try insert.step())
            pending = insert
            throw Failure(id: 7)
        }) { XCTAssertEqual($0 as? Failure, Failure(id: 7)) }
        XCTAssertFalse(db.isInTransaction)
        pending?.reset()
        XCTAssertEqual(try values(), [])
    }

    func testOriginalErrorIsRethrownWhenSavepointRollbackFails() throws {
        try db.transaction { db in
            try db.execute("INSERT INTO t VALUES (1)")
            XCTAssertThrowsError(try db.transaction { db in
                // Dropping the whole transaction removes the savepoint, so ROLLBACK TO / RELEASE both fail.
                try db.execute(sql: "ROLLBACK; BEGIN")
                try db.execute("INSERT INTO t VALUES (2)")
                throw Failure(id: 9)
            }) { XCTAssertEqual($0 as? Failure, Failure(id: 9)) }
            try db.execute("INSERT INTO t VALUES (3)")
        }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try values(), [2, 3])
    }

    func testSQLiteErrorInBodyRollsBackAndIsRethrown() throws {
        try db.execute(sql: "CREATE UNIQUE INDEX t_v ON t (v)")
        assertSQLiteError(.constraintUnique) {
            try self.db.transaction { db in
                try db.execute("INSERT INTO t VALUES (?)", [1])
                try db.execute("INSERT INTO t VALUES (?)", [1])
            }
        }
        XCTAssertEqual(try values(), [])
    }

    func testNestedSavepointRollbackKeepsOuterWork() throws {
        try db.transaction { db in
            try db.execute("INSERT INTO t VALUES (?)", [1])
            XCTAssertThrowsError(try db.transaction { db in
                try db.execute("INSERT INTO t VALUES (?)", [2])
                throw Failure(id: 2)
            }) { XCTAssertEqual($0 as? Failure, Failure(id: 2)) }
            XCTAssertTrue(db.isInTransaction)
            try db.execute("INSERT INTO t VALUES (?)", [3])
        }
        XCTAssertEqual(try values(), [1, 3])
    }

    func testNestedSuccessCommitsEverything() throws {
        try db.transaction { db in
            try db.execute("INSERT INTO t VALUES (1)")
            try db.transaction { db in
                try db.execute("INSERT INTO t VALUES (2)")
                try db.transaction { db in try db.execute("INSERT INTO t VALUES (3)") }
            }
        }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try values(), [1, 2, 3])
    }

    func testOuterRollbackDiscardsReleasedSavepoint() throws {
        XCTAssertThrowsError(try db.transaction { db in
            try db.transaction { db in try db.execute("INSERT INTO t VALUES (1)") }
            throw Failure(id: 3)
        })
        XCTAssertEqual(try values(), [])
    }

    func testCommitFailureRollsBackAndThrows() throws {
        try db.execute(sql: """
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        let error = assertSQLiteError(.constraintForeignKey) {
            try self.db.transaction { db in try db.execute("INSERT INTO child VALUES (?)", [99]) }
        }
        XCTAssertEqual(error?.sql, "COMMIT TRANSACTION")
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.query("SELECT count(*) FROM child").first?[0], .integer(0))
    }

    func testImmediateTransactionTakesWriteLock() throws {
        let other = try temporary.open(configuration: .init(busyTimeoutMilliseconds: 0))
        try db.transaction(.immediate) { _ in
            assertSQLiteError(.busy) { try other.transaction(.immediate) { _ in } }
        }
        try other.transaction(.exclusive) { db in try db.execute("INSERT INTO t VALUES (5)") }
        XCTAssertEqual(try values(), [5])
    }
}
