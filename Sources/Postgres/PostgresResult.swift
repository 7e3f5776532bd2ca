import CPostgres

/// The outcome of one command: its rows (all in memory, as libpq returns them) in text format, and its tag.
///
/// Owns the `PGresult` and frees it (`PQclear`) in deinit. Values are read straight from libpq's buffer with their
/// byte length (`PQgetlength`), so text holding any UTF-8 comes back intact. Not `Sendable`: read it on the thread
/// that ran the command.
package final class PostgresResult {
    /// The `PGresult*`, non-nil and successful (`PGRES_COMMAND_OK` or `PGRES_TUPLES_OK`).
    private let handle: OpaquePointer

    /// Takes ownership of a successful result.
    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    /// How many rows the command returned (0 for commands without rows).
    package var rowCount: Int { Int(PQntuples(handle)) }

    /// How many columns each row has.
    package var columnCount: Int { Int(PQnfields(handle)) }

    /// The column names, in order.
    package var columnNames: [String] {
        (0..<PQnfields(handle)).map { String(cString: PQfname(handle, $0)) }
    }

    /// The index of the column called `name`, or nil (`PQfnumber`; an unquoted name is folded to lower case).
    package func columnIndex(named name: String) -> Int? {
        let index = PQfnumber(handle, name)
        return index < 0 ? nil : Int(index)
    }

    /// The command tag, e.g. `INSERT 0 1`, `UPDATE 3`, `SELECT 2` (`PQcmdStatus`).
    package var commandStatus: String { String(cString: PQcmdStatus(handle)) }

    /// Rows inserted, updated, deleted, selected, moved or copied (`PQcmdTuples`); nil for other commands.
    package var affectedRows: Int? { Int(String(cString: PQcmdTuples(handle))) }

    /// The value at (`row`, `column`) in text format, or nil for SQL NULL. Both indexes must be in range.
    package func value(row: Int, column: Int) -> String? {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                     "PostgresResult index (\(row), \(column)) out of range (\(rowCount) × \(columnCount))")
        let (row, column) = (Int32(row), Int32(column))
        if PQgetisnull(handle, row, column) != 0 { return nil }
        let length = Int(PQgetlength(handle, row, column))
        guard let bytes = PQgetvalue(handle, row, column) else { return nil }
        return bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The bytes of the value at (`row`, `column`) in text format, valid only inside `body` (empty for NULL).
    package func withBytes<T>(row: Int, column: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                     "PostgresResult index (\(row), \(column)) out of range (\(rowCount) × \(columnCount))")
        let (row, column) = (Int32(row), Int32(column))
        guard PQgetisnull(handle, row, column) == 0, let bytes = PQgetvalue(handle, row, column) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(bytes), count: Int(PQgetlength(handle, row, column))))
    }

    /// The type OID of `column` (`PQftype`): e.g. 20 int8, 23 int4, 701 float8, 25 text, 16 bool.
    package func typeOID(column: Int) -> UInt32 { UInt32(PQftype(handle, Int32(column))) }

    /// Whether the value at (`row`, `column`) is SQL NULL.
    package func isNull(row: Int, column: Int) -> Bool {
        value(row: row, column: column) == nil
    }

    /// The value at (`row`, `column`) as an integer; nil for NULL. Throws when the text is not an integer.
    package func int64(row: Int, column: Int) throws -> Int64? {
        guard let text = value(row: row, column: column) else { return nil }
        guard let number = Int64(text) else { throw conversionError(text, "an integer", row, column) }
        return number
    }

    /// The value at (`row`, `column`) as a double (also for integer and numeric columns); nil for NULL.
    /// Throws when the text is not a number. Reads PostgreSQL's `Infinity`, `-Infinity` and `NaN`.
    package func double(row: Int, column: Int) throws -> Double? {
        guard let text = value(row: row, column: column) else { return nil }
        switch text {
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        case "NaN": return .nan
        default:
            guard let number = Double(text) else { throw conversionError(text, "a number", row, column) }
            return number
        }
    }

    /// The value at (`row`, `column`) as a Bool (`t` / `f`, PostgreSQL's text form of boolean); nil for NULL.
    package func bool(row: Int, column: Int) throws -> Bool? {
        switch value(row: row, column: column) {
        case nil: return nil
        case "t": return true
        case "f": return false
        case let text?: throw conversionError(text, "a boolean", row, column)
        }
    }

    private func conversionError(_ text: String, _ expected: String, _ row: Int, _ column: Int) -> PostgresError {
        // The value itself is left out: it may be customer data.
        let name = String(cString: PQfname(handle, Int32(column)))
        return PostgresError(message: "column \(name) at row \(row) is not \(expected) (\(text.utf8.count) bytes)")
    }
}

@available(*, unavailable)
extension PostgresResult: Sendable {}
