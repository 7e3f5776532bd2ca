import SQLite

/// The `/orders` list and count filters (doc §4.9, a WordPress post query), validated like the products' (a bad
/// `page`, `filter[limit]` or `filter[offset]` is a 400, DECISIONS #23/#24).
package struct OrderQuery: Sendable, Equatable {
    /// Statuses to match; nil means every registered status (no trash).
    package var statuses: [String]?
    package var ids: [Int64]?
    package var dates = PostDateBounds()
    package var limit: Int? = 10
    package var offset = 0
    package var page = 1
    package var ascending = false
    package var orderBy: [String] = ["o.created_at"]

    package init() {}

    /// Reads `status`, `filter[…]` and `page`.
    package init(parameters: QueryParameters) throws(APIError) {
        let filter = try parameters.array("filter")
        func value(_ key: String) -> String? {
            guard let text = filter.last(where: { $0.key == key })?.value, !text.isEmpty else { return nil }
            return text
        }
        // `status` is a comma list; each entry gets `wc-` prefixed, so an unknown status matches nothing, and
        // neither does `trash` (`wc-trash`): only `filter[post_status]` reaches trashed orders.
        if let text = try parameters.string("status"), !text.isEmpty {
            statuses = text.split(separator: ",").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
                .map { $0.hasPrefix("wc-") ? String($0.dropFirst(3)) : $0 }.filter { OrderStatus.slugs.contains($0) }
        }
        if let status = value("post_status") {
            let list = status.split(separator: ",").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
            if !list.contains("any") { statuses = list.map { $0.hasPrefix("wc-") ? String($0.dropFirst(3)) : $0 } }
        }
        if let list = value("in") {
            ids = list.split(separator: ",").compactMap { Int64($0.trimmingWhitespace) }
        }
        dates = PostDateBounds(value)
        let window = try PageWindow(limit: value("limit"), page: parameters.string("page"), offset: value("offset"))
        (limit, offset, page) = (window.limit, window.offset, window.page)
        if let orderby = value("orderby") {
            let columns = orderby.split(separator: " ").compactMap { Self.column(for: String($0)) }
            if !columns.isEmpty { orderBy = columns }
        }
        ascending = value("order")?.uppercased() == "ASC"
    }

    private static func column(for key: String) -> String? {
        switch key {
        case "date", "post_date": "o.created_at"
        case "modified", "post_modified": "o.updated_at"
        case "ID", "id": "o.id"
        default: nil
        }
    }

    /// The WHERE clause (fixed fragments) and its bound values.
    func whereClause() -> (String, [SQLiteValue]) {
        var clauses: [String] = []
        var values: [SQLiteValue] = []
        if let statuses {
            clauses.append("o.status IN (SELECT value FROM json_each(?))")
            values.append(.text(JSONWriter.arrayText(statuses.map { .string($0) })))
        } else {
            clauses.append("o.status <> 'trash'")
        }
        if let ids {
            clauses.append("o.id IN (SELECT value FROM json_each(?))")
            values.append(.text(JSONWriter.arrayText(ids.map { .number(Double($0)) })))
        }
        dates.append(alias: "o", to: &clauses, &values)
        return (clauses.joined(separator: " AND "), values)
    }

    /// ORDER BY the requested keys; ties by id in the same direction (newest first by default).
    func orderClause() -> String {
        let direction = ascending ? "ASC" : "DESC"
        return orderBy.map { "\($0) \(direction)" }.joined(separator: ", ") + ", o.id \(direction)"
    }
}
