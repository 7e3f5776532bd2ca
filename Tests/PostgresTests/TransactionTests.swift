import Postgres
import PostgresTestSupport
import XCTest

/// `transaction { }`: commit, rollback on throw, savepoints, swallowed failures, serialization failures.
final class TransactionTests: PostgresTestCase {
    private struct Abort: Error {}

    private func count(_ connection: PostgresConnection, _ table: String = "t") throws -> Int64? {
        try connection.execute("SELECT count(*) FROM \(table)").int64(row: 0, column: 0)
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        try makeConnection().execute("CREATE TABLE t (id int8 PRIMARY KEY)")
    }

    func testCommitsWhenTheBodyReturns() throws {
        let connection = try makeConnection()
        let value = try connection.transaction { connection in
            try connection.execute("INSERT INTO t VALUES ($1), ($2)", [1, 2])
            return "done"
        }
        XCTAssertEqual(value, "done")
        XCTAssertFalse(connection.isInTransaction)
        XCTAssertEqual(try count(makeConnection()), 2, "visible to another session")
    }

    func testRollsBackEverythingWhenTheBodyThrows() throws {
        let connection = try makeConnection()
        XCTAssertThrowsError(try connection.transaction { connection in
            try connection.execute("INSERT INTO t VALUES ($1)", [1])
            try connection.executeCached("INSERT INTO t VALUES ($1)", [2])
            throw Abort()
        }) { XCTAssertTrue($0 is Abort) }
        XCTAssertFalse(connection.isInTransaction)
        XCTAssertEqual(try count(connection), 0)
    }

    func testRollsBackOnAStatementErrorAndRethrowsIt() throws {
        let connection = try makeConnection()
        XCTAssertThrowsError(try connection.transaction(.serializable) { connection in
            try connection.execute("INSERT INTO t VALUES ($1)", [1])
            try connection.execute("INSERT INTO t VALUES ($1)", [1])
        }) { XCTAssertEqual(($0 as? PostgresError)?.isUniqueViolation, true) }
        XCTAssertFalse(connection.isInTransaction)
        XCTAssertEqual(try count(connection), 0)
    }

    func testSwallowedStatementErrorDoesNotReportACommit() throws {
        let connection = try makeConnection()
        XCTAssertThrowsError(try connection.transaction { connection in
            try connection.execute("INSERT INTO t VALUES (1)")
            _ = try? connection.execute("INSERT INTO t VALUES (1)")
        }) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "25P02", "\($0)") }
        XCTAssertFalse(connection.isInTransaction)
        XCTAssertEqual(try count(connection), 0)
    }

    func testNestedTransactionRollsBackOnlyItsSavepoint() throws {
        let connection = try makeConnection()
        try connection.transaction { connection in
            try connection.execute("INSERT INTO t VALUES (1)")
            XCTAssertThrowsError(try connection.transaction { connection in
                try connection.execute("INSERT INTO t VALUES (2)")
                try connection.execute("INSERT INTO t VALUES (1)")  // fails: the savepoint is rolled back
            })
            try connection.transaction { try $0.execute("INSERT INTO t VALUES (3)") }
        }
        let ids = try connection.execute("SELECT id FROM t ORDER BY id")
        XCTAssertEqual(try (0..<ids.rowCount).map { try ids.int64(row: $0, column: 0) }, [1, 3])
    }

    func testIsolationLevelIsApplied() throws {
        let connection = try makeConnection()
        let level = try connection.transaction(.repeatableRead) {
            try $0.execute("SHOW transaction_isolation").value(row: 0, column: 0)
        }
        XCTAssertEqual(level, "repeatable read")
    }

    func testWriteSkewUnderSerializableReports40001() throws {
        // Two sessions each read the sum and insert: run one after the other, the second would have seen the first.
        let first = try makeConnection(), second = try makeConnection()
        for connection in [first, second] {
            try connection.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
            _ = try connection.execute("SELECT coalesce(sum(id), 0) FROM t")
        }
        try first.execute("INSERT INTO t VALUES (1)")
        try first.execute("COMMIT")
        var failure: PostgresError?
        do {
            try second.execute("INSERT INTO t VALUES (2)")
            try second.execute("COMMIT")
        } catch let error as PostgresError {
            failure = error
        }
        XCTAssertEqual(failure?.sqlState, "40001", "\(String(describing: failure))")
        XCTAssertEqual(failure?.isSerializationFailure, true)
        XCTAssertEqual(failure?.isConnectionFailure, false)
        if second.isInTransaction { try second.execute("ROLLBACK") }
        XCTAssertEqual(try count(second), 1)
    }
}
