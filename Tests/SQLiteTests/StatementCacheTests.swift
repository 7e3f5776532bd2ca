import SQLite
import XCTest

final class StatementCacheTests: SQLiteTestCase {
    private var db: Database!

    override func setUpWithError() throws {
        try super.setUpWithError()
        db = try openDatabase()
        try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b');")
    }

    override func tearDown() {
        db = nil
        super.tearDown()
    }

    func testCachedStatementIsSameObjectOnSecondCall() throws {
        let first = try db.cachedStatement("SELECT v FROM t WHERE id = ?")
        let second = try db.cachedStatement("SELECT v FROM t WHERE id = ?")
        let other = try db.cachedStatement("SELECT v FROM t")
        XCTAssertTrue(first === second)
        XCTAssertFalse(first === other)
        XCTAssertEqual(db.cachedStatementCount, 2)
    }

    func testCachedStatementIsResetAndBindingsClearedWhenHandedOut() throws {
        let sql = "SELECT ?, v FROM t ORDER BY id"
        let statement = try db.cachedStatement(sql)
        try statement.bind("bound", at: 1)
        XCTAssertTrue(try statement.step())
        XCTAssertTrue(statement.isBusy)

        let again = try db.cachedStatement(sql)
        XCTAssertTrue(again === statement)
        XCTAssertFalse(again.isBusy)
        XCTAssertTrue(try again.step())
        XCTAssertTrue(again.isNull(at: 0), "bindings must be cleared")
        XCTAssertEqual(again.text(at: 1), "a", "iteration must restart from the first row")
        again.reset()
    }

    func testCachedStatementLeftMidIterationByThrowIsReusable() throws {
        struct Boom: Error {}
        let sql = "SELECT v FROM t ORDER BY id"
        XCTAssertThrowsError(try db.cachedStatement(sql).forEach { _ in throw Boom() })
        XCTAssertFalse(try db.cachedStatement(sql).isBusy)
        XCTAssertEqual(try db.cachedStatement(sql).map { $0.text(at: 0) }, ["a", "b"])
    }

    func testHandingOutAgainEndsTheOldReadSnapshot() throws {
        let sql = "SELECT count(*) FROM t"
        let reader = try db.cachedStatement(sql)
        XCTAssertTrue(try reader.step())
        XCTAssertEqual(reader.int(at: 0), 2)
        let writer = try temporary.open()
        try writer.execute("INSERT INTO t (v) VALUES ('c')")
        XCTAssertEqual(try db.cachedStatement(sql).first { $0.int(at: 0) }, 3)
    }

    func testClearStatementCacheFinalizesAndReprepares() throws {
        let first = try db.cachedStatement("SELECT count(*) FROM t")
        db.clearStatementCache()
        XCTAssertEqual(db.cachedStatementCount, 0)
        let second = try db.cachedStatement("SELECT count(*) FROM t")
        XCTAssertFalse(first === second)
        XCTAssertEqual(try second.first { $0.int(at: 0) }, 2)
        XCTAssertEqual(try first.first { $0.int(at: 0) }, 2, "a statement held by the caller stays valid")
    }

    func testFailedPrepareIsNotCached() throws {
        assertSQLiteError(.error) { try self.db.cachedStatement("SELECT * FROM missing") }
        XCTAssertEqual(db.cachedStatementCount, 0)
        try db.execute(sql: "CREATE TABLE missing (x)")
        XCTAssertEqual(try db.cachedStatement("SELECT * FROM missing").query(), [])
    }
}
