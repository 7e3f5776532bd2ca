import Foundation
import Postgres
import PostgresTestSupport
import SQLite
import Synchronization
import WooAPI
import XCTest

/// Base class: a throw-away PostgreSQL cluster per class (an empty `public` schema per test) and, on demand, a new
/// SQLite store file per test, each built from its schema file the way the server builds it.
class SchemaTestCase: PostgresTestCase {
    /// A new SQLite database with schema.sql applied by `Store.prepare`; the file goes with the test.
    func makeSQLiteStore() throws -> Database {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("PostgresSchemaTests-\(UUID().uuidString).sqlite").path
        addTeardownBlock {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let database = try Database(path: path)
        try Store.prepare(database)
        return database
    }

    /// A connection to the test database with schema.postgres.sql applied by `PostgresSchema.prepare`.
    func makePostgresStore() throws -> PostgresConnection {
        let connection = try makeConnection()
        XCTAssertEqual(try PostgresSchema.current.prepare(connection), .created)
        return connection
    }

    /// Runs `body(thread)` on `threads` threads let go together, and returns when all have finished.
    func runConcurrently(threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for thread in 0..<threads {
            group.enter()
            Thread {
                start.wait()
                body(thread)
                group.leave()
            }.start()
        }
        for _ in 0..<threads { start.signal() }
        group.wait()
    }
}

/// Errors the threads of ``SchemaTestCase/runConcurrently(threads:_:)`` met, for the test to assert on after.
final class ThreadFailures: Sendable {
    private let messages = Mutex<[String]>([])
    func record(_ message: String) { messages.withLock { $0.append(message) } }
    var all: [String] { messages.withLock { $0 } }
}

/// A counter shared by threads.
final class ThreadCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .releasing) }
    var value: Int { count.load(ordering: .acquiring) }
}

/// The same statements run on either engine, written once with `$n` placeholders (rewritten to SQLite's `?n`),
/// every value read back as text ("NULL" for NULL) so rows compare across engines.
protocol EngineSession {
    var engine: String { get }
    func run(_ sql: String, _ values: [ScenarioValue]) throws
    func rows(_ sql: String, _ values: [ScenarioValue]) throws -> [[String]]
}

/// A bound value of ``EngineSession``.
enum ScenarioValue {
    case integer(Int64)
    case text(String)
}

extension EngineSession {
    func run(_ sql: String) throws { try run(sql, []) }
    func rows(_ sql: String) throws -> [[String]] { try rows(sql, []) }

    /// The first column of the first row as an integer.
    func integer(_ sql: String, _ values: [ScenarioValue] = []) throws -> Int64 {
        guard let text = try rows(sql, values).first?.first, let value = Int64(text) else {
            throw ClusterError(message: "\(engine): no integer from \(sql)")
        }
        return value
    }
}

/// ``EngineSession`` on an SQLite connection.
struct SQLiteSession: EngineSession {
    let database: Database
    var engine: String { "SQLite" }

    func run(_ sql: String, _ values: [ScenarioValue]) throws {
        try database.execute(Self.sqliteText(sql), values.map(Self.value))
    }

    func rows(_ sql: String, _ values: [ScenarioValue]) throws -> [[String]] {
        try database.query(Self.sqliteText(sql), values.map(Self.value)).map { row in
            row.values.map { value in
                switch value {
                case .integer(let number): return String(number)
                case .real(let number): return String(number)
                case .text(let text): return text
                case .blob(let bytes): return "blob \(bytes.count)"
                case .null: return "NULL"
                }
            }
        }
    }

    /// `$1` → `?1`: SQLite reads `$1` as a parameter *named* "$1", numbered by first appearance.
    static func sqliteText(_ sql: String) -> String {
        sql.replacingOccurrences(of: "\\$([0-9]+)", with: "?$1", options: .regularExpression)
    }

    static func value(_ value: ScenarioValue) -> SQLiteValue {
        switch value {
        case .integer(let number): return .integer(number)
        case .text(let text): return .text(text)
        }
    }
}

/// ``EngineSession`` on a PostgreSQL connection.
struct PostgresSession: EngineSession {
    let connection: PostgresConnection
    var engine: String { "PostgreSQL" }

    func run(_ sql: String, _ values: [ScenarioValue]) throws {
        try connection.execute(sql, values.map(Self.value))
    }

    func rows(_ sql: String, _ values: [ScenarioValue]) throws -> [[String]] {
        let result = try connection.execute(sql, values.map(Self.value))
        return (0..<result.rowCount).map { row in
            (0..<result.columnCount).map { result.value(row: row, column: $0) ?? "NULL" }
        }
    }

    static func value(_ value: ScenarioValue) -> PostgresValue {
        switch value {
        case .integer(let number): return .integer(number)
        case .text(let text): return .text(text)
        }
    }
}
