import SQLite
import Storage

/// The list and count filters of customers §6.1, validated (decisions #23, #24: bad values are a 400, not a crash).
package struct CustomerQuery: Sendable, Equatable {
    /// Roles a user must all have; a user has one role, so two different roles match nobody.
    package var roles: [String] = ["customer"]
    package var search: String?
    package var createdMin: Int64?
    package var createdMax: Int64?
    /// Page size; nil means all rows (`filter[limit]=-1`).
    package var limit: Int? = 10
    package var offset = 0
    package var page = 1
    package var ascending = true
    package var orderBy: [String] = ["u.created_at"]

    package init() {}

    /// Reads `filter[…]` and `page` from the query string.
    package init(parameters: QueryParameters) throws(APIError) {
        let filter = try parameters.array("filter")
        func value(_ key: String) -> String? { filter.last { $0.key == key }?.value }

        if let role = value("role"), !role.isEmpty {
            roles = role.split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
            if roles.isEmpty { roles = ["customer"] }
        }
        if let q = value("q")?.trimmingWhitespace, !q.isEmpty { search = q }
        // Listing §2: an unparseable bound is read as 1970-01-01 00:00:00.
        if let min = value("created_at_min"), !min.isEmpty { createdMin = APIDate.parse(min) ?? 0 }
        if let max = value("created_at_max"), !max.isEmpty { createdMax = APIDate.parse(max) ?? 0 }

        let window = try PageWindow(limit: value("limit"), page: parameters.string("page"), offset: value("offset"))
        (limit, offset, page) = (window.limit, window.offset, window.page)
        if let order = value("order"), !order.isEmpty { ascending = order.lowercased() == "asc" }
        if let orderby = value("orderby"), !orderby.isEmpty {
            // A column named again adds nothing to the order, so each appears once, where first named: at most
            // four, however long the list (issue 9: the list must not choose ever new SQL).
            let columns = orderby.split(whereSeparator: { $0 == "," || $0 == " " }).map { Self.column(for: String($0)) }
            orderBy = columns.isEmpty ? ["u.username"] : columns.uniqued()
        }
    }

    /// WordPress user-query orderby values; anything unknown sorts by login, as WordPress does.
    private static func column(for value: String) -> String {
        switch value {
        case "registered", "user_registered": "u.created_at"
        case "email", "user_email": "u.email"
        case "ID", "id": "u.id"
        // display_name and nicename default to the login on a store whose users sign up through WooCommerce.
        default: "u.username"
        }
    }

    /// Whether the list query has a common shape, worth a persistent statement: one role, no search or date
    /// bounds, one order key, paged. Such page queries have at most 18 texts (with or without `u.version` ×
    /// (4 columns × 2 directions + the default order from a page anchor)); any other shape is prepared for the
    /// request and finalized after it (issue 9), as is every count beyond the role counter.
    var hasCommonShape: Bool {
        search == nil && createdMin == nil && createdMax == nil && Set(roles).count == 1 && orderBy.count == 1
            && limit != nil
    }

    /// Role-only, ascending by registration, paged: the shape ``PageAnchors`` serve.
    var usesDefaultOrder: Bool {
        search == nil && createdMin == nil && createdMax == nil && roles.count == 1 && ascending
            && orderBy == ["u.created_at"] && limit != nil
    }

    /// Whether the list runs on the event loop (issue 11), under the loop budget, without asking the plan: the
    /// anchored default (one role, no search or date bounds, ascending by registration, paged). Other shapes ask
    /// `CustomerListPlan.isCheapOnLoop`, which looks the anchors up; a default page whose anchors still need
    /// building is caught by the loop budget and finishes on the pool.
    var isCheapOnLoop: Bool { usesDefaultOrder }

    /// Whether the count runs on the event loop (issue 11): role only, a lookup in the role counter
    /// (``CustomerRepository/count(_:anchors:in:)``); a search or date bounds count rows, on the read pool.
    var isCountCheapOnLoop: Bool { search == nil && createdMin == nil && createdMax == nil && Set(roles).count == 1 }

    /// The WHERE clause (fixed fragments) and its bound values, in `dialect`.
    func whereClause(_ dialect: SQLDialect = .sqlite) -> (String, [SQLValue]) {
        var clauses: [String] = []
        var values: [SQLValue] = []
        if Set(roles).count > 1 {
            clauses.append(Self.matchesNothing(dialect))
        } else {
            clauses.append("u.role = ?")
            values.append(.text(roles[0]))
        }
        if let search {
            let (clause, searchValues) = Self.searchClause(search, dialect)
            clauses.append(clause)
            values += searchValues
        }
        if let createdMin {
            clauses.append("u.created_at >= ?")
            values.append(.integer(createdMin))
        }
        if let createdMax {
            clauses.append("u.created_at <= ?")
            values.append(.integer(createdMax))
        }
        return (clauses.joined(separator: " AND "), values)
    }

    /// A condition no row meets: SQLite's `0`; PostgreSQL wants a boolean.
    static func matchesNothing(_ dialect: SQLDialect) -> String {
        dialect == .postgres ? "FALSE" : "0"
    }

    /// WordPress user search (customers §6.2): exact unless `*` marks a prefix/suffix wildcard.
    ///
    /// On PostgreSQL a wildcard search on login and email also asks the trigram index's condition,
    /// `users_search_text(u.username, u.email) ILIKE '%literal%'` (schema.postgres.sql): true of every row the LIKEs
    /// accept, so it changes no result, and it lets the planner find the candidates in the GIN index instead of
    /// reading every user (SQLite's FTS5 index is asked separately, ``CustomerListPlan/searchCandidates``).
    static func searchClause(_ search: String, _ dialect: SQLDialect = .sqlite) -> (String, [SQLValue]) {
        let term = SearchTerm(search)
        let wildcard = term.leading || term.trailing
        let pattern: String
        if wildcard {
            pattern = (term.leading ? "%" : "") + escaped(term.literal) + (term.trailing ? "%" : "")
        } else {
            pattern = term.literal
        }
        let compare = wildcard ? "LIKE ? ESCAPE '\\'" : "= ?"
        // user_url: WooCommerce customers have none
        guard !term.columns.isEmpty else { return (matchesNothing(dialect), []) }
        if let id = term.id {
            return ("(u.username \(compare) OR u.id = ?)", [.text(pattern), .integer(id)])
        }
        var clause = "(" + term.columns.map { "u.\($0) \(compare)" }.joined(separator: " OR ") + ")"
        var values = Array(repeating: SQLValue.text(pattern), count: term.columns.count)
        if dialect == .postgres && wildcard {
            clause = "users_search_text(u.username, u.email) ILIKE ? ESCAPE '\\' AND " + clause
            values.insert(.text("%" + escaped(term.literal) + "%"), at: 0)
        }
        return (clause, values)
    }

    /// `literal` for a LIKE pattern: `\`, `%` and `_` taken literally (`ESCAPE '\'`).
    private static func escaped(_ literal: String) -> String {
        literal.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// ORDER BY: the requested keys in the requested direction, ties by ascending id in both (customers §6.1).
    func orderClause() -> String {
        let direction = ascending ? "ASC" : "DESC"
        return orderBy.map { "\($0) \(direction)" }.joined(separator: ", ") + ", u.id ASC"
    }
}

extension String {
    /// Foundation-free replacement of every occurrence of `target`.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
