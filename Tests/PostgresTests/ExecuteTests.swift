import Postgres
import PostgresTestSupport
import XCTest

/// Parameters and results: every value kind round-trips through a real server, results expose their shape.
final class ExecuteTests: PostgresTestCase {
    func testEachParameterKindRoundTrips() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t (i int8, r float8, s text)")
        let rows: [(Int64?, Double?, String?)] = [
            (0, 0, ""), (.max, 1.5, "plain"), (.min, -0.1, "it's \"quoted\"; DROP TABLE t; --"),
            (42, 1e-300, "ünïcödé 中文 🎉 ٣"), (-1, .greatestFiniteMagnitude, "back\\slash $1 %_"),
            (nil, nil, nil), (7, .infinity, "line\nbreak\ttab"), (8, -.infinity, "'"),
        ]
        for (i, r, s) in rows {
            try connection.execute("INSERT INTO t (i, r, s) VALUES ($1, $2, $3)", [
                i.map(PostgresValue.integer) ?? .null, r.map(PostgresValue.real) ?? .null,
                s.map(PostgresValue.text) ?? .null,
            ])
        }
        let result = try connection.execute("SELECT i, r, s FROM t ORDER BY ctid")
        XCTAssertEqual(result.rowCount, rows.count)
        for (row, (i, r, s)) in rows.enumerated() {
            XCTAssertEqual(try result.int64(row: row, column: 0), i, "row \(row)")
            XCTAssertEqual(try result.double(row: row, column: 1), r, "row \(row)")
            XCTAssertEqual(result.value(row: row, column: 2), s, "row \(row)")
        }
        XCTAssertTrue(result.isNull(row: 5, column: 0))
        XCTAssertFalse(result.isNull(row: 0, column: 2), "empty text is not NULL")
    }

    func testNaNRoundTrips() throws {
        let connection = try makeConnection()
        let value = try connection.execute("SELECT $1::float8", [.real(.nan)]).double(row: 0, column: 0)
        XCTAssertEqual(value?.isNaN, true)
    }

    func testLiteralsAndParametersMatchByValue() throws {
        // Text parameters are compared as values, so a quote or a placeholder inside one is just data.
        let connection = try makeConnection()
        let result = try connection.execute(
            "SELECT $1::text = 'O''Brien', $2::text = '$1', $3::int8 = 12, $4::text IS NULL",
            ["O'Brien", "$1", 12, nil])
        for column in 0..<4 { XCTAssertEqual(try result.bool(row: 0, column: column), true, "column \(column)") }
    }

    func testTextWithANulCharacterIsRefusedBeforeSending() throws {
        let connection = try makeConnection()
        XCTAssertThrowsError(try connection.execute("SELECT $1::text", ["a\u{0}b"])) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "22021")
            XCTAssertTrue("\(error)".contains("$1"))
        }
        XCTAssertEqual(try connection.execute("SELECT 1").value(row: 0, column: 0), "1", "still usable")
    }

    func testResultShapeAndAffectedRows() throws {
        let connection = try makeConnection()
        let create = try connection.execute("CREATE TABLE t (id int8 PRIMARY KEY, name text)")
        XCTAssertEqual(create.commandStatus, "CREATE TABLE")
        XCTAssertNil(create.affectedRows)
        XCTAssertEqual(create.rowCount, 0)

        let insert = try connection.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL) RETURNING id")
        XCTAssertEqual(insert.affectedRows, 3)
        XCTAssertEqual(insert.rowCount, 3)
        XCTAssertEqual(try (0..<3).map { try insert.int64(row: $0, column: 0) }, [1, 2, 3])

        let update = try connection.execute("UPDATE t SET name = $1 WHERE id >= $2", ["z", 2])
        XCTAssertEqual(update.commandStatus, "UPDATE 2")
        XCTAssertEqual(update.affectedRows, 2)

        let select = try connection.execute("SELECT id, name AS \"Display Name\" FROM t WHERE id = $1", [9])
        XCTAssertEqual(select.rowCount, 0)
        XCTAssertEqual(select.affectedRows, 0)
        XCTAssertEqual(select.columnNames, ["id", "Display Name"])
        XCTAssertEqual(select.columnIndex(named: "\"Display Name\""), 1)
        XCTAssertNil(select.columnIndex(named: "missing"))

        XCTAssertEqual(try connection.execute("DELETE FROM t").affectedRows, 3)
    }

    func testConversionErrorsNameTheColumnNotTheValue() throws {
        let connection = try makeConnection()
        let result = try connection.execute("SELECT 'secret'::text AS email")
        XCTAssertThrowsError(try result.int64(row: 0, column: 0)) { error in
            XCTAssertTrue("\(error)".contains("email"))
            XCTAssertFalse("\(error)".contains("secret"))
        }
        XCTAssertThrowsError(try result.double(row: 0, column: 0))
        XCTAssertThrowsError(try result.bool(row: 0, column: 0))
    }

    func testScriptRunsSeveralStatementsAndEmptyQueryIsHarmless() throws {
        let connection = try makeConnection()
        try connection.executeScript("CREATE TABLE a (x int); INSERT INTO a VALUES (1), (2); CREATE INDEX ON a (x)")
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM a").int64(row: 0, column: 0), 2)
        XCTAssertEqual(try connection.execute("").rowCount, 0)
        XCTAssertThrowsError(try connection.execute("SELECT 1; SELECT 2"), "PQexecParams takes one statement")
    }

    func testUniqueViolationReports23505WithItsConstraint() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE users (id int8 PRIMARY KEY, email text CONSTRAINT users_email UNIQUE)")
        try connection.execute("INSERT INTO users VALUES ($1, $2)", [1, "a@example.com"])
        XCTAssertThrowsError(try connection.execute("INSERT INTO users VALUES ($1, $2)", [2, "a@example.com"])) {
            let error = $0 as? PostgresError
            XCTAssertEqual(error?.sqlState, "23505")
            XCTAssertEqual(error?.isUniqueViolation, true)
            XCTAssertEqual(error?.isSerializationFailure, false)
            XCTAssertEqual(error?.isConnectionFailure, false)
            XCTAssertEqual(error?.constraintName, "users_email")
            XCTAssertEqual(error?.sql, "INSERT INTO users VALUES ($1, $2)")
            XCTAssertTrue(error?.message.contains("duplicate key") == true, "\(String(describing: error))")
        }
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM users").int64(row: 0, column: 0), 1)
    }

    func testSyntaxErrorCarriesSQLStateAndSQLButNoParameterValues() throws {
        let connection = try makeConnection()
        XCTAssertThrowsError(try connection.execute("SELEKT $1::text", ["hunter2"])) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42601")
            XCTAssertTrue("\(error)".contains("SELEKT"))
            XCTAssertFalse("\(error)".contains("hunter2"))
        }
    }
}
