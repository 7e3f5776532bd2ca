import HTTP
import SQLite
import Storage
import Synchronization

/// A customers list order the store keeps an index for: one key, a direction, ties by ascending id (customers §6.1).
struct UserOrder: Hashable, Sendable {
    enum Column: String, Sendable, CaseIterable {
        case createdAt = "created_at", email, username, id

        /// The column of a ``CustomerQuery/orderBy`` entry (`u.email`), if it is one of these.
        init?(orderKey: String) {
            // Compared whole: no substring or raw-value lookup on every list request.
            switch orderKey {
            case "u.created_at": self = .createdAt
            case "u.email": self = .email
            case "u.username": self = .username
            case "u.id": self = .id
            default: return nil
            }
        }

        var isText: Bool { self == .email || self == .username }
    }

    var column: Column
    var ascending: Bool

    /// The generic form: ties by ascending id in both directions.
    var list: ListOrder {
        ListOrder(column: column.rawValue, isText: column.isText, ascending: ascending, tiesAscending: true)
    }
}

/// How a customers page and its total are found at any store size (listing §5).
///
/// - One sort key (registration, email, login, id) in either direction, with or without registration bounds:
///   the page is an index walk from the nearest keyset anchor (``UserListAnchors``); the total is the role
///   counter, or, with bounds, the difference of two ranks read from the registration anchors.
/// - `*term*`/`*term` searches of three or more characters: the trigram index (``SearchIndex``) finds the
///   candidates, `term*` searches the (role, login) and (role, email) index ranges; the exact LIKE of
///   customers §6.2 then runs on the candidates only, which are sorted and counted (up to
///   ``candidateLimit``; a search matching more falls back to the plain query).
/// - Anything else (several sort keys, registration bounds with another key, short or non-selective searches):
///   the plain query — correct at any size, slow at a big one, which is why it runs on the read pool.
enum CustomerListPlan {
    /// Most search candidates sorted in memory; a search that finds more pages through the plain query instead.
    static let candidateLimit = 100_000

    /// Offsets below this walk the order's index from its start (at most this many steps, ~40 µs) instead of
    /// starting from an anchor.
    static let shallowOffset = 1_000

    /// The single order a query sorts by, when the store has an index and anchors for it.
    static func order(of query: CustomerQuery) -> UserOrder? {
        guard query.orderBy.count == 1, let column = UserOrder.Column(orderKey: query.orderBy[0]) else { return nil }
        return UserOrder(column: column, ascending: query.ascending)
    }

    /// Whether the request costs about the same at any store size, so it may run on an I/O thread: an anchored
    /// order whose anchors are built, without bounds or search; a shallow page of one; an exact search.
    static func isCheapOnLoop(_ query: CustomerQuery, anchors: UserListAnchors) -> Bool {
        guard Set(query.roles).count == 1 else { return true }  // matches nobody
        if let search = query.search {
            let term = SearchTerm(search)  // exact: two index lookups (``searchCandidates(_:role:in:)``)
            return !term.leading && !term.trailing && query.createdMin == nil && query.createdMax == nil
        }
        guard let order = order(of: query) else { return false }
        if query.createdMin != nil || query.createdMax != nil {
            return order.column == .createdAt && anchors.has(UserListPartition(query.roles[0]), order.list)
        }
        guard let limit = query.limit else { return false }
        return query.offset + limit <= shallowOffset || anchors.has(UserListPartition(query.roles[0]), order.list)
    }

    /// A page of ids (with row versions) in order, when `rows`, and the total the page belongs to.
    static func run(
        _ query: CustomerQuery, rows: Bool, anchors: UserListAnchors?, in db: Database
    ) throws -> (page: [(id: Int64, version: Int64)], total: Int) {
        guard Set(query.roles).count == 1 else { return ([], 0) }
        let role = query.roles[0]
        if db.dialect == .postgres { return try postgresRun(query, rows: rows, in: db) }
        if let search = query.search {
            let term = SearchTerm(search)
            if let anchors, term.leading || term.trailing {
                // Nil only when no index narrows the search: then the plain query (not a second try of the index).
                if let matches = try anchors.remembered(searchKey(query), in: db, {
                    try searchCandidates(search, role: role, in: db).map { try candidateIDs(query, candidates: $0, in: db) }
                }) {
                    return (rows ? try rememberedPage(matches, query, in: db) : [], matches.count)
                }
            } else if let candidates = try searchCandidates(search, role: role, in: db) {
                if rows, let (page, total) = try candidatePage(query, candidates: candidates, in: db) {
                    return (page, total)
                }
                return ([], try candidateCount(query, candidates: candidates, in: db))
            }
            return (rows ? try plainPage(query, in: db) : [], try plainCount(query, in: db))
        }
        let order = order(of: query)
        let bounded = query.createdMin != nil || query.createdMax != nil
        var total: Int?
        if !bounded {
            total = try roleCount(role, in: db)
        } else if let anchors {
            // Ranks from the registration anchors of the request's direction when it sorts by registration (the
            // page uses the same), else from the ascending ones.
            let ascending = order.map { $0.column == .createdAt ? $0.ascending : true } ?? true
            if let span = try boundedSpan(query, ascending: ascending, anchors: anchors, in: db) {
                total = span.end - span.start
            }
        }
        var page: [(id: Int64, version: Int64)]?
        if rows, let anchors, let order, let limit = query.limit, order.column == .createdAt || !bounded {
            page = try anchoredPage(query, order: order, limit: limit, anchors: anchors, in: db)
        }
        if rows, page == nil, bounded, let anchors, let order, let limit = query.limit, let total, total > smallWindow {
            page = try windowPage(query, order: order, limit: limit, total: total, anchors: anchors, in: db)
        }
        if rows, page == nil {
            // Registration bounds with another sort key: a window of few rows is read by registration and sorted;
            // a wide one walks the sort key's index, filtering, and stops at the page (no sort of the window).
            let walk = order.flatMap { order in total.map { $0 > candidateLimit } == true ? order.column : nil }
            page = try plainPage(query, indexedBy: walk, in: db)
        }
        return (page ?? [], try total ?? plainCount(query, in: db))
    }

    /// ``run(_:rows:anchors:in:)`` on PostgreSQL: the plain query, with the role counter as the total when only
    /// the role filters. No anchors and no remembered searches (docs/scale-out.md §2: with several writers a change
    /// log entry may become visible out of sequence order, so they could miss a change), no index hints (the planner
    /// has statistics), and searches through the trigram index's condition (``CustomerQuery/searchClause(_:_:)``).
    private static func postgresRun(
        _ query: CustomerQuery, rows: Bool, in db: Database
    ) throws -> (page: [(id: Int64, version: Int64)], total: Int) {
        let filtered = query.search != nil || query.createdMin != nil || query.createdMax != nil
        let total = filtered ? try plainCount(query, in: db) : try roleCount(query.roles[0], in: db)
        return (rows && total > query.offset ? try plainPage(query, in: db) : [], total)
    }

    /// The role most users have; its rows are walked through indexes a customer write already keeps.
    static let customerRole = "customer"

    /// The index holding each order of a role's rows (schema.sql, version 5). Customers walk the unique username
    /// and email indexes, filtering the role (a customer write maintains no copy of them); the other roles walk
    /// role-prefixed partial indexes, which a query may use only when it says `role <> 'customer'` itself.
    static func index(of column: UserOrder.Column, role: String) -> String {
        switch column {
        case .createdAt: "users_role_created"
        case .email: role == customerRole ? "users_email" : "users_staff_email"
        case .username: role == customerRole ? "sqlite_autoindex_users_1" : "users_staff_username"
        case .id: "users_role_id"
        }
    }

    /// The role condition, on columns of `alias`, that lets a walk use ``index(of:role:)``; binds the role once.
    static func roleClause(_ role: String, alias: String = "u") -> String {
        let prefix = alias.isEmpty ? "" : alias + "."
        return role == customerRole ? "\(prefix)role = ?" : "\(prefix)role = ? AND \(prefix)role <> 'customer'"
    }

    private static func plainCount(_ query: CustomerQuery, in db: Database) throws -> Int {
        let (whereSQL, arguments) = query.whereClause(db.dialect)
        return try db.makeStatement("SELECT count(*) FROM users u WHERE " + whereSQL).first(arguments) { $0.int(at: 0) } ?? 0
    }

    static let roleCountSQL = SQL("SELECT users FROM role_counts WHERE role = ?")
    /// PostgreSQL's `role_counts` holds ±1 deltas (no hot row under concurrent writers), folded now and then
    /// (``PostgresBackend``): the count is their sum.
    static let roleCountSumSQL = SQL("SELECT coalesce(sum(users), 0) FROM role_counts WHERE role = ?")

    static func roleCount(_ role: String, in db: Database) throws -> Int {
        let statement = try db.cachedStatement(db.dialect == .postgres ? roleCountSumSQL : roleCountSQL)
        try statement.bind(role, at: 1)
        return try statement.first(nil) { $0.int(at: 0) } ?? 0
    }

    /// The (id, version) rows of a page statement (`arguments` nil: already bound). Written out for this concrete
    /// row type: the generic `Statement.map` looked up the array's type metadata for every row (~330 instructions).
    private static func pageRows(_ statement: Statement, _ arguments: [SQLValue]?, capacity: Int) throws -> [(id: Int64, version: Int64)] {
        var rows: [(id: Int64, version: Int64)] = []
        rows.reserveCapacity(min(max(capacity, 0), 1_100))
        try statement.forEach(arguments) { rows.append((id: $0.int64(at: 0), version: $0.int64(at: 1))) }
        return rows
    }

    // MARK: Anchored pages

    /// The page from the nearest anchor; nil when the anchors cannot serve this snapshot (plain query instead).
    private static func anchoredPage(
        _ query: CustomerQuery, order: UserOrder, limit: Int, anchors: UserListAnchors, in db: Database
    ) throws -> [(id: Int64, version: Int64)]? {
        let role = query.roles[0]
        var start = 0  // rows of the order before the first row the bounds let in
        if query.createdMin != nil || query.createdMax != nil {
            guard let span = try boundedSpan(query, ascending: order.ascending, anchors: anchors, in: db) else { return nil }
            guard span.end > span.start else { return [] }
            start = span.start
        }
        let target = start + query.offset
        // A shallow page walks from the start: cheaper than building anchors a store may never need. Once they
        // exist, any page past the first anchor starts from one (a walk of 1,000 entries costs ~1M instructions).
        var anchor: (key: SortKey, rank: Int)?
        if start > 0 || target >= shallowOffset
            || (target >= AnchorSet.spacing(order.list) && anchors.has(UserListPartition(role), order.list)) {
            guard let resolved = try anchors.resolve(UserListPartition(role), order.list, in: db, { $0.anchor(atOrBefore: target) }) else {
                return nil
            }
            anchor = resolved
        }
        let skip = Int64(target - (anchor?.rank ?? 0))
        if query.createdMin == nil && query.createdMax == nil {
            // The usual page: one of 32 fixed statements, no text to build or hash, values bound one by one.
            let statements = pageSQL[pageShape(order, customers: role == customerRole)]
            let statement = try db.cachedStatement(anchor == nil ? statements.start : statements.anchored)
            var index = 1
            try statement.bind(role, at: index)
            if let key = anchor?.key {
                for value in ListKeySQL.values(key, order.list) {
                    index += 1
                    try statement.bind(value, at: index)
                }
            }
            try statement.bind(Int64(limit), at: index + 1)
            try statement.bind(skip, at: index + 2)
            return try pageRows(statement, nil, capacity: limit)
        }
        var arguments: [SQLValue] = [.text(role)]
        if let key = anchor?.key { arguments += ListKeySQL.values(key, order.list) }
        var clauses = ["u.role = ?"]
        if anchor != nil { clauses.append(ListKeySQL.clause(order.list, alias: "u", before: false)) }
        // The far bound ends the walk; the near one is already counted in `start`.
        if order.ascending, let max = query.createdMax {
            clauses.append("u.created_at <= ?")
            arguments.append(.integer(max))
        } else if !order.ascending, let min = query.createdMin {
            clauses.append("u.created_at >= ?")
            arguments.append(.integer(min))
        }
        let sql = "SELECT u.id, u.version FROM users u WHERE " + clauses.joined(separator: " AND ")
            + " ORDER BY " + query.orderClause() + " LIMIT ? OFFSET ?"
        arguments += [.integer(Int64(limit)), .integer(skip)]
        return try pageRows(db.makeStatement(sql), arguments, capacity: limit)
    }

    /// Registration windows of at most this many rows are read by registration and sorted for a page in another
    /// order (about a millisecond); wider ones page like the whole list, through anchors of their own.
    static let smallWindow = 2_000

    /// A page of a registration window in another order (email, login, id): walked from the start of the order's
    /// index while that passes few rows outside the window, else from the nearest anchor of the window's own
    /// anchors (built by one walk of the order, then kept by the change log, whose entries carry the registration
    /// date). Nil when the anchors cannot serve this snapshot.
    private static func windowPage(
        _ query: CustomerQuery, order: UserOrder, limit: Int, total: Int, anchors: UserListAnchors, in db: Database
    ) throws -> [(id: Int64, version: Int64)]? {
        let partition = UserListPartition(query.roles[0], createdMin: query.createdMin, createdMax: query.createdMax)
        guard query.offset < total else { return [] }
        // Rows of the role an index walk passes per row of the window, about.
        let roleRows = max(try roleCount(partition.role, in: db), total)
        let walked = (query.offset + limit) * roleRows / total
        var anchor: (key: SortKey, rank: Int)?
        if walked > shallowOffset || anchors.has(partition, order.list) {
            guard let resolved = try anchors.resolve(partition, order.list, in: db, { $0.anchor(atOrBefore: query.offset) }) else {
                return nil
            }
            anchor = resolved
        }
        var (clauses, arguments) = UserList.partitionClause(partition)
        if let key = anchor?.key {
            clauses += " AND " + ListKeySQL.clause(order.list, alias: "u", before: false)
            arguments += ListKeySQL.values(key, order.list)
        }
        let sql = "SELECT u.id, u.version FROM users u \(UserList.indexHint(partition, order.list)) WHERE \(clauses)"
            + " ORDER BY u.\(order.column.rawValue) \(order.ascending ? "ASC" : "DESC"), u.id ASC LIMIT ? OFFSET ?"
        // No more rows than the window has left: the walk filters by registration, and would otherwise go on past
        // the window's last row to the end of the index looking for more.
        arguments += [.integer(Int64(min(limit, total - query.offset))), .integer(Int64(query.offset - (anchor?.rank ?? 0)))]
        // Not cached: 72 texts (order × direction × bounds × anchor × role), each prepared in ~0.1 ms on the pool.
        return try pageRows(db.makeStatement(sql), arguments, capacity: limit)
    }

    /// The place in ``pageSQL`` of an order's statements, for the customers or for another role.
    private static func pageShape(_ order: UserOrder, customers: Bool) -> Int {
        (UserOrder.Column.allCases.firstIndex(of: order.column)! * 2 + (order.ascending ? 0 : 1)) * 2 + (customers ? 0 : 1)
    }

    /// The page statements of each order without bounds, for the customers and for another role: from the start
    /// of the role's rows and from an anchor, each walking the order's index (``index(of:role:)``).
    private static let pageSQL: [(start: SQL, anchored: SQL)] = {
        var statements: [(start: SQL, anchored: SQL)] = []
        for column in UserOrder.Column.allCases {
            for ascending in [true, false] {
                for role in [customerRole, "other"] {
                    let order = UserOrder(column: column, ascending: ascending)
                    let select = "SELECT u.id, u.version FROM users u INDEXED BY \(index(of: column, role: role)) WHERE "
                        + roleClause(role)
                    let tail = " ORDER BY u.\(column.rawValue) \(ascending ? "ASC" : "DESC"), u.id ASC LIMIT ? OFFSET ?"
                    let from = " AND " + ListKeySQL.clause(order.list, alias: "u", before: false)
                    assert(statements.count == pageShape(order, customers: role == customerRole))
                    statements.append((SQL(select + tail), SQL(select + from + tail)))
                }
            }
        }
        return statements
    }()

    /// The ranks, in the registration order of `ascending`, of the first row the bounds let in and of the first
    /// row after them (``ListAnchorRegistry/window(from:to:_:_:in:)``); nil when the anchors cannot serve this
    /// snapshot.
    private static func boundedSpan(
        _ query: CustomerQuery, ascending: Bool, anchors: UserListAnchors, in db: Database
    ) throws -> (start: Int, end: Int)? {
        let order = UserOrder(column: .createdAt, ascending: ascending)
        return try anchors.window(from: ascending ? query.createdMin : query.createdMax,
                                  to: ascending ? query.createdMax : query.createdMin, UserListPartition(query.roles[0]),
                                  order.list, in: db)
    }

    // MARK: Searches

    /// The ids a search may match (a superset of the exact matches), from an index; nil when no index narrows
    /// it well (a term under three characters, `*term`/`*term*` with LIKE wildcards in it, or more matches than
    /// ``candidateLimit``). An exact term is looked up in the login and email indexes.
    static func searchCandidates(_ search: String, role: String, in db: Database) throws -> [Int64]? {
        let term = SearchTerm(search)
        guard !term.columns.isEmpty else { return nil }
        if !term.leading && !term.trailing {
            // An exact term: the login and email indexes answer it (`=` under the columns' NOCASE, as the query).
            var ids: Set<Int64> = term.id.map { [$0] } ?? []
            for column in term.columns {
                let statement = try db.cachedStatement(column == "email" ? exactEmailSQL : exactLoginSQL)
                try statement.bind(term.literal, at: 1)
                defer { statement.reset() }
                while try statement.step() { ids.insert(statement.int64(at: 0)) }
            }
            return ids.sorted()
        }
        // Users written since the index last caught up are candidates whatever their text (the exact LIKE decides).
        guard let pending = try SearchIndex.pendingIDs(limit: candidateLimit, in: db) else { return nil }
        var ids = Set(pending)
        if let id = term.id { ids.insert(id) }
        if term.leading {
            // `*term*` / `*term`: the trigram index, which needs three characters; a `%` or `_` in the literal is
            // left to the plain query (the exact LIKE with its escapes runs on the candidates afterwards).
            guard term.literal.unicodeScalars.count >= 3,
                  !term.literal.contains(where: { $0 == "%" || $0 == "_" }) else { return nil }
            let statement = try db.cachedStatement(trigramSQL)
            try statement.bind(SearchIndex.matchQuery(term.literal), at: 1)
            try statement.bind(Int64(candidateLimit + 1), at: 2)
            return try collect(statement, into: &ids) ? ids.sorted() : nil
        }
        for column in term.columns {
            // `term*`: the index range holding every text that starts with the term, case folded as NOCASE.
            guard !term.literal.isEmpty else { return nil }
            let index = Self.index(of: column == "email" ? .email : .username, role: role)
            let statement = try db.cachedStatement("SELECT id FROM users INDEXED BY \(index) WHERE "
                + roleClause(role, alias: "") + " AND \(column) >= ? AND \(column) < ? LIMIT ?")
            try statement.bind(role, at: 1)
            try statement.bind(term.rangeLow, at: 2)
            try statement.bind(term.rangeHigh, at: 3)
            try statement.bind(Int64(candidateLimit + 1), at: 4)
            guard try collect(statement, into: &ids) else { return nil }
        }
        return ids.sorted()
    }

    /// Adds the statement's ids (first column) to `ids`; false as soon as they pass ``candidateLimit``.
    private static func collect(_ statement: Statement, into ids: inout Set<Int64>) throws -> Bool {
        defer { statement.reset() }
        while try statement.step() {
            ids.insert(statement.int64(at: 0))
            if ids.count > candidateLimit { return false }
        }
        return true
    }

    static let exactLoginSQL = SQL("SELECT id FROM users WHERE username = ?")
    static let exactEmailSQL = SQL("SELECT id FROM users WHERE email = ?")
    static let trigramSQL = SQL("SELECT rowid FROM users_search WHERE users_search MATCH ? LIMIT ?")

    private static func candidateSQL(_ query: CustomerQuery, select: String) -> (String, [SQLValue]) {
        let (whereSQL, arguments) = query.whereClause()
        return ("SELECT \(select) FROM json_each(?) c CROSS JOIN users u ON u.id = c.value WHERE " + whereSQL, arguments)
    }

    private static func candidateArray(_ ids: [Int64]) -> SQLValue {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(ids.count * 8 + 2)
        for (index, id) in ids.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.appendDecimal(Int(id))
        }
        bytes.append(UInt8(ascii: "]"))
        return .text(String(decoding: bytes, as: UTF8.self))
    }

    /// The page of the candidates that match, with the number that match, from one pass over them (the total is a
    /// window count over every match, taken before LIMIT); nil when the page is empty and so carries no total.
    private static func candidatePage(
        _ query: CustomerQuery, candidates: [Int64], in db: Database
    ) throws -> (page: [(id: Int64, version: Int64)], total: Int)? {
        var (sql, arguments) = candidateSQL(query, select: "u.id, u.version, count(*) OVER ()")
        sql += " ORDER BY " + query.orderClause()
        if let limit = query.limit {
            sql += " LIMIT ? OFFSET ?"
            arguments += [.integer(Int64(limit)), .integer(Int64(query.offset))]
        }
        var page: [(id: Int64, version: Int64)] = []
        page.reserveCapacity(min(max(query.limit ?? 16, 0), 1_100))
        var total = 0
        try db.makeStatement(sql).forEach([candidateArray(candidates)] + arguments) { row in
            page.append((id: row.int64(at: 0), version: row.int64(at: 1)))
            total = row.int(at: 2)
        }
        return page.isEmpty ? nil : (page, total)
    }

    /// What a search's matches depend on, as the key they are remembered by (``ListAnchorRegistry/remembered``):
    /// the term, the role, the registration bounds and the order; every one is a column the change log records.
    private static func searchKey(_ query: CustomerQuery) -> String {
        "\(query.search ?? "")\u{0}\(query.roles)\u{0}\(query.createdMin ?? .min)\u{0}\(query.createdMax ?? .max)"
            + "\u{0}\(query.orderBy)\u{0}\(query.ascending)"
    }

    /// Every matching candidate's id, in the query's order.
    private static func candidateIDs(_ query: CustomerQuery, candidates: [Int64], in db: Database) throws -> [Int64] {
        let (sql, arguments) = candidateSQL(query, select: "u.id")
        var ids: [Int64] = []
        try db.makeStatement(sql + " ORDER BY " + query.orderClause()).forEach([candidateArray(candidates)] + arguments) {
            ids.append($0.int64(at: 0))
        }
        return ids
    }

    static let versionSQL = SQL("SELECT version FROM users WHERE id = ?")

    /// The page of a search's remembered matches, with each row's current version (the customer cache's key).
    private static func rememberedPage(_ matches: [Int64], _ query: CustomerQuery, in db: Database) throws -> [(id: Int64, version: Int64)] {
        let start = min(query.offset, matches.count)
        let end = query.limit.map { min(matches.count, start + $0) } ?? matches.count
        let statement = try db.cachedStatement(versionSQL)
        var page: [(id: Int64, version: Int64)] = []
        page.reserveCapacity(end - start)
        for id in matches[start..<end] {
            try statement.bind(id, at: 1)
            defer { statement.reset() }
            // The remembered list is this snapshot's (the log has not moved), so every id is still a row.
            if try statement.step() { page.append((id: id, version: statement.int64(at: 0))) }
        }
        return page
    }

    private static func candidateCount(_ query: CustomerQuery, candidates: [Int64], in db: Database) throws -> Int {
        let (sql, arguments) = candidateSQL(query, select: "count(*)")
        return try db.makeStatement(sql).first([candidateArray(candidates)] + arguments) { $0.int(at: 0) } ?? 0
    }

    // MARK: The plain query

    /// The plain query; `indexedBy` makes SQLite walk that order's index (it cannot tell a wide registration
    /// window from a narrow one without statistics, and would sort the whole window).
    private static func plainPage(
        _ query: CustomerQuery, indexedBy column: UserOrder.Column? = nil, in db: Database
    ) throws -> [(id: Int64, version: Int64)] {
        var (whereSQL, arguments) = query.whereClause(db.dialect)
        var table = "users u"
        if let column, Set(query.roles).count == 1 {
            let role = query.roles[0]
            table += " INDEXED BY " + Self.index(of: column, role: role)
            if role != customerRole { whereSQL += " AND u.role <> 'customer'" }
        }
        whereSQL = "SELECT u.id, u.version FROM \(table) WHERE " + whereSQL + " ORDER BY " + query.orderClause()
        if let limit = query.limit {
            whereSQL += " LIMIT ? OFFSET ?"
            arguments += [.integer(Int64(limit)), .integer(Int64(query.offset))]
        }
        return try pageRows(db.statement(whereSQL, cached: query.hasCommonShape), arguments, capacity: query.limit ?? 16)
    }
}

/// A `filter[q]` term taken apart as the search of customers §6.2 reads it (for the plain query's clause and the
/// index candidates alike).
struct SearchTerm {
    var leading = false
    var trailing = false
    /// The text between the wildcards, as typed.
    var literal: String
    /// The columns it is matched against (none: it matches nobody, as a URL does).
    var columns: [String]
    /// An all-digits term also matches that user id.
    var id: Int64?

    init(_ search: String) {
        var text = Substring(search)
        leading = text.hasPrefix("*")
        if leading { text = text.dropFirst() }
        trailing = text.hasSuffix("*")
        if trailing { text = text.dropLast() }
        literal = String(text)
        if text.contains("@") {
            columns = ["email"]
        } else if !text.isEmpty && text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Numeric as PHP's is_numeric reads it for WordPress: ASCII digits (not "٣" or "½", which Swift's
            // isNumber accepts). Too long for an id: matches no id.
            columns = ["username"]
            id = Int64(text) ?? -1
        } else if text.hasPrefix("http://") || text.hasPrefix("https://") {
            columns = []
        } else {
            columns = ["username", "email"]
        }
    }

    /// The NOCASE range of texts starting with the literal: from it, ASCII-lowered, to the same with its last byte
    /// raised by one (a byte that would land on an upper-case letter, which NOCASE folds, jumps past them).
    var rangeLow: String { String(decoding: literal.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self) }

    var rangeHigh: String {
        var bytes = Array(rangeLow.utf8)
        var last = bytes.removeLast() + 1  // UTF-8 never holds 0xFF, so this cannot overflow
        if last >= 0x41 && last <= 0x5A { last = 0x5B }
        bytes.append(last)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One customers list the anchors serve: a role's users, or those of them registered within a window (both
/// bounds inclusive, either open). A windowed list in another order than registration has anchors of its own
/// (``CustomerListPlan``'s window pages); registration order ranks windows in the role's own anchors.
package struct UserListPartition: Hashable, Sendable {
    package var role: String
    package var createdMin: Int64?
    package var createdMax: Int64?

    package init(_ role: String, createdMin: Int64? = nil, createdMax: Int64? = nil) {
        self.role = role
        self.createdMin = createdMin
        self.createdMax = createdMax
    }

    var isWindow: Bool { createdMin != nil || createdMax != nil }
}

/// The customers lists of each role (and registration window), for ``ListAnchorRegistry``: `users` and
/// `user_list_changes` (schema.sql, v4–5), whose entries carry the registration date a window selects by.
package enum UserList: AnchoredList {
    package typealias Partition = UserListPartition
    package static var table: String { "users" }
    package static var changeLog: String { "user_list_changes" }

    package static func partitionClause(_ partition: UserListPartition) -> (String, [SQLValue]) {
        var clause = CustomerListPlan.roleClause(partition.role, alias: "")
        var values: [SQLValue] = [.text(partition.role)]
        if let min = partition.createdMin {
            clause += " AND created_at >= ?"
            values.append(.integer(min))
        }
        if let max = partition.createdMax {
            clause += " AND created_at <= ?"
            values.append(.integer(max))
        }
        return (clause, values)
    }

    package static func indexHint(_ partition: UserListPartition, _ order: ListOrder) -> String {
        guard let column = UserOrder.Column(rawValue: order.column) else { return "" }
        return "INDEXED BY " + CustomerListPlan.index(of: column, role: partition.role)
    }

    /// A window's anchors come from one scan of the table and a sort of the window's keys: its rows are scattered
    /// through the order's index, and a walk of the index would read every row of the role at random.
    package static func buildHint(_ partition: UserListPartition, _ order: ListOrder) -> String {
        partition.isWindow ? "NOT INDEXED" : indexHint(partition, order)
    }

    /// Most users of other roles for which the customers' anchors are built by leaving those users out by id:
    /// the walk then reads the unique index alone instead of every customer's row for its role (at 1M customers,
    /// ~0.8 s instead of ~3 s by email).
    static let fewOtherUsers = 10_000
    static let otherUsersSQL = SQL("SELECT coalesce(sum(users), 0) FROM role_counts WHERE role <> 'customer'")

    package static func walkClause(_ partition: UserListPartition, _ order: ListOrder, in db: Database) throws -> (String, [SQLValue]) {
        guard partition.role == CustomerListPlan.customerRole, !partition.isWindow, order.isText,
              let others = try db.cachedStatement(otherUsersSQL).first(nil, { $0.int(at: 0) }), others <= fewOtherUsers
        else { return partitionClause(partition) }
        return ("id NOT IN (SELECT id FROM users WHERE role < 'customer' OR role > 'customer')", [])
    }
}

/// The page anchors of the customers lists (listing §5).
package typealias UserListAnchors = ListAnchorRegistry<UserList>
