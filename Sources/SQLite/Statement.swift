import CSQLite

/// A prepared statement (`sqlite3_stmt*`), finalized on deinit. Not `Sendable`: use it on its connection's thread.
///
/// Bind indices are 1-based (SQLite's convention); column indices are 0-based.
/// A statement keeps its connection open, so it may safely outlive the `Database` object.
package final class Statement {
    /// The SQL text this statement was prepared from.
    package let sql: String
    /// The prepared statement.
    let handle: OpaquePointer
    /// Keeps the connection alive for as long as this statement exists.
    private let connection: ConnectionHandle

    /// Prepares exactly one statement with `sqlite3_prepare_v3`; `persistent` hints long-lived reuse.
    init(connection: ConnectionHandle, sql: String, persistent: Bool) throws {
        let db = connection.pointer
        let flags = UInt32(persistent ? SQLITE_PREPARE_PERSISTENT : 0)
        var statement: OpaquePointer?
        var extraStatement = false
        let rc = sql.withCString { cString -> Int32 in
            var tail: UnsafePointer<CChar>?
            // nByte includes the NUL terminator, which lets SQLite skip a copy.
            let rc = sqlite3_prepare_v3(db, cString, Int32(sql.utf8.count + 1), flags, &statement, &tail)
            if rc == SQLITE_OK, let tail, tail.pointee != 0 {
                extraStatement = Self.containsStatement(db, tail)
            }
            return rc
        }
        guard rc == SQLITE_OK else {
            throw SQLiteError(resultCode: rc, connection: db, sql: sql)
        }
        guard let statement else {
            throw SQLiteError(code: .misuse, message: "no SQL statement found", sql: sql)
        }
        guard !extraStatement else {
            sqlite3_finalize(statement)
            throw SQLiteError(code: .misuse,
                              message: "multiple statements found; use execute(sql:) for scripts", sql: sql)
        }
        self.sql = sql
        self.handle = statement
        self.connection = connection
    }

    /// True if the text after the first statement is more than whitespace, `;` and comments.
    private static func containsStatement(_ db: OpaquePointer, _ tail: UnsafePointer<CChar>) -> Bool {
        var cursor = tail
        while cursor.pointee != 0 {
            switch UInt8(bitPattern: cursor.pointee) {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ";"):
                cursor += 1
            default:
                var next: OpaquePointer?
                let rc = sqlite3_prepare_v2(db, cursor, -1, &next, nil)
                sqlite3_finalize(next)
                return rc != SQLITE_OK || next != nil
            }
        }
        return false
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Throws this statement's error when `resultCode` is not `SQLITE_OK`.
    @inline(__always)
    func check(_ resultCode: Int32) throws {
        guard resultCode != SQLITE_OK else { return }
        throw error(resultCode)
    }

    /// Builds the error for a failed call on this statement.
    func error(_ resultCode: Int32) -> SQLiteError {
        SQLiteError(resultCode: resultCode, connection: connection.pointer, sql: sql)
    }

    // MARK: Stepping

    /// Advances to the next row: true when a row is available, false when done.
    @discardableResult
    package func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw error(rc)
        }
    }

    /// Rewinds the statement so it can run again, keeping bindings and ending any read it holds.
    ///
    /// Does not throw: SQLite's return value only repeats the last `step()` error, already thrown there.
    package func reset() {
        sqlite3_reset(handle)
    }

    /// Sets every parameter back to NULL.
    package func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    /// True while the statement has been stepped but not yet run to completion or reset.
    package var isBusy: Bool { sqlite3_stmt_busy(handle) != 0 }

    /// True when the statement does not write to the database.
    package var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// The number of `?`/named parameters.
    package var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// The number of result columns.
    package var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The name of result column `index` (0-based).
    package func columnName(at index: Int) -> String {
        sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
    }

    /// All result column names, in order.
    package var columnNames: [String] {
        (0..<columnCount).map { columnName(at: $0) }
    }
}

@available(*, unavailable)
extension Statement: Sendable {}
