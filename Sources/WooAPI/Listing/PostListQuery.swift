import SQLite
import Storage

/// What the products and orders lists read alike, as WP_Query does for any post type in the real store
/// (products-orders §2.7, §4.9): the statuses to match, `filter[in]`, the date bounds, the page window (a bad `page`,
/// `filter[limit]` or `filter[offset]` is a 400, decisions #23/#24), `filter[orderby]` and `filter[order]`; and
/// their SQL on the table's alias. Each list adds its own filters around it.
struct PostListQuery: Sendable, Equatable {
    /// The table alias the SQL fragments use (`p`, `o`).
    let alias: String
    /// Statuses to match; nil means every status but trash.
    var statuses: [String]?
    var ids: [Int64]?
    var dates = PostDateBounds()
    /// Page size; nil means all rows (`filter[limit]=-1`).
    var limit: Int? = 10
    var offset = 0
    var page = 1
    var ascending = false
    var orderBy: [String]

    /// Reads `filter[in]`, the date bounds, `page`, `filter[limit|offset|orderby|order]`. `columns` maps the
    /// orderby keys the list sorts by, beyond date, modified and id, to columns (without the alias).
    init(alias: String, statuses: [String]?, parameters: QueryParameters, filter: PostFilter,
         columns: [String: String] = [:]) throws(APIError) {
        self.alias = alias
        self.statuses = statuses
        orderBy = [alias + ".created_at"]
        if let list = filter["in"] {
            // Bound as JSON numbers (doubles): larger ids could only match the wrong row, and no post has one.
            ids = list.split(separator: ",").compactMap { Int64($0.trimmingWhitespace) }.filter { $0.magnitude < 1 << 53 }
        }
        dates = PostDateBounds { filter[$0] }
        let window = try PageWindow(limit: filter["limit"], page: parameters.string("page"), offset: filter["offset"])
        (limit, offset, page) = (window.limit, window.offset, window.page)
        if let orderby = filter["orderby"] {
            let sortable = ["date": "created_at", "post_date": "created_at", "modified": "updated_at",
                            "post_modified": "updated_at", "ID": "id", "id": "id"].merging(columns) { $1 }
            // A column named again adds nothing to the order, so each appears once, where first named: at most
            // five, however long the list (issue 9: the list must not choose ever new SQL).
            let keys = orderby.split(separator: " ").compactMap { sortable[String($0)].map { alias + "." + $0 } }
            if !keys.isEmpty { orderBy = keys.uniqued() }
        }
        ascending = filter["order"]?.uppercased() == "ASC"
    }

    /// Appends the status, id and date conditions (fixed fragments; lists are bound as one JSON array, so the SQL
    /// text, and its cached statement, does not vary with them), in `dialect`.
    func appendConditions(to clauses: inout [String], _ values: inout [SQLValue], _ dialect: SQLDialect = .sqlite) {
        if let statuses {
            clauses.append(alias + ".status IN " + Self.jsonTextList(dialect))
            values.append(.text(JSONWriter.arrayText(statuses.map { .string($0) })))
        } else {
            clauses.append(alias + ".status <> 'trash'")
        }
        if let ids {
            clauses.append(alias + ".id IN " + Self.jsonNumberList(dialect))
            values.append(.text(JSONWriter.arrayText(ids.map { .number(Double($0)) })))
        }
        dates.append(alias: alias, to: &clauses, &values)
    }

    /// The values of a JSON array of strings bound as one parameter, for `IN`: SQLite's `json_each`; PostgreSQL has
    /// no such table function and spells it `json_array_elements_text`.
    static func jsonTextList(_ dialect: SQLDialect) -> String {
        dialect == .postgres ? "(SELECT json_array_elements_text(?::json))" : "(SELECT value FROM json_each(?))"
    }

    /// ``jsonTextList(_:)`` for a JSON array of numbers. PostgreSQL reads them as `numeric`, which compares with a
    /// BIGINT id exactly whatever form the writer gave a number (`5`, `5.0`, `5e0`), as SQLite's JSON values do.
    static func jsonNumberList(_ dialect: SQLDialect) -> String {
        dialect == .postgres
            ? "(SELECT json_array_elements_text(?::json)::numeric)" : "(SELECT value FROM json_each(?))"
    }

    /// Whether the conditions are statuses only (no `filter[in]`, no date bounds): one of two WHERE texts.
    var hasCommonFilters: Bool { ids == nil && dates.isEmpty }

    /// Whether the order is one key and the page has a size: keys × 2 directions ORDER BY texts.
    var hasCommonOrder: Bool { orderBy.count == 1 && limit != nil }

    /// Whether a list of this shape runs on the event loop (issue 11), under the loop budget; any other shape runs
    /// on the read pool. For now: the common filters (statuses only), the default order (newest first), a page
    /// size up to 100, pages 1–100 (an explicit offset no deeper) — an index walk of at most 10,000 rows. The
    /// list's own filters must be common too. (Orders ask their plan, `OrderListPlan.isCheapOnLoop`, for the other
    /// shapes.)
    var isCheapOnLoop: Bool {
        guard let limit, hasCommonFilters, orderBy == [alias + ".created_at"], !ascending else { return false }
        return limit <= 100 && (1...100).contains(page) && offset <= 99 * limit
    }

    /// ORDER BY the requested keys; ties by id in the same direction (newest first by default).
    func orderClause() -> String {
        let direction = ascending ? "ASC" : "DESC"
        return orderBy.map { "\($0) \(direction)" }.joined(separator: ", ") + ", \(alias).id \(direction)"
    }
}

/// A post list's `filter[…]` parameters: the last value sent for a key, when not empty.
struct PostFilter {
    private let members: [(key: String, value: String)]

    init(_ parameters: QueryParameters) throws(APIError) {
        members = try parameters.array("filter")
    }

    subscript(_ key: String) -> String? {
        guard let text = members.last(where: { $0.key == key })?.value, !text.isEmpty else { return nil }
        return text
    }
}

extension Array where Element: Hashable {
    /// The elements without repeats, each kept where it first occurs.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
