import SQLite

/// A prepared statement of a store ``Database``: bind values, step through rows, read columns.
///
/// A struct holding the back end's statement, so finding a cached statement allocates nothing on SQLite. The run
/// helpers (``execute(_:)``, ``forEach(_:_:)``, ``map(_:_:)``, ``first(_:_:)``) reset the statement when they finish,
/// also when they throw. Column readers follow SQLite's conversions on both back ends: NULL reads as 0, 0.0 or "";
/// PostgreSQL's booleans read as 1 and 0.
package struct Statement {
    package let sqlite: SQLite.Statement?
    package let postgres: PostgresStatement?

    @inlinable @inline(__always)
    package init(_ statement: SQLite.Statement) {
        sqlite = statement
        postgres = nil
    }

    package init(_ statement: PostgresStatement) {
        sqlite = nil
        postgres = statement
    }

    // MARK: Binding (1-based indexes)

    @inlinable @inline(__always)
    package func bind(_ value: Int64, at index: Int) throws {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.bind(value, at: index) }
        postgres!.bind(.integer(value), at: index)
    }

    @inlinable @inline(__always)
    package func bind(_ value: Int, at index: Int) throws {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.bind(value, at: index) }
        postgres!.bind(.integer(Int64(value)), at: index)
    }

    @inlinable @inline(__always)
    package func bind(_ value: Double, at index: Int) throws {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.bind(value, at: index) }
        postgres!.bind(.real(value), at: index)
    }

    @inlinable @inline(__always)
    package func bind(_ value: Bool, at index: Int) throws {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.bind(value, at: index) }
        postgres!.bind(.integer(value ? 1 : 0), at: index)
    }

    @inlinable @inline(__always)
    package func bind(_ value: String, at index: Int) throws {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.bind(value, at: index) }
        postgres!.bind(.text(value), at: index)
    }

    @inlinable @inline(__always)
    package func bindNull(at index: Int) throws {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.bindNull(at: index) }
        postgres!.bind(.null, at: index)
    }

    /// Binds a value of any kind (`nil` binds NULL).
    package func bind(_ value: SQLValue, at index: Int) throws {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.bind(value, at: index) }
        postgres!.bind(value, at: index)
    }

    /// Binds an optional value of a convertible type, NULL when nil.
    package func bind(_ value: (some SQLiteValueConvertible)?, at index: Int) throws {
        try bind(value?.sqliteValue ?? .null, at: index)
    }

    /// Binds `values` to parameters 1...n.
    package func bind(_ values: [SQLValue]) throws {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.bind(values) }
        for (offset, value) in values.enumerated() { postgres!.bind(value, at: offset + 1) }
    }

    // MARK: Stepping

    /// Advances to the next row: true when there is one (on PostgreSQL the first step runs the statement).
    @inlinable @inline(__always)
    package func step() throws -> Bool {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.step() }
        return try postgres!.step()
    }

    /// Rewinds the statement; bindings are kept.
    @inlinable @inline(__always)
    package func reset() {
        if sqlite != nil { return sqlite.unsafelyUnwrapped.reset() }
        postgres!.reset()
    }

    /// The column names of the statement's rows.
    package var columnNames: [String] { sqlite?.columnNames ?? postgres!.columnNames }

    // MARK: Columns (0-based, on the current row)

    @inlinable @inline(__always)
    package func isNull(at index: Int) -> Bool {
        if sqlite != nil { return sqlite.unsafelyUnwrapped.isNull(at: index) }
        return postgres!.isNull(at: index)
    }

    @inlinable @inline(__always)
    package func int64(at index: Int) -> Int64 {
        if sqlite != nil { return sqlite.unsafelyUnwrapped.int64(at: index) }
        return postgres!.int64(at: index)
    }

    @inlinable @inline(__always)
    package func int(at index: Int) -> Int {
        if sqlite != nil { return sqlite.unsafelyUnwrapped.int(at: index) }
        return Int(postgres!.int64(at: index))
    }

    @inlinable @inline(__always)
    package func double(at index: Int) -> Double {
        if sqlite != nil { return sqlite.unsafelyUnwrapped.double(at: index) }
        return postgres!.double(at: index)
    }

    @inlinable @inline(__always)
    package func bool(at index: Int) -> Bool {
        if sqlite != nil { return sqlite.unsafelyUnwrapped.bool(at: index) }
        return postgres!.int64(at: index) != 0
    }

    @inlinable @inline(__always)
    package func text(at index: Int) -> String {
        if sqlite != nil { return sqlite.unsafelyUnwrapped.text(at: index) }
        return postgres!.text(at: index)
    }

    /// The column's UTF-8 bytes, valid only inside `body` (empty for NULL).
    @inlinable @inline(__always)
    package func withText<T>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.withText(at: index, body) }
        return try postgres!.withText(at: index, body)
    }

    @inlinable @inline(__always)
    package func nullableInt64(at index: Int) -> Int64? {
        isNull(at: index) ? nil : int64(at: index)
    }

    @inlinable @inline(__always)
    package func nullableText(at index: Int) -> String? {
        isNull(at: index) ? nil : text(at: index)
    }

    /// The column as a value of its kind.
    package func value(at index: Int) -> SQLValue {
        if sqlite != nil { return sqlite.unsafelyUnwrapped.value(at: index) }
        return postgres!.value(at: index)
    }

    /// Every column of the current row.
    package func values() -> [SQLValue] {
        if sqlite != nil { return sqlite.unsafelyUnwrapped.values() }
        return (0..<postgres!.columnCount).map { postgres!.value(at: $0) }
    }

    // MARK: Whole runs

    /// Runs the statement to completion, discarding rows. `arguments` nil keeps the current bindings.
    package func execute(_ arguments: [SQLValue]? = nil) throws {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.execute(arguments) }
        try prepareRun(arguments)
        defer { reset() }
        while try step() {}
    }

    /// Calls `body` once per row, with the statement on that row.
    @inlinable @inline(__always)
    package func forEach(_ arguments: [SQLValue]? = nil, _ body: (Statement) throws -> Void) throws {
        try prepareRun(arguments)
        defer { reset() }
        while try step() {
            try body(self)
        }
    }

    /// Every row, mapped with `transform`.
    @inlinable @inline(__always)
    package func map<T>(_ arguments: [SQLValue]? = nil, _ transform: (Statement) throws -> T) throws -> [T] {
        var results: [T] = []
        try forEach(arguments) { results.append(try transform($0)) }
        return results
    }

    /// The first row mapped with `transform`, or nil when there is none.
    @inlinable @inline(__always)
    package func first<T>(_ arguments: [SQLValue]? = nil, _ transform: (Statement) throws -> T) throws -> T? {
        try prepareRun(arguments)
        defer { reset() }
        return try step() ? transform(self) : nil
    }

    /// Every row as values.
    package func query(_ arguments: [SQLValue]? = nil) throws -> [Row] {
        if sqlite != nil { return try sqlite.unsafelyUnwrapped.query(arguments) }
        try prepareRun(arguments)
        defer { reset() }
        var rows: [Row] = []
        while try step() { rows.append(Row(columnNames: columnNames, values: values())) }
        return rows
    }

    /// The first row as values, or nil.
    package func firstRow(_ arguments: [SQLValue]? = nil) throws -> Row? {
        try query(arguments).first
    }

    @inlinable @inline(__always)
    package func prepareRun(_ arguments: [SQLValue]?) throws {
        reset()
        if let arguments { try bind(arguments) }
    }
}
