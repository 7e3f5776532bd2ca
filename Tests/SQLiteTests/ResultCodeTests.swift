import SQLite
import XCTest

final class ResultCodeTests: SQLiteTestCase {
    func testPrimaryResultCode() {
        XCTAssertEqual(ResultCode.constraintUnique.primaryResultCode, .constraint)
        XCTAssertEqual(ResultCode.constraintUnique.rawValue, 2067)
        XCTAssertEqual(ResultCode.constraintForeignKey.rawValue, 787)
        XCTAssertEqual(ResultCode.busy.primaryResultCode, .busy)
        XCTAssertTrue(ResultCode.constraint.isPrimary)
        XCTAssertFalse(ResultCode.constraintNotNull.isPrimary)
        XCTAssertNotEqual(ResultCode.constraintUnique, .constraint, "== stays exact")
    }

    func testPrimaryPatternMatchesWholeFamilyAndExtendedMatchesExactly() {
        XCTAssertTrue(ResultCode.constraint ~= .constraintUnique)
        XCTAssertTrue(ResultCode.constraint ~= .constraint)
        XCTAssertTrue(ResultCode.constraintUnique ~= .constraintUnique)
        XCTAssertFalse(ResultCode.constraintUnique ~= .constraintPrimaryKey)
        XCTAssertFalse(ResultCode.constraintUnique ~= .constraint)
        XCTAssertFalse(ResultCode.busy ~= .constraintUnique)
        switch ResultCode.constraintCheck {
        case .constraintUnique: XCTFail("extended pattern must not match a sibling")
        case .constraint: break
        default: XCTFail("primary pattern must match its family")
        }
    }

    func testUniqueViolationMatchesConstraintCode() throws {
        let db = try openDatabase()
        try db.execute(sql: "CREATE TABLE users (email TEXT UNIQUE)")
        try db.execute("INSERT INTO users VALUES (?)", ["a@example.com"])
        var matchedExtended = false
        var matchedPrimary = false
        do {
            try db.execute("INSERT INTO users VALUES (?)", ["a@example.com"])
        } catch ResultCode.constraintUnique {
            matchedExtended = true
        }
        do {
            try db.execute("INSERT INTO users VALUES (?)", ["a@example.com"])
        } catch ResultCode.constraint {
            matchedPrimary = true
        }
        XCTAssertTrue(matchedExtended)
        XCTAssertTrue(matchedPrimary)
        do {
            try db.execute("INSERT INTO users VALUES (?)", ["a@example.com"])
            XCTFail("expected a unique violation")
        } catch let error as SQLiteError where error.code == .constraintUnique {
            XCTAssertEqual(error.primaryResultCode, .constraint)
        }
    }

    func testConstraintKindsReportTheirExtendedCodes() throws {
        let db = try openDatabase()
        try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER CHECK (qty >= 0))")
        try db.execute("INSERT INTO t VALUES (1, 'a', 1)")
        assertSQLiteError(.constraintPrimaryKey) { try db.execute("INSERT INTO t VALUES (1, 'b', 1)") }
        assertSQLiteError(.constraintNotNull) { try db.execute("INSERT INTO t VALUES (2, NULL, 1)") }
        assertSQLiteError(.constraintCheck) { try db.execute("INSERT INTO t VALUES (3, 'c', -1)") }
    }

    func testNonSQLiteErrorsDoNotMatch() {
        struct Other: Error {}
        XCTAssertFalse(ResultCode.constraint ~= (Other() as any Error))
    }

    func testDescriptionsNameTheCode() {
        XCTAssertEqual(ResultCode.constraintUnique.description, "SQLITE_CONSTRAINT_UNIQUE (2067)")
        XCTAssertEqual(ResultCode.busy.description, "SQLITE_BUSY (5)")
        XCTAssertTrue(ResultCode(rawValue: 10 | (13 << 8)).description.hasPrefix("SQLITE code 3338"))
        let error = SQLiteError(code: .constraintUnique, message: "UNIQUE constraint failed: users.email",
                                sql: "INSERT INTO users VALUES (?)")
        XCTAssertEqual(error.description, "SQLite error SQLITE_CONSTRAINT_UNIQUE (2067): "
                       + "UNIQUE constraint failed: users.email — SQL: INSERT INTO users VALUES (?)")
    }
}
