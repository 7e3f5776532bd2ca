import SQLite
import Storage

/// The `/orders` list and count filters (products-orders §4.9): a WordPress post query (``PostListQuery``) plus `status`.
package struct OrderQuery: Sendable, Equatable {
    /// Statuses, ids, dates, page window and order (every order status but trash by default).
    var post: PostListQuery

    var limit: Int? { post.limit }
    var offset: Int { post.offset }

    /// Reads `status`, `filter[…]` and `page`.
    package init(parameters: QueryParameters) throws(APIError) {
        let filter = try PostFilter(parameters)
        var statuses: [String]?
        // `status` is a comma list; each entry gets `wc-` prefixed, so an unknown status matches nothing, and
        // neither does `trash` (`wc-trash`): only `filter[post_status]` reaches trashed orders.
        if let text = try parameters.string("status"), !text.isEmpty {
            statuses = text.split(separator: ",").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
                .map { $0.hasPrefix("wc-") ? String($0.dropFirst(3)) : $0 }.filter { OrderStatus.slugs.contains($0) }
        }
        if let status = filter["post_status"] {
            let list = status.split(separator: ",").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
            if !list.contains("any") { statuses = list.map { $0.hasPrefix("wc-") ? String($0.dropFirst(3)) : $0 } }
        }
        post = try PostListQuery(alias: "o", statuses: statuses, parameters: parameters, filter: filter)
    }

    /// The WHERE clause (fixed fragments) and its bound values, in `dialect`.
    func whereClause(_ dialect: SQLDialect = .sqlite) -> (String, [SQLValue]) {
        var clauses: [String] = []
        var values: [SQLValue] = []
        post.appendConditions(to: &clauses, &values, dialect)
        return (clauses.joined(separator: " AND "), values)
    }

    /// Whether the WHERE clause is a common shape, worth a persistent statement: statuses only (2 texts). Any
    /// other (ids, dates) is prepared for the request and finalized after it (issue 9).
    var hasCommonFilters: Bool { post.hasCommonFilters }

    /// Whether the page query is a common shape: common filters, one order key, paged. At most 12 texts
    /// (2 WHERE × 3 columns × 2 directions), and 2 count texts.
    var hasCommonShape: Bool { post.hasCommonFilters && post.hasCommonOrder }

    func orderClause() -> String { post.orderClause() }
}
