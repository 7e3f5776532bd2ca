import SQLite

/// The list and count filters of doc §2.7 (a WordPress post query), validated: DECISIONS #23/#24 make a bad
/// `page`, `filter[limit]` or `filter[offset]` a 400 instead of a crash or a silent page size of 1.
package struct ProductQuery: Sendable, Equatable {
    /// `post_status` values to match; nil means every status but trash (`any`).
    package var statuses: [String]? = ["publish"]
    /// False when `type` names no type this store has (only `simple`): nothing matches.
    package var typeMatches = true
    package var categoryMatches = true
    package var sku: String?
    package var search: [String] = []
    package var ids: [Int64]?
    package var dates = PostDateBounds()
    /// Page size; nil means all rows (`filter[limit]=-1`).
    package var limit: Int? = 10
    package var offset = 0
    package var page = 1
    package var ascending = false
    package var orderBy: [String] = ["p.created_at"]

    package init() {}

    /// Reads `type`, `filter[…]` and `page`.
    package init(parameters: QueryParameters) throws(APIError) {
        let filter = try parameters.array("filter")
        func value(_ key: String) -> String? {
            guard let text = filter.last(where: { $0.key == key })?.value, !text.isEmpty else { return nil }
            return text
        }
        if let types = try parameters.string("type").flatMap({ $0.isEmpty ? nil : $0 }) ?? value("type") {
            typeMatches = types.split(separator: ",").contains { $0.trimmingWhitespace == "simple" }
        }
        if let category = value("category") { categoryMatches = category == "uncategorized" }
        sku = value("sku")
        if let q = value("q") { search = q.split(separator: " ").map(String.init) }
        if let list = value("in") {
            ids = list.split(separator: ",").compactMap { Int64($0.trimmingWhitespace) }.filter { $0.magnitude < 1 << 53 }
        }
        if let status = value("post_status") {
            let list = status.split(separator: ",").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
            statuses = list.contains("any") ? nil : list
        }
        dates = PostDateBounds(value)

        let window = try PageWindow(limit: value("limit"), page: parameters.string("page"), offset: value("offset"))
        (limit, offset, page) = (window.limit, window.offset, window.page)
        let order = value("order")?.uppercased()
        if let orderby = value("orderby") {
            let columns = orderby.split(separator: " ").compactMap { Self.column(for: String($0)) }
            if !columns.isEmpty { orderBy = columns }
        }
        ascending = order == "ASC"
    }

    /// WP_Query orderby keys this store can sort by; unknown keys are ignored (WordPress falls back to the date).
    private static func column(for key: String) -> String? {
        switch key {
        case "date", "post_date": "p.created_at"
        case "modified", "post_modified": "p.updated_at"
        case "ID", "id": "p.id"
        case "title", "post_title": "p.title"
        case "name", "post_name": "p.slug"
        default: nil
        }
    }

    /// The WHERE clause (fixed fragments) and its bound values.
    func whereClause() -> (String, [SQLiteValue]) {
        var clauses: [String] = []
        var values: [SQLiteValue] = []
        if !typeMatches || !categoryMatches { clauses.append("0") }
        // Lists are bound as one JSON array, so the SQL text (and its cached statement) does not vary with them.
        if let statuses {
            clauses.append("p.status IN (SELECT value FROM json_each(?))")
            values.append(.text(JSONWriter.arrayText(statuses.map { .string($0) })))
        } else {
            clauses.append("p.status <> 'trash'")
        }
        if let sku {
            clauses.append("p.sku = ?")
            values.append(.text(sku))
        }
        for term in search {
            let pattern = "%" + term.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            clauses.append("(p.title LIKE ? ESCAPE '\\' OR p.short_description LIKE ? ESCAPE '\\' OR p.description LIKE ? ESCAPE '\\')")
            values += [.text(pattern), .text(pattern), .text(pattern)]
        }
        if let ids {
            clauses.append("p.id IN (SELECT value FROM json_each(?))")
            values.append(.text(JSONWriter.arrayText(ids.map { .number(Double($0)) })))
        }
        dates.append(alias: "p", to: &clauses, &values)
        return (clauses.joined(separator: " AND "), values)
    }

    /// Whether the SQL text depends on the request beyond fixed choices (one LIKE per search word): such a
    /// statement is prepared for the call, not cached.
    var hasVariableSQL: Bool { !search.isEmpty }

    /// ORDER BY the requested keys; ties by id in the same direction (newest first by default).
    func orderClause() -> String {
        let direction = ascending ? "ASC" : "DESC"
        return orderBy.map { "\($0) \(direction)" }.joined(separator: ", ") + ", p.id \(direction)"
    }
}
