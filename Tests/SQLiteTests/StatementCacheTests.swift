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

    // MARK: Bounded (LRU)

    /// A connection whose cache holds `capacity` statements, on the same table.
    private func openDatabase(capacity: Int) throws -> Database {
        try openDatabase(configuration: Database.Configuration(statementCacheCapacity: capacity))
    }

    /// `SELECT <n>, v FROM t ORDER BY id`: a distinct text per `n`.
    private func numbered(_ n: Int) -> String { "SELECT \(n), v FROM t ORDER BY id" }

    func testCacheNeverHoldsMoreThanItsCapacity() throws {
        let db = try openDatabase(capacity: 4)
        for n in 0..<50 {
            XCTAssertEqual(try db.cachedStatement(numbered(n)).first { $0.int(at: 0) }, n)
            XCTAssertLessThanOrEqual(db.cachedStatementCount, 4)
        }
        XCTAssertEqual(db.cachedStatementCount, 4)
    }

    func testLeastRecentlyUsedStatementIsEvictedFirst() throws {
        let db = try openDatabase(capacity: 3)
        let zero = try db.cachedStatement(numbered(0))
        let one = try db.cachedStatement(numbered(1))
        let two = try db.cachedStatement(numbered(2))
        XCTAssertTrue(try db.cachedStatement(numbered(0)) === zero, "a hit makes 0 the most recently used")
        _ = try db.cachedStatement(numbered(3))  // full: evicts 1, the least recently used
        XCTAssertTrue(try db.cachedStatement(numbered(0)) === zero)
        XCTAssertTrue(try db.cachedStatement(numbered(2)) === two)
        XCTAssertFalse(try db.cachedStatement(numbered(1)) === one, "1 was evicted and prepared again")
        XCTAssertEqual(db.cachedStatementCount, 3)
    }

    func testEvictedStatementIsPreparedAgainTransparently() throws {
        let db = try openDatabase(capacity: 1)
        let sql = "SELECT v FROM t WHERE id = ?"
        XCTAssertEqual(try db.cachedStatement(sql).first([.integer(1)]) { $0.text(at: 0) }, "a")
        XCTAssertEqual(try db.cachedStatement("SELECT count(*) FROM t").first { $0.int(at: 0) }, 2)
        let again = try db.cachedStatement(sql)
        XCTAssertEqual(again.parameterCount, 1)
        XCTAssertEqual(try again.first([.integer(2)]) { $0.text(at: 0) }, "b")
        XCTAssertTrue(try db.cachedStatement(sql) === again)
    }

    func testStatementSteppedByItsUserSurvivesEvictionUnderIt() throws {
        let db = try openDatabase(capacity: 2)
        let outer = try db.cachedStatement("SELECT v FROM t ORDER BY id")
        XCTAssertTrue(try outer.step())
        XCTAssertEqual(outer.text(at: 0), "a")
        // While `outer` is mid-iteration its user asks for more statements than the cache holds.
        for n in 0..<10 { XCTAssertEqual(try db.cachedStatement(numbered(n)).first { $0.int(at: 0) }, n) }
        XCTAssertTrue(outer.isBusy, "still positioned on its first row")
        XCTAssertTrue(try outer.step())
        XCTAssertEqual(outer.text(at: 0), "b")
        XCTAssertFalse(try outer.step())
        outer.reset()
    }

    func testBusyStatementIsPassedOverWhenChoosingWhatToEvict() throws {
        let db = try openDatabase(capacity: 2)
        let busy = try db.cachedStatement(numbered(0))
        XCTAssertTrue(try busy.step())
        _ = try db.cachedStatement(numbered(1))
        _ = try db.cachedStatement(numbered(2))  // full: 0 is older but busy, so 1 goes
        XCTAssertTrue(try db.cachedStatement(numbered(0)) === busy)
    }

    func testConstantsShareTheCapacityAndComeBackByIdentity() throws {
        let db = try openDatabase(capacity: 2)
        let constant = SQL("SELECT count(*) FROM t")
        let first = try db.cachedStatement(constant)
        XCTAssertTrue(try db.cachedStatement(constant) === first)
        _ = try db.cachedStatement(numbered(0))
        _ = try db.cachedStatement(numbered(1))  // evicts the constant's statement, the least recently used
        XCTAssertEqual(db.cachedStatementCount, 2)
        let second = try db.cachedStatement(constant)
        XCTAssertFalse(second === first)
        XCTAssertEqual(try second.first { $0.int(at: 0) }, 2)
    }
}
