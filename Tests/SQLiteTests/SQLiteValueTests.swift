import SQLite
import XCTest

final class SQLiteValueTests: XCTestCase {
    func testLiteralsAndConversions() {
        let values: [SQLiteValue] = [1, 2.5, "x", true, nil]
        XCTAssertEqual(values, [.integer(1), .real(2.5), .text("x"), .integer(1), .null])
        XCTAssertEqual(SQLiteValue(42), .integer(42))
        XCTAssertEqual(SQLiteValue(Int64.min), .integer(.min))
        XCTAssertEqual(SQLiteValue(Optional<String>.none), .null)
        XCTAssertEqual(SQLiteValue(Optional("a")), .text("a"))
        XCTAssertEqual(SQLiteValue([1, 2] as [UInt8]), .blob([1, 2]))
        XCTAssertEqual(SQLiteValue("ab".dropFirst()), .text("b"))
    }

    func testAccessors() {
        XCTAssertEqual(SQLiteValue.integer(3).intValue, 3)
        XCTAssertEqual(SQLiteValue.integer(3).doubleValue, 3.0)
        XCTAssertNil(SQLiteValue.text("3").int64Value)
        XCTAssertEqual(SQLiteValue.text("3").stringValue, "3")
        XCTAssertEqual(SQLiteValue.blob([7]).blobValue, [7])
        XCTAssertEqual(SQLiteValue.integer(0).boolValue, false)
        XCTAssertTrue(SQLiteValue.null.isNull)
        XCTAssertFalse(SQLiteValue.text("").isNull)
    }

    func testDescriptionHidesPayloadButDebugDescriptionShowsIt() {
        XCTAssertEqual("\(SQLiteValue.text("secret"))", "TEXT(6 bytes)")
        XCTAssertEqual(SQLiteValue.text("secret").debugDescription, #".text("secret")"#)
        let row = Row(columnNames: ["email"], values: [.text("secret@example.com")])
        XCTAssertFalse("\(row)".contains("secret"))
    }

    func testRowLookupByIndexAndName() {
        let row = Row(columnNames: ["id", "Name"], values: [.integer(1), .text("a")])
        XCTAssertEqual(row.count, 2)
        XCTAssertEqual(row[0], .integer(1))
        XCTAssertEqual(row["Name"], .text("a"))
        XCTAssertEqual(row["name"], .text("a"))
        XCTAssertNil(row["missing"])
        XCTAssertTrue(row.hasColumn("ID"))
    }
}
