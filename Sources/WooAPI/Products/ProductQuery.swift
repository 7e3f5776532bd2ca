import SQLite
import Storage

/// The `/products` list and count filters (products-orders §2.7): a WordPress post query (``PostListQuery``) plus `type`,
/// `filter[category]`, `filter[sku]` and `filter[q]`.
package struct ProductQuery: Sendable, Equatable {
    /// Statuses (`publish` by default), ids, dates, page window and order.
    var post: PostListQuery
    /// The product types `type` asks for (nil: any); types this store has no product of match nothing.
    var types: [String]?
    var categoryMatches = true
    var sku: String?
    var search: [String] = []

    var limit: Int? { post.limit }
    var offset: Int { post.offset }

    /// Reads `type`, `filter[…]` and `page`.
    package init(parameters: QueryParameters) throws(APIError) {
        let filter = try PostFilter(parameters)
        if let types = try parameters.string("type").flatMap({ $0.isEmpty ? nil : $0 }) ?? filter["type"] {
            self.types = types.split(separator: ",").map { $0.trimmingWhitespace }.filter { $0 == "simple" || $0 == "variable" }
        }
        if let category = filter["category"] { categoryMatches = category == "uncategorized" }
        sku = filter["sku"]
        if let q = filter["q"] { search = q.split(separator: " ").map(String.init) }
        var statuses: [String]? = ["publish"]
        if let status = filter["post_status"] {
            let list = status.split(separator: ",").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
            statuses = list.contains("any") ? nil : list
        }
        // WP_Query orderby keys this store can sort by besides date, modified and id; unknown keys are ignored
        // (WordPress falls back to the date).
        post = try PostListQuery(alias: "p", statuses: statuses, parameters: parameters, filter: filter,
                                 columns: ["title": "title", "post_title": "title", "name": "slug", "post_name": "slug"])
    }

    /// The WHERE clause (fixed fragments) and its bound values, in `dialect`. On PostgreSQL a condition that matches
    /// nothing is `FALSE` (a boolean, not SQLite's `0`) and the search says `ILIKE`: SQLite's LIKE folds ASCII
    /// letters, PostgreSQL's does not, and ILIKE under the C locale the store requires folds ASCII only, as SQLite.
    func whereClause(_ dialect: SQLDialect = .sqlite) -> (String, [SQLValue]) {
        var clauses: [String] = []
        var values: [SQLValue] = []
        if !categoryMatches { clauses.append(CustomerQuery.matchesNothing(dialect)) }
        post.appendConditions(to: &clauses, &values, dialect)
        if let types {
            clauses.append("p.type IN " + PostListQuery.jsonTextList(dialect))
            values.append(.text(JSONWriter.arrayText(types.map { .string($0) })))
        }
        if let sku {
            // A SKU search looks at variations too (post types product and product_variation, products-orders §2.7).
            clauses.append("p.sku = ?")
            values.append(.text(sku))
        } else {
            // Variations are not products of their own in lists and counts (products-orders §7.4).
            clauses.append("p.type <> 'variation'")
        }
        for term in search {
            let pattern = "%" + term.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            let like = dialect == .postgres ? "ILIKE" : "LIKE"
            let columns = ["p.title", "p.short_description", "p.description"].map { "\($0) \(like) ? ESCAPE '\\'" }
            clauses.append("(" + columns.joined(separator: " OR ") + ")")
            values += [.text(pattern), .text(pattern), .text(pattern)]
        }
        return (clauses.joined(separator: " AND "), values)
    }

    /// Whether the WHERE clause is a common shape, worth a persistent statement: statuses only (2 texts). Any
    /// other (search, whose text has one LIKE per word, SKU, ids, dates, a `type`, a category that matches nothing)
    /// is prepared for the request and finalized after it (issue 9).
    var hasCommonFilters: Bool { types == nil && categoryMatches && sku == nil && search.isEmpty && post.hasCommonFilters }

    /// Whether the page query is a common shape: common filters, one order key, paged. At most 20 texts
    /// (2 WHERE × 5 columns × 2 directions), and 2 count texts.
    var hasCommonShape: Bool { hasCommonFilters && post.hasCommonOrder }

    /// Whether the list runs on the event loop (issue 11): no product filter beyond statuses, and a cheap post shape.
    var isCheapOnLoop: Bool { hasCommonFilters && post.isCheapOnLoop }

    func orderClause() -> String { post.orderClause() }
}
