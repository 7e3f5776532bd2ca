import Postgres
import PostgresTestSupport
import XCTest

/// Named prepared statements and the statement cache keyed by SQL text.
final class PreparedStatementTests: PostgresTestCase {
    /// The session's server-side prepared statements (`pg_prepared_statements`), by name.
    private func preparedNames(_ connection: PostgresConnection) throws -> [String] {
        let result = try connection.execute("SELECT name FROM pg_prepared_statements ORDER BY name")
        return (0..<result.rowCount).compactMap { result.value(row: $0, column: 0) }
    }

    func testPreparedStatementIsReusedWithDifferentParameters() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t (id int8, name text)")
        try connection.prepare(name: "insert_t", sql: "INSERT INTO t VALUES ($1, $2)")
        for id in Int64(1)...50 {
            try connection.executePrepared(name: "insert_t", parameters: [.integer(id), .text("n\(id)")])
        }
        try connection.prepare(name: "find_t", sql: "SELECT name FROM t WHERE id = $1")
        XCTAssertEqual(try connection.executePrepared(name: "find_t", parameters: [7]).value(row: 0, column: 0), "n7")
        XCTAssertEqual(try connection.executePrepared(name: "find_t", parameters: [50]).value(row: 0, column: 0), "n50")
        XCTAssertEqual(try preparedNames(connection), ["find_t", "insert_t"])
    }

    func testCachePreparesEachSQLTextOnce() throws {
        let connection = try makeConnection()
        let sql = "SELECT $1::int8 * 2"
        for value in Int64(1)...20 {
            XCTAssertEqual(try connection.executeCached(sql, [.integer(value)]).int64(row: 0, column: 0), value * 2)
        }
        XCTAssertEqual(connection.cachedStatementCount, 1)
        try connection.executeCached("SELECT $1::text || 'x'", ["a"])
        XCTAssertEqual(connection.cachedStatementCount, 2)
        XCTAssertEqual(try preparedNames(connection).count, 2)
    }

    func testFailedPrepareIsNotCached() throws {
        let connection = try makeConnection()
        XCTAssertThrowsError(try connection.executeCached("SELECT * FROM later")) {
            XCTAssertEqual(($0 as? PostgresError)?.sqlState, "42P01")
        }
        XCTAssertEqual(connection.cachedStatementCount, 0)
        try connection.execute("CREATE TABLE later (x int)")
        XCTAssertEqual(try connection.executeCached("SELECT * FROM later").rowCount, 0)
        XCTAssertEqual(connection.cachedStatementCount, 1)
    }

    func testDuplicateNameAndUnknownNameAreErrors() throws {
        let connection = try makeConnection()
        try connection.prepare(name: "p", sql: "SELECT 1")
        XCTAssertThrowsError(try connection.prepare(name: "p", sql: "SELECT 2")) {
            XCTAssertEqual(($0 as? PostgresError)?.sqlState, "42P05")
        }
        XCTAssertThrowsError(try connection.executePrepared(name: "nope")) {
            XCTAssertEqual(($0 as? PostgresError)?.sqlState, "26000")
        }
    }

    func testWrongParameterCountIsAServerErrorNotACrash() throws {
        let connection = try makeConnection()
        XCTAssertThrowsError(try connection.executeCached("SELECT $1::int8 + $2::int8", [1])) {
            XCTAssertEqual(($0 as? PostgresError)?.sqlState, "08P01")
        }
        XCTAssertEqual(try connection.execute("SELECT 1").value(row: 0, column: 0), "1")
    }
}
