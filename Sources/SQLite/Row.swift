/// A fetched row: column values by 0-based index or by column name. For non-hot paths.
package struct Row: Sendable, Hashable {
    /// Column names, in result order (shared between the rows of one query).
    package let columnNames: [String]
    /// Column values, in result order.
    package let values: [SQLiteValue]

    /// Creates a row; `columnNames` and `values` must have the same count.
    package init(columnNames: [String], values: [SQLiteValue]) {
        precondition(columnNames.count == values.count, "Row needs one name per value")
        self.columnNames = columnNames
        self.values = values
    }

    /// The number of columns.
    package var count: Int { values.count }

    /// The value at a 0-based column index (traps when out of range).
    package subscript(index: Int) -> SQLiteValue {
        values[index]
    }

    /// The value of the first column with this name (exact match first, then case-insensitive,
    /// like SQLite's own identifier rules), or nil when no column has that name.
    package subscript(name: String) -> SQLiteValue? {
        if let index = columnNames.firstIndex(of: name) {
            return values[index]
        }
        let lowered = name.lowercased()
        return columnNames.firstIndex { $0.lowercased() == lowered }.map { values[$0] }
    }

    /// True when a column with this name exists.
    package func hasColumn(_ name: String) -> Bool {
        self[name] != nil
    }
}

extension Row: CustomStringConvertible {
    /// Column names with storage classes only, never the values (safe to log).
    package var description: String {
        let columns = zip(columnNames, values).map { "\($0): \($1)" }
        return "Row(\(columns.joined(separator: ", ")))"
    }
}
