import CSQLite

/// Column readers for the current row. Indices are 0-based; call only after `step()` returned true.
///
/// The non-optional readers follow SQLite's conversions (NULL reads as 0, 0.0, "" or []);
/// use `isNull(at:)`, the `nullable…` readers or `value(at:)` for nullable columns.
extension Statement {
    /// True when the column is SQL NULL.
    @inline(__always)
    package func isNull(at index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// The column as a 64-bit integer.
    @inline(__always)
    package func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    /// The column as an `Int`.
    @inline(__always)
    package func int(at index: Int) -> Int {
        Int(sqlite3_column_int64(handle, Int32(index)))
    }

    /// The column as a double.
    @inline(__always)
    package func double(at index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    /// The column as a `Bool` (non-zero integer is true).
    @inline(__always)
    package func bool(at index: Int) -> Bool {
        sqlite3_column_int64(handle, Int32(index)) != 0
    }

    /// The column as text, decoded from its exact UTF-8 byte count (embedded NUL preserved).
    package func text(at index: Int) -> String {
        withText(at: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Zero-copy access to the column's UTF-8 bytes, valid only inside `body` (empty for NULL).
    @inline(__always)
    package func withText<T>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let column = Int32(index)
        // Order matters: sqlite3_column_text converts first, then sqlite3_column_bytes reports that length.
        let pointer = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let pointer else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: count))
    }

    /// The column as a byte array.
    package func blob(at index: Int) -> [UInt8] {
        withBlob(at: index) { [UInt8]($0) }
    }

    /// Zero-copy access to the column's bytes, valid only inside `body` (empty for NULL or empty blob).
    @inline(__always)
    package func withBlob<T>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let column = Int32(index)
        let pointer = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    /// The column as an integer, nil when NULL.
    package func nullableInt64(at index: Int) -> Int64? {
        isNull(at: index) ? nil : int64(at: index)
    }

    /// The column as text, nil when NULL.
    package func nullableText(at index: Int) -> String? {
        isNull(at: index) ? nil : text(at: index)
    }

    /// The column with its stored type preserved.
    package func value(at index: Int) -> SQLiteValue {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: return .integer(int64(at: index))
        case SQLITE_FLOAT: return .real(double(at: index))
        case SQLITE_TEXT: return .text(text(at: index))
        case SQLITE_BLOB: return .blob(blob(at: index))
        default: return .null
        }
    }

    /// All columns of the current row.
    package func values() -> [SQLiteValue] {
        (0..<columnCount).map { value(at: $0) }
    }
}
