import Foundation
import SQLite
import XCTest

/// `Database.withTimeLimit` and `Database.interrupter` (issue 11): a runaway query is stopped, recognisably, and
/// the connection is fine afterwards.
final class TimeLimitTests: SQLiteTestCase {
    /// Counts forever: without a limit this never finishes.
    static let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c WHERE x < 0"
    /// Counts to `n`: a query whose run time the test chooses.
    static func counting(to n: Int) -> String {
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(n)) SELECT count(*) FROM c"
    }

    func testEndlessQueryIsStoppedAtTheDeadline() throws {
        let db = try openDatabase()
        let start = Date()
        do {
            _ = try db.withTimeLimit(.milliseconds(200)) { db in try db.cachedStatement(Self.endless).first(nil) { $0.int(at: 0) } }
            XCTFail("the endless query returned")
        } catch let error as QueryTimeLimitExceeded {
            XCTAssertEqual(error.limit, .milliseconds(200))
        }
        let elapsed = Date().timeIntervalSince(start)
        print("endless query stopped after \(Int(elapsed * 1000)) ms (limit 200 ms)")
        XCTAssertGreaterThanOrEqual(elapsed, 0.19)
        XCTAssertLessThan(elapsed, 1.0)
        // The connection is usable, the interrupted cached statement too, and nothing is left mid-step.
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.query("SELECT 41 + 1").first?[0], .integer(42))
        XCTAssertEqual(try db.cachedStatement(Self.counting(to: 10)).first(nil) { $0.int(at: 0) }, 10)
    }

    func testErrorThrownByTheBodyIsReplacedOnlyWhenTheLimitFired() throws {
        let db = try openDatabase()
        struct Wrapped: Error {}
        // The body turns the interrupt into its own error: still recognised as the time limit.
        XCTAssertThrowsError(try db.withTimeLimit(.milliseconds(50)) { db in
            do { try db.execute(Self.endless) } catch { throw Wrapped() }
        }) { XCTAssertTrue($0 is QueryTimeLimitExceeded, "\($0)") }
        // An error of its own passes through unchanged.
        XCTAssertThrowsError(try db.withTimeLimit(.seconds(5)) { _ in throw Wrapped() }) { XCTAssertTrue($0 is Wrapped) }
        assertSQLiteError(.error) { try db.withTimeLimit(.seconds(5)) { db in try db.execute("SELECT * FROM nowhere") } }
    }

    func testNoHandlerRemainsAfterTheBody() throws {
        let db = try openDatabase()
        // A query that takes longer than the earlier limit completes once the body has returned.
        XCTAssertEqual(try db.withTimeLimit(.milliseconds(20)) { db in try db.query("SELECT 1").first?[0] }, .integer(1))
        usleep(30_000)
        let start = Date()
        XCTAssertEqual(try db.query(Self.counting(to: 500_000)).first?[0], .integer(500_000))
        let elapsed = Date().timeIntervalSince(start)
        print("500k-row count without a limit: \(Int(elapsed * 1000)) ms")
        XCTAssertGreaterThan(elapsed, 0.02, "the query must outlast the earlier limit for this test to mean something")
        // The same inside a transaction the body opened and a quick body: commits normally.
        try db.execute(sql: "CREATE TABLE t (x INTEGER)")
        try db.withTimeLimit(.seconds(5)) { db in try db.transaction { db in try db.execute("INSERT INTO t VALUES (1)") } }
        XCTAssertEqual(try db.query("SELECT count(*) FROM t").first?[0], .integer(1))
    }

    func testNestedLimitsKeepTheEarlierDeadline() throws {
        let db = try openDatabase()
        let start = Date()
        XCTAssertThrowsError(try db.withTimeLimit(.milliseconds(100)) { db in
            try db.withTimeLimit(.seconds(60)) { db in try db.execute(Self.endless) }
        }) { XCTAssertTrue($0 is QueryTimeLimitExceeded, "\($0)") }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
        XCTAssertEqual(try db.query("SELECT 1").first?[0], .integer(1))
    }

    func testInterrupterStopsARunningQueryFromAnotherThread() throws {
        let db = try openDatabase()
        let interrupter = db.interrupter
        let start = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { interrupter.interrupt() }
        // Not a time-limit error: the plain SQLITE_INTERRUPT, so shutdown is told apart from slowness.
        assertSQLiteError(.interrupt) { try db.withTimeLimit(.seconds(60)) { db in try db.execute(Self.endless) } }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.0)
        db.resetBusyStatements()
        XCTAssertEqual(try db.query("SELECT 1").first?[0], .integer(1))
        // An interrupt while nothing runs does not touch the next query.
        interrupter.interrupt()
        XCTAssertEqual(try db.query(Self.counting(to: 1000)).first?[0], .integer(1000))
    }
}
