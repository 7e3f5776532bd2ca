/// Whole-statement runs. Each one resets the statement when it finishes, also when it throws,
/// so a (cached) statement is never left busy holding a read transaction open.
///
/// `arguments`: pass values to bind them all (count must match), or `nil` to keep the current
/// bindings (e.g. after the typed `bind(_:at:)` calls on a hot path).
extension Statement {
    /// Runs the statement to completion, discarding any rows.
    package func execute(_ arguments: [SQLiteValue]? = nil) throws {
        try prepareRun(arguments)
        defer { reset() }
        while try step() {}
    }

    /// Calls `body` once per row with the statement positioned on that row (read columns with the typed readers).
    @inlinable
    package func forEach(_ arguments: [SQLiteValue]? = nil, _ body: (Statement) throws -> Void) throws {
        try prepareRun(arguments)
        defer { reset() }
        while try step() {
            try body(self)
        }
    }

    /// Collects every row, mapping each with `transform`.
    @inlinable
    package func map<T>(_ arguments: [SQLiteValue]? = nil, _ transform: (Statement) throws -> T) throws -> [T] {
        var results: [T] = []
        try forEach(arguments) { results.append(try transform($0)) }
        return results
    }

    /// Maps the first row with `transform`, or returns nil when there is none.
    @inlinable
    package func first<T>(_ arguments: [SQLiteValue]? = nil, _ transform: (Statement) throws -> T) throws -> T? {
        try prepareRun(arguments)
        defer { reset() }
        return try step() ? transform(self) : nil
    }

    /// Returns all rows as `Row` values (convenient, but copies every column; prefer `forEach` on hot paths).
    package func query(_ arguments: [SQLiteValue]? = nil) throws -> [Row] {
        let names = columnNames
        return try map(arguments) { Row(columnNames: names, values: $0.values()) }
    }

    /// Returns the first row, or nil.
    package func firstRow(_ arguments: [SQLiteValue]? = nil) throws -> Row? {
        let names = columnNames
        return try first(arguments) { Row(columnNames: names, values: $0.values()) }
    }

    /// Rewinds a statement possibly left mid-run by manual stepping, then binds `arguments` if given.
    @usableFromInline
    func prepareRun(_ arguments: [SQLiteValue]?) throws {
        reset()
        if let arguments {
            try bind(arguments)
        }
    }
}
