import Foundation
import SQLite
import XCTest

/// A fresh temporary directory for test database files, deleted by `remove()`.
final class TemporaryDatabase {
    /// The directory holding this test's files.
    let directory: URL

    /// Creates a new, empty, uniquely named directory.
    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("SQLiteTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The path of a database file inside the directory.
    func path(_ name: String = "test.sqlite") -> String {
        directory.appendingPathComponent(name).path
    }

    /// Opens (creating) a database file inside the directory.
    func open(_ name: String = "test.sqlite", configuration: Database.Configuration = .init()) throws -> Database {
        try Database(path: path(name), configuration: configuration)
    }

    /// Deletes the directory and everything in it.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Base class giving each test its own temporary directory, removed in tearDown.
class SQLiteTestCase: XCTestCase {
    /// This test's temporary directory.
    var temporary: TemporaryDatabase!

    override func setUpWithError() throws {
        try super.setUpWithError()
        temporary = try TemporaryDatabase()
    }

    override func tearDown() {
        temporary?.remove()
        temporary = nil
        super.tearDown()
    }

    /// Opens `test.sqlite` in the temporary directory.
    func openDatabase(configuration: Database.Configuration = .init()) throws -> Database {
        try temporary.open(configuration: configuration)
    }

    /// Asserts that `body` throws an `SQLiteError` whose code equals `code` exactly, and returns it.
    @discardableResult
    func assertSQLiteError<T>(
        _ code: ResultCode, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
    ) -> SQLiteError? {
        do {
            _ = try body()
            XCTFail("expected SQLiteError \(code), nothing was thrown", file: file, line: line)
        } catch let error as SQLiteError {
            XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
            return error
        } catch {
            XCTFail("expected SQLiteError \(code), got \(error)", file: file, line: line)
        }
        return nil
    }
}
