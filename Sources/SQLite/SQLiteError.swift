import CSQLite

/// An error reported by SQLite: extended result code, SQLite's message, and the SQL text.
///
/// It deliberately never carries bound argument values, so it is safe to log.
///
/// Matching, pick whichever reads best:
/// ```swift
/// do { try insert() }
/// catch ResultCode.constraintUnique { ... }           // exact extended code
/// catch ResultCode.constraint { ... }                 // any constraint violation (primary family)
/// catch let error as SQLiteError where error.code == .constraintForeignKey { ... }
/// ```
/// and `switch error.code { case .constraintUnique: ...; case .constraint: ...; case .busy: ... }`.
package struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (e.g. `.constraintUnique`); match `.constraint` for the whole family.
    package let code: ResultCode
    /// SQLite's error message (`sqlite3_errmsg`), or a message from this wrapper for API misuse.
    package let message: String
    /// The SQL being prepared or executed, if any. Never contains bound values.
    package let sql: String?

    /// Creates an error from its parts.
    package init(code: ResultCode, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary code, e.g. `.constraint` for a `.constraintUnique` error.
    package var primaryResultCode: ResultCode { code.primaryResultCode }

    /// `SQLite error SQLITE_X (n): message — SQL: ...`; contains no bound argument values.
    package var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " — SQL: \(sql)" }
        return text
    }
}

extension SQLiteError {
    /// The single path that turns a non-OK return code into an error.
    ///
    /// Uses `sqlite3_extended_errcode` and `sqlite3_errmsg` when the connection's recorded error
    /// belongs to the same family as `resultCode`; otherwise (errors SQLite does not record on the
    /// connection, such as most `SQLITE_MISUSE` returns) falls back to `resultCode` and `sqlite3_errstr`.
    init(resultCode: Int32, connection: OpaquePointer?, sql: String?) {
        if let connection {
            let extended = sqlite3_extended_errcode(connection)
            if extended & 0xFF == resultCode & 0xFF {
                self.init(code: ResultCode(rawValue: extended),
                          message: String(cString: sqlite3_errmsg(connection)), sql: sql)
                return
            }
        }
        let message = sqlite3_errstr(resultCode).map { String(cString: $0) } ?? "unknown error"
        self.init(code: ResultCode(rawValue: resultCode), message: message, sql: sql)
    }
}

extension ResultCode {
    /// Lets `catch ResultCode.constraint` / `catch ResultCode.constraintUnique` match a thrown `SQLiteError`.
    package static func ~= (pattern: ResultCode, error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        return pattern ~= error.code
    }
}
