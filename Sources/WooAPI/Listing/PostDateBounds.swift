import SQLite
import Storage

/// `filter[created_at_min|max]` and `filter[updated_at_min|max]` of a WordPress post query (products, orders):
/// inclusive bounds on the GMT dates. As on the real store, an unparseable bound is read as 1970-01-01 00:00:00
/// (listing §2).
package struct PostDateBounds: Sendable, Hashable {
    package var createdMin: Int64?
    package var createdMax: Int64?
    package var updatedMin: Int64?
    package var updatedMax: Int64?

    package init() {}

    /// Reads the four bounds through `value` (a `filter[…]` lookup that gives nil for absent or empty).
    init(_ value: (String) -> String?) {
        if let text = value("created_at_min") { createdMin = APIDate.parse(text) ?? 0 }
        if let text = value("created_at_max") { createdMax = APIDate.parse(text) ?? 0 }
        if let text = value("updated_at_min") { updatedMin = APIDate.parse(text) ?? 0 }
        if let text = value("updated_at_max") { updatedMax = APIDate.parse(text) ?? 0 }
    }

    /// Whether no bound is given.
    var isEmpty: Bool { self == PostDateBounds() }

    /// Appends the clauses for the bounds given, on `<alias>.created_at` / `<alias>.updated_at` (unqualified
    /// columns for an empty alias).
    func append(alias: String, to clauses: inout [String], _ values: inout [SQLValue]) {
        let prefix = alias.isEmpty ? "" : alias + "."
        for (column, bound, op) in [("created_at", createdMin, ">="), ("created_at", createdMax, "<="),
                                    ("updated_at", updatedMin, ">="), ("updated_at", updatedMax, "<=")] {
            if let bound {
                clauses.append("\(prefix)\(column) \(op) ?")
                values.append(.integer(bound))
            }
        }
    }
}
