import Postgres
import SQLite

/// A PostgreSQL connection as the store's ``Database`` drives it: statements by SQL text, each prepared once per
/// session under its translated text, and the counts SQLite reports (`changes`).
package final class PostgresSession {
    let connection: PostgresConnection
    /// The `$n` form of each SQL text prepared so far.
    private var translated: [String: String] = [:]
    /// Rows changed by the last statement that changed any (INSERT, UPDATE, DELETE).
    private(set) var lastChanges = 0
    /// Rows changed since the session opened.
    private(set) var totalChanges = 0
    /// The session's `statement_timeout` in milliseconds as ``withStatementTimeout(_:_:)`` last set it (0: none).
    private var sessionTimeout = 0

    init(_ connection: PostgresConnection) {
        self.connection = connection
    }

    /// A description of the connection for messages, without secrets.
    var description: String { "postgresql connection" }

    /// A statement for `sql` (SQLite's form, `?` placeholders). `cached` false: run as an unnamed statement, not
    /// prepared, for SQL composed at run time.
    package func statement(_ sql: String, cached: Bool = true) throws -> PostgresStatement {
        let text: String
        if let known = translated[sql] {
            text = known
        } else {
            text = PostgresSession.numberedPlaceholders(sql)
            if cached {
                if translated.count >= 512 { translated.removeAll() }
                translated[sql] = text
            }
        }
        return PostgresStatement(session: self, sql: text, cached: cached)
    }

    /// Runs a script of statements without parameters.
    func script(_ sql: String) throws {
        try connection.executeScript(sql)
    }

    /// Runs `sql` and records the rows it changed.
    func run(_ sql: String, _ parameters: [PostgresValue], cached: Bool) throws -> PostgresResult {
        let result = cached ? try connection.executeCached(sql, parameters) : try connection.execute(sql, parameters)
        let tag = result.commandStatus
        if tag.hasPrefix("INSERT") || tag.hasPrefix("UPDATE") || tag.hasPrefix("DELETE") {
            lastChanges = result.affectedRows ?? 0
            totalChanges += lastChanges
        }
        return result
    }

    /// Runs `body` with `statement_timeout` set to `limit` for its statements (inside a transaction: `SET LOCAL`;
    /// else set and reset around it). A statement stopped by it fails with SQLSTATE 57014, reported as
    /// ``QueryTimeLimitExceeded``.
    ///
    /// Outside a transaction the setting stays on the session after `body` (and is not set again while it is the
    /// same): a read pool thread, whose connection only ever runs reads under the same limit, pays no round trip
    /// for it after the first. Every caller on a session asks for a limit, so none runs under another's.
    func withStatementTimeout(_ limit: Duration, _ body: () throws -> Void) throws {
        let milliseconds = max(1, Int(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000))
        if connection.isInTransaction {
            try connection.execute("SET LOCAL statement_timeout = \(milliseconds)")
        } else if sessionTimeout != milliseconds {
            try connection.execute("SET statement_timeout = \(milliseconds)")
            sessionTimeout = milliseconds
        }
        do {
            try body()
        } catch let error as PostgresError where error.sqlState == "57014" {
            throw QueryTimeLimitExceeded(limit: limit)
        }
    }

    /// `sql` with SQLite's placeholders numbered the PostgreSQL way: `?NNN` becomes `$NNN`, and a bare `?` the next
    /// number after the largest so far (SQLite's rule). String literals, quoted identifiers and comments are left
    /// alone.
    package static func numberedPlaceholders(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var largest = 0
        var index = 0
        func copy(until terminator: [UInt8]) {
            // Copies through the terminator (or to the end).
            while index < bytes.count {
                if bytes[index...].starts(with: terminator) {
                    out.append(contentsOf: terminator)
                    index += terminator.count
                    return
                }
                out.append(bytes[index])
                index += 1
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                out.append(byte)
                index += 1
                copy(until: [byte])  // a doubled quote is two literals back to back: the same text
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                copy(until: [0x0A])
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                copy(until: Array("*/".utf8))
            case UInt8(ascii: "?"):
                index += 1
                var number = 0
                var digits = 0
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    number = number * 10 + Int(bytes[index] - 0x30)
                    digits += 1
                    index += 1
                }
                if digits == 0 { number = largest + 1 }
                largest = max(largest, number)
                out.append(UInt8(ascii: "$"))
                out.append(contentsOf: String(number).utf8)
            default:
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// One statement on a PostgreSQL session: bindings collected, run on the first step, rows read from the result.
package final class PostgresStatement {
    private let session: PostgresSession
    private let sql: String
    private let cached: Bool
    private var parameters: [PostgresValue] = []
    private var result: PostgresResult?
    private var row = -1

    init(session: PostgresSession, sql: String, cached: Bool) {
        self.session = session
        self.sql = sql
        self.cached = cached
    }

    package func bind(_ value: SQLiteValue, at index: Int) {
        if parameters.count < index { parameters.append(contentsOf: repeatElement(.null, count: index - parameters.count)) }
        switch value {
        case .integer(let integer): parameters[index - 1] = .integer(integer)
        case .real(let real): parameters[index - 1] = .real(real)
        case .text(let text): parameters[index - 1] = .text(Self.storable(text))
        case .blob(let bytes): parameters[index - 1] = .text("\\x" + bytes.map { String($0, radix: 16).leftPadded(2) }.joined())
        case .null: parameters[index - 1] = .null
        }
    }

    /// `text` without NUL characters, which PostgreSQL's `text` cannot hold: bound as they are, every write (or
    /// lookup) with one fails with 22021, and its request with a 500. Dropped here, where every text parameter of
    /// every repository passes, rather than in each of them. The real store never keeps them either (WordPress's
    /// `sanitize_text_field`, through PHP's `strip_tags`, and `wp_kses_no_null` remove NUL before MySQL sees it);
    /// a SQLite store keeps the text as sent (COMPATIBILITY.md).
    static func storable(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return String(decoding: text.utf8.filter { $0 != 0 }, as: UTF8.self)
    }

    package func step() throws -> Bool {
        if result == nil {
            result = try session.run(sql, parameters, cached: cached)
            row = -1
        }
        row += 1
        return row < result!.rowCount
    }

    package func reset() {
        result = nil
        row = -1
    }

    var columnNames: [String] {
        if let result { return result.columnNames }
        return (try? session.connection.execute("SELECT * FROM (\(sql)) AS q LIMIT 0"))?.columnNames ?? []
    }

    var columnCount: Int { result?.columnCount ?? 0 }

    package func isNull(at index: Int) -> Bool {
        result!.isNull(row: row, column: index)
    }

    package func int64(at index: Int) -> Int64 {
        guard let text = result!.value(row: row, column: index) else { return 0 }
        if let number = Int64(text) { return number }
        switch text {
        case "t": return 1
        case "f": return 0
        default: return Int64(Double(text) ?? 0)
        }
    }

    package func double(at index: Int) -> Double {
        ((try? result!.double(row: row, column: index)) ?? nil) ?? Double(int64(at: index))
    }

    package func text(at index: Int) -> String {
        result!.value(row: row, column: index) ?? ""
    }

    package func withText<T>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try result!.withBytes(row: row, column: index, body)
    }

    /// The column as a value of its kind, by its PostgreSQL type.
    func value(at index: Int) -> SQLiteValue {
        guard let result, !result.isNull(row: row, column: index) else { return .null }
        switch result.typeOID(column: index) {
        case 20, 21, 23, 16: return .integer(int64(at: index))  // int8, int2, int4, bool
        case 700, 701: return .real(double(at: index))  // float4, float8
        case 1700:  // numeric: sum() of integers is one, and reads as the integer SQLite would give
            let text = text(at: index)
            if let integer = Int64(text) { return .integer(integer) }
            return .real(Double(text) ?? 0)
        default: return .text(text(at: index))
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
