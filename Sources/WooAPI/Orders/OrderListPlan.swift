import SQLite

/// The orders lists of each status set, for ``ListAnchorRegistry``: `orders` and `order_list_changes` (schema.sql,
/// version 4). The partition is the sorted statuses asked for, or nil for every status but trash.
package enum OrderList: AnchoredList {
    package typealias Partition = [String]?
    package static var table: String { "orders" }
    package static var changeLog: String { "order_list_changes" }

    package static func partitionClause(_ statuses: [String]?) -> (String, [SQLiteValue]) {
        guard let statuses else { return ("status <> 'trash'", []) }
        if statuses.count == 1 { return ("status = ?", [.text(statuses[0])]) }
        return ("status IN (SELECT value FROM json_each(?))", [.text(JSONWriter.arrayText(statuses.map { .string($0) }))])
    }

    /// One status walks its (status, key) index; several, or all but trash, walk the key's index (it holds the
    /// status, so skipping the others reads no row) or the table itself in id order.
    package static func indexHint(_ statuses: [String]?, _ order: ListOrder) -> String {
        let single = statuses?.count == 1
        switch order.column {
        case "created_at": return "INDEXED BY " + (single ? "orders_status_created" : "orders_created")
        case "updated_at": return "INDEXED BY " + (single ? "orders_status_updated" : "orders_updated")
        default: return single ? "INDEXED BY orders_status" : "NOT INDEXED"
        }
    }
}

/// The page anchors of the orders lists (listing §5).
package typealias OrderListAnchors = ListAnchorRegistry<OrderList>

/// How an orders page and its total are found at any store size (listing §5): statuses only (the default list,
/// `status=…`, `filter[post_status]`) and one sort key (date, modified, id) in either direction walk that order's
/// index from the nearest keyset anchor, and the total is the anchors' row count; a `filter[created_at_min|max]`
/// window in date order takes its total and page from ranks in the date anchors (``windowPage``); any other
/// filter (`filter[in]`, modified-date bounds, a window in another order) or several sort keys run the plain
/// query.
package enum OrderListPlan {
    static func order(of query: OrderQuery) -> ListOrder? {
        let post = query.post
        guard post.hasCommonFilters, post.orderBy.count == 1 else { return nil }
        let column = String(post.orderBy[0].dropFirst(post.alias.count + 1))
        guard column == "created_at" || column == "updated_at" || column == "id" else { return nil }
        return ListOrder(column: column, ascending: post.ascending, tiesAscending: post.ascending)
    }

    static func partition(of query: OrderQuery) -> [String]? {
        query.post.statuses.map { Array(Set($0)).sorted() }
    }

    /// The date order of a list whose only other filter is a `filter[created_at_min|max]` window (statuses aside):
    /// its page and total come from ranks in the date anchors.
    static func windowOrder(of query: OrderQuery) -> ListOrder? {
        let post = query.post
        guard post.ids == nil, post.dates.updatedMin == nil, post.dates.updatedMax == nil,
              post.dates.createdMin != nil || post.dates.createdMax != nil,
              post.orderBy == [post.alias + ".created_at"] else { return nil }
        return ListOrder(column: "created_at", ascending: post.ascending, tiesAscending: post.ascending)
    }

    /// Whether the request costs about the same at any store size: an anchored shape whose anchors exist.
    static func isCheapOnLoop(_ query: OrderQuery, anchors: OrderListAnchors) -> Bool {
        guard let order = order(of: query) ?? windowOrder(of: query) else { return false }
        return anchors.has(partition(of: query), order)
    }

    /// A page in a date window and the window's total: the ranks of the window's ends come from the date anchors
    /// (``ListAnchorRegistry/window(from:to:_:_:in:)``), and the page is a walk from the anchor at the window's
    /// start + offset, stopped by the far end. Nil when the anchors cannot serve this snapshot.
    static func windowPage(
        _ query: OrderQuery, order: ListOrder, rows: Bool, anchors: OrderListAnchors, in db: Database
    ) throws -> (ids: [Int64], total: Int)? {
        if rows && query.limit == nil { return nil }  // every row of the window: the plain query
        let partition = partition(of: query)
        let dates = query.post.dates
        let far = order.ascending ? dates.createdMax : dates.createdMin
        guard let (start, end) = try anchors.window(from: order.ascending ? dates.createdMin : dates.createdMax, to: far,
                                                    partition, order, in: db) else { return nil }
        let (partitionSQL, partitionValues) = OrderList.partitionClause(partition)
        let hint = OrderList.indexHint(partition, order)
        let total = end - start
        guard rows, let limit = query.limit else { return ([], total) }
        let target = start + query.offset
        guard target < end else { return ([], total) }
        guard let anchor = try anchors.resolve(partition, order, in: db, { $0.anchor(atOrBefore: target) }) else { return nil }
        var clauses = [partitionSQL], arguments = partitionValues
        if let anchor { ListKeySQL.appendFrom(anchor.key, order, alias: "o", to: &clauses, &arguments) }
        if let far {
            clauses.append(order.ascending ? "o.created_at <= ?" : "o.created_at >= ?")
            arguments.append(.integer(far))
        }
        let sql = "SELECT o.id FROM orders o \(hint) WHERE " + clauses.joined(separator: " AND ")
            + " ORDER BY " + query.orderClause() + " LIMIT ? OFFSET ?"
        arguments += [.integer(Int64(limit)), .integer(Int64(target - (anchor?.rank ?? 0)))]
        var ids: [Int64] = []
        ids.reserveCapacity(min(limit, 1_100))
        try db.statement(sql, cached: true).forEach(arguments) { ids.append($0.int64(at: 0)) }
        return (ids, total)
    }

    /// A page of order ids in order, when `rows`, and the total the page belongs to.
    package static func run(_ query: OrderQuery, rows: Bool, anchors: OrderListAnchors?, in db: Database) throws -> (ids: [Int64], total: Int) {
        if let anchors, let order = windowOrder(of: query),
           let window = try windowPage(query, order: order, rows: rows, anchors: anchors, in: db) {
            return window
        }
        if let anchors, let order = order(of: query) {
            let partition = partition(of: query)
            let target = query.offset
            if let (total, anchor) = try anchors.resolve(partition, order, in: db, { ranks in
                // The total needs the anchors anyway, so every page past the first anchor starts from one.
                (ranks.rows, target >= AnchorSet.spacing(order) ? ranks.anchor(atOrBefore: target) : nil)
            }) {
                guard rows, let limit = query.limit else {
                    return (rows ? try OrderRepository.pageIDs(query, in: db) : [], total)
                }
                var (whereSQL, arguments) = OrderList.partitionClause(partition)
                var clauses = [whereSQL]
                if let anchor { ListKeySQL.appendFrom(anchor.key, order, alias: "o", to: &clauses, &arguments) }
                whereSQL = clauses.joined(separator: " AND ")
                let sql = "SELECT o.id FROM orders o \(OrderList.indexHint(partition, order)) WHERE \(whereSQL) ORDER BY "
                    + query.orderClause() + " LIMIT ? OFFSET ?"
                arguments += [.integer(Int64(limit)), .integer(Int64(target - (anchor?.rank ?? 0)))]
                // Shapes: 3 keys × 2 directions × 3 partition forms × with and without an anchor.
                let ids = try db.statement(sql, cached: true).map(arguments) { $0.int64(at: 0) }
                return (ids, total)
            }
        }
        return (rows ? try OrderRepository.pageIDs(query, in: db) : [], try OrderRepository.count(query, in: db))
    }
}
