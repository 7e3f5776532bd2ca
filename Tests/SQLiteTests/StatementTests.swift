import SQLite
import XCTest

final class StatementTests: SQLiteTestCase {
    private var db: Database!

    override func setUpWithError() throws {
        try super.setUpWithError()
        db = try openDatabase()
        try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
    }

    override func tearDown() {
        db = nil
        super.tearDown()
    }

    private static let samples: [SQLiteValue] = [
        .integer(0), .integer(Int64.min), .integer(Int64.max), .integer(-1),
        .real(3.25), .real(-0.5), .real(Double.greatestFiniteMagnitude),
        .text(""), .text("plain"), .text("a\u{0}b\u{0}"), .text("Grüße, 日本語, 🧾 émoji"),
        .blob([]), .blob([0, 1, 2, 0, 255]), .blob([UInt8](repeating: 0xAB, count: 10_000)),
        .null,
    ]

    func testEverySQLiteValueRoundTrips() throws {
        let insert = try db.makeStatement("INSERT INTO t (id, v) VALUES (?, ?)")
        for (id, value) in Self.samples.enumerated() {
            try insert.execute([.integer(Int64(id)), value])
        }
        let values = try db.makeStatement("SELECT v FROM t ORDER BY id").map { $0.value(at: 0) }
        XCTAssertEqual(values, Self.samples)
    }

    func testStorageClassesArePreserved() throws {
        try db.execute("INSERT INTO t (id, v) VALUES (1, ?), (2, ?), (3, ?), (4, ?), (5, ?)",
                       [.text(""), .blob([]), .integer(1), .real(1), nil])
        let types = try db.makeStatement("SELECT typeof(v) FROM t ORDER BY id").map { $0.text(at: 0) }
        XCTAssertEqual(types, ["text", "blob", "integer", "real", "null"])
    }

    func testTextWithEmbeddedNulAndNonASCIISurvivesByteForByte() throws {
        let text = "x\u{0}y — ü\u{0}🧾"
        let statement = try db.makeStatement("INSERT INTO t (id, v) VALUES (1, ?)")
        try statement.bind(text, at: 1)
        try statement.execute()
        let select = try db.makeStatement("SELECT v, length(CAST(v AS BLOB)) FROM t")
        let read = try select.first { ($0.text(at: 0), $0.int(at: 1), $0.withText(at: 0) { Array($0) }) }
        XCTAssertEqual(read?.0, text)
        XCTAssertEqual(read?.1, text.utf8.count)
        XCTAssertEqual(read?.2, Array(text.utf8))
    }

    func testTypedBindsAndReaders() throws {
        try db.execute(sql: "CREATE TABLE typed (i INTEGER, n INTEGER, d REAL, s TEXT, b BLOB, f INTEGER, z)")
        let insert = try db.makeStatement("INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?)")
        try insert.bind(Int64.min, at: 1)
        try insert.bind(42, at: 2)
        try insert.bind(2.5, at: 3)
        try insert.bind("hé", at: 4)
        try insert.bind([9, 8, 7] as [UInt8], at: 5)
        try insert.bind(true, at: 6)
        try insert.bind(nil, at: 7)
        try insert.execute()
        let select = try db.makeStatement("SELECT * FROM typed")
        XCTAssertEqual(select.columnCount, 7)
        XCTAssertEqual(select.columnNames, ["i", "n", "d", "s", "b", "f", "z"])
        XCTAssertTrue(try select.step())
        XCTAssertEqual(select.int64(at: 0), Int64.min)
        XCTAssertEqual(select.int(at: 1), 42)
        XCTAssertEqual(select.double(at: 2), 2.5)
        XCTAssertEqual(select.text(at: 3), "hé")
        XCTAssertEqual(select.blob(at: 4), [9, 8, 7])
        XCTAssertTrue(select.bool(at: 5))
        XCTAssertTrue(select.isNull(at: 6))
        XCTAssertFalse(select.isNull(at: 0))
        XCTAssertEqual(select.withBlob(at: 4) { $0.count }, 3)
        XCTAssertFalse(try select.step())
        select.reset()
    }

    func testNullableReadersAndNullDefaults() throws {
        try db.execute("INSERT INTO t (id, v) VALUES (1, NULL), (2, 7)")
        let select = try db.makeStatement("SELECT v FROM t ORDER BY id")
        let rows = try select.map { ($0.nullableInt64(at: 0), $0.nullableText(at: 0), $0.int(at: 0), $0.text(at: 0)) }
        XCTAssertEqual(rows.map(\.0), [nil, 7])
        XCTAssertEqual(rows.map(\.1), [nil, "7"])
        XCTAssertEqual(rows.map(\.2), [0, 7])
        XCTAssertEqual(rows.map(\.3), ["", "7"])
    }

    func testOptionalAndNamedParameters() throws {
        let insert = try db.makeStatement("INSERT INTO t (id, v) VALUES (:id, :v)")
        XCTAssertEqual(insert.parameterCount, 2)
        let idIndex = try XCTUnwrap(insert.parameterIndex(named: ":id"))
        let valueIndex = try XCTUnwrap(insert.parameterIndex(named: ":v"))
        XCTAssertNil(insert.parameterIndex(named: ":missing"))
        let missing: String? = nil
        try insert.bind(1, at: idIndex)
        try insert.bind(missing, at: valueIndex)
        try insert.execute()
        try insert.bind(2, at: idIndex)
        try insert.bind(Optional("x"), at: valueIndex)
        try insert.execute()
        XCTAssertEqual(try db.query("SELECT v FROM t ORDER BY id").map { $0[0] }, [.null, .text("x")])
    }

    func testStepReportsRowsThenDone() throws {
        try db.execute("INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b')")
        let select = try db.makeStatement("SELECT v FROM t ORDER BY id")
        XCTAssertTrue(select.isReadOnly)
        XCTAssertTrue(try select.step())
        XCTAssertTrue(select.isBusy)
        XCTAssertTrue(try select.step())
        XCTAssertFalse(try select.step())
        select.reset()
        XCTAssertFalse(select.isBusy)
    }

    func testForEachResetsStatementWhenClosureThrows() throws {
        struct Stop: Error {}
        try db.execute("INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        let select = try db.makeStatement("SELECT v FROM t ORDER BY id")
        XCTAssertThrowsError(try select.forEach { _ in throw Stop() }) { XCTAssertTrue($0 is Stop) }
        XCTAssertFalse(select.isBusy)
        XCTAssertEqual(try select.map { $0.text(at: 0) }, ["a", "b", "c"])
        XCTAssertFalse(select.isBusy)
    }

    func testRunHelpersRecoverFromManualPartialStep() throws {
        try db.execute("INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b')")
        let select = try db.makeStatement("SELECT v FROM t WHERE id >= ? ORDER BY id")
        try select.bind(1, at: 1)
        XCTAssertTrue(try select.step())
        XCTAssertEqual(try select.query([2]).map { $0[0] }, [.text("b")])
        XCTAssertEqual(try select.firstRow([1])?["v"], .text("a"))
        XCTAssertNil(try select.firstRow([3]))
    }

    func testStepErrorCarriesSQLButNotArguments() throws {
        try db.execute(sql: "CREATE TABLE u (email TEXT UNIQUE)")
        let insert = try db.makeStatement("INSERT INTO u (email) VALUES (?)")
        try insert.execute(["secret@example.com"])
        let error = assertSQLiteError(.constraintUnique) { try insert.execute(["secret@example.com"]) }
        XCTAssertFalse(insert.isBusy)
        XCTAssertEqual(error?.message, "UNIQUE constraint failed: u.email")
        XCTAssertTrue(error?.description.contains("INSERT INTO u (email) VALUES (?)") ?? false)
        XCTAssertFalse(error?.description.contains("secret") ?? true)
        XCTAssertFalse(String(describing: error).contains("secret"))
    }

    func testPrepareErrorCarriesSQL() {
        let error = assertSQLiteError(.error) { try self.db.makeStatement("SELECT nope FROM t") }
        XCTAssertEqual(error?.message, "no such column: nope")
        XCTAssertEqual(error?.sql, "SELECT nope FROM t")
        assertSQLiteError(.misuse) { try self.db.makeStatement("  -- nothing\n") }
    }
}
