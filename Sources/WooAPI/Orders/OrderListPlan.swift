import SQLite
import Storage

/// One orders list the anchors serve: a status set (the sorted statuses asked for, or nil for every status but
/// trash), and date bounds on creation and modification (inclusive; none for the whole list). A list with bounds
/// has anchors of its own when it is wide and not answered by ranks in the date anchors (``OrderListPlan``).
package struct OrderListPartition: Hashable, Sendable {
    package var statuses: [String]?
    package var dates: PostDateBounds

    package init(_ statuses: [String]?, dates: PostDateBounds = PostDateBounds()) {
        self.statuses = statuses
        self.dates = dates
    }
}

/// The orders lists of each status set and date window, for ``ListAnchorRegistry``: `orders` and
/// `order_list_changes` (schema.sql, version 4), whose entries carry both dates a window selects by.
package enum OrderList: AnchoredList {
    package typealias Partition = OrderListPartition
    package static var table: String { "orders" }
    package static var changeLog: String { "order_list_changes" }

    package static func partitionClause(_ partition: OrderListPartition) -> (String, [SQLValue]) {
        var clauses: [String] = [], values: [SQLValue] = []
        if let statuses = partition.statuses {
            if statuses.count == 1 {
                clauses.append("status = ?")
                values.append(.text(statuses[0]))
            } else {
                clauses.append("status IN (SELECT value FROM json_each(?))")
                values.append(.text(JSONWriter.arrayText(statuses.map { .string($0) })))
            }
        } else {
            clauses.append("status <> 'trash'")
        }
        partition.dates.append(alias: "", to: &clauses, &values)
        return (clauses.joined(separator: " AND "), values)
    }

    /// One status walks its (status, key) index; several, or all but trash, walk the key's index (it holds the
    /// status, so skipping the others reads no row) or the table itself in id order.
    package static func indexHint(_ partition: OrderListPartition, _ order: ListOrder) -> String {
        let single = partition.statuses?.count == 1
        switch order.column {
        case "created_at": return "INDEXED BY " + (single ? "orders_status_created" : "orders_created")
        case "updated_at": return "INDEXED BY " + (single ? "orders_status_updated" : "orders_updated")
        default: return single ? "INDEXED BY orders_status" : "NOT INDEXED"
        }
    }

    /// A window's anchors come from one scan of the table and a sort of the window's keys (its rows are scattered
    /// through the order's index).
    package static func buildHint(_ partition: OrderListPartition, _ order: ListOrder) -> String {
        partition.dates.isEmpty ? indexHint(partition, order) : "NOT INDEXED"
    }
}

/// The page anchors of the orders lists (listing §5).
package typealias OrderListAnchors = ListAnchorRegistry<OrderList>

/// How an orders page and its total are found at any store size (listing §5): statuses only (the default list,
/// `status=…`, `filter[post_status]`) and one sort key (date, modified, id) in either direction walk that order's
/// index from the nearest keyset anchor, and the total is the anchors' row count. A window on one date
/// (`filter[created_at_min|max]` or `filter[updated_at_min|max]`) in that date's order takes its total and page
/// from ranks in the date's anchors (``rankedWindowPage``). Any other window — in another order, or on both
/// dates — is counted through a date's anchors first: up to ``smallWindow`` rows it runs the plain query (an index
/// range and a small sort), a wider one pages through anchors of its own (``OrderListPartition``). `filter[in]` or
/// several sort keys run the plain query.
package enum OrderListPlan {
    /// Windows of at most this many rows run the plain query; wider ones page through anchors.
    static let smallWindow = 2_000

    /// The single sort key of a list without `filter[in]`.
    static func order(of query: OrderQuery) -> ListOrder? {
        let post = query.post
        guard post.ids == nil, post.orderBy.count == 1 else { return nil }
        let column = String(post.orderBy[0].dropFirst(post.alias.count + 1))
        guard column == "created_at" || column == "updated_at" || column == "id" else { return nil }
        return ListOrder(column: column, ascending: post.ascending, tiesAscending: post.ascending)
    }

    static func partition(of query: OrderQuery, dates: PostDateBounds = PostDateBounds()) -> OrderListPartition {
        OrderListPartition(query.post.statuses.map { Array(Set($0)).sorted() }, dates: dates)
    }

    /// The date a window is on, when it bounds one date only: its column, minimum and maximum.
    private static func windowColumn(_ dates: PostDateBounds) -> (column: String, min: Int64?, max: Int64?)? {
        let created = dates.createdMin != nil || dates.createdMax != nil
        let updated = dates.updatedMin != nil || dates.updatedMax != nil
        if created && !updated { return ("created_at", dates.createdMin, dates.createdMax) }
        if updated && !created { return ("updated_at", dates.updatedMin, dates.updatedMax) }
        return nil
    }

    /// Whether the request costs about the same at any store size: an anchored shape whose anchors exist.
    static func isCheapOnLoop(_ query: OrderQuery, anchors: OrderListAnchors) -> Bool {
        guard let order = order(of: query) else { return false }
        let dates = query.post.dates
        guard dates.isEmpty || windowColumn(dates)?.column == order.column else { return false }
        return anchors.has(partition(of: query), order)
    }

    /// A page in a window on the order's own date and the window's total: the ranks of the window's ends come from
    /// the date's anchors (``ListAnchorRegistry/window(from:to:_:_:in:)``), and the page is a walk from the anchor
    /// at the window's start + offset, stopped by the far end. Nil when the anchors cannot serve this snapshot.
    static func rankedWindowPage(
        _ query: OrderQuery, order: ListOrder, min: Int64?, max: Int64?, rows: Bool, anchors: OrderListAnchors, in db: Database
    ) throws -> (ids: [Int64], total: Int)? {
        if rows && query.limit == nil { return nil }  // every row of the window: the plain query
        let partition = partition(of: query)
        let far = order.ascending ? max : min
        guard let (start, end) = try anchors.window(from: order.ascending ? min : max, to: far, partition, order, in: db) else {
            return nil
        }
        let (partitionSQL, partitionValues) = OrderList.partitionClause(partition)
        let total = end - start
        guard rows, let limit = query.limit else { return ([], total) }
        let target = start + query.offset
        guard target < end else { return ([], total) }
        guard let anchor = try anchors.resolve(partition, order, in: db, { $0.anchor(atOrBefore: target) }) else { return nil }
        var clauses = [partitionSQL], arguments = partitionValues
        if let anchor { ListKeySQL.appendFrom(anchor.key, order, alias: "o", to: &clauses, &arguments) }
        if let far {
            clauses.append("o.\(order.column) \(order.ascending ? "<=" : ">=") ?")
            arguments.append(.integer(far))
        }
        // Cached for windows on the date of creation only, as before modified-date windows were ranked: 24 texts.
        return (try page(clauses, arguments, partition: partition, order: order, query: query, limit: limit,
                         skip: target - (anchor?.rank ?? 0), cached: order.column == "created_at", in: db), total)
    }

    /// The rows a window holds, from the ranks of its ends in the anchors of a date it bounds (the smaller count
    /// when it bounds both); nil when the anchors cannot serve this snapshot.
    private static func windowSize(_ query: OrderQuery, anchors: OrderListAnchors, in db: Database) throws -> Int? {
        let dates = query.post.dates
        var size: Int?
        for (column, min, max) in [("created_at", dates.createdMin, dates.createdMax), ("updated_at", dates.updatedMin, dates.updatedMax)]
        where min != nil || max != nil {
            let order = ListOrder(column: column, ascending: true, tiesAscending: true)
            guard let (start, end) = try anchors.window(from: min, to: max, partition(of: query), order, in: db) else { return nil }
            size = Swift.min(size ?? .max, end - start)
        }
        return size
    }

    /// The total of a partition's list and, when `rows`, a page of it walked from the nearest anchor.
    private static func anchoredPage(
        _ query: OrderQuery, partition: OrderListPartition, order: ListOrder, rows: Bool, anchors: OrderListAnchors, in db: Database
    ) throws -> (ids: [Int64], total: Int)? {
        let target = query.offset
        guard let (total, anchor) = try anchors.resolve(partition, order, in: db, { ranks in
            // The total needs the anchors anyway, so every page past the first anchor starts from one.
            (ranks.rows, target >= AnchorSet.spacing(order) ? ranks.anchor(atOrBefore: target) : nil)
        }) else { return nil }
        guard rows, let limit = query.limit else {
            return (rows ? try OrderRepository.pageIDs(query, in: db) : [], total)  // every row: the plain query's
        }
        // No more rows than the list has left: a walk that filters (a window's dates) would otherwise go on past
        // the window's last row to the end of the index looking for more.
        guard target < total else { return ([], total) }
        var (whereSQL, arguments) = OrderList.partitionClause(partition)
        var clauses = [whereSQL]
        if let anchor { ListKeySQL.appendFrom(anchor.key, order, alias: "o", to: &clauses, &arguments) }
        return (try page(clauses, arguments, partition: partition, order: order, query: query, limit: min(limit, total - target),
                         skip: target - (anchor?.rank ?? 0), cached: partition.dates.isEmpty, in: db), total)
    }

    /// The ids of a page: the walk of the order's index under `clauses`, `skip` rows in.
    private static func page(
        _ clauses: [String], _ arguments: [SQLValue], partition: OrderListPartition, order: ListOrder, query: OrderQuery,
        limit: Int, skip: Int, cached: Bool, in db: Database
    ) throws -> [Int64] {
        let sql = "SELECT o.id FROM orders o \(OrderList.indexHint(partition, order)) WHERE " + clauses.joined(separator: " AND ")
            + " ORDER BY " + query.orderClause() + " LIMIT ? OFFSET ?"
        // `cached` for the common texts: without dates, 3 keys × 2 directions × 3 status forms × with and without an
        // anchor. A window's own anchors give texts that vary with the bounds, prepared for the request (issue 9).
        let statement = try db.statement(sql, cached: cached)
        var ids: [Int64] = []
        ids.reserveCapacity(min(limit, 1_100))
        try statement.forEach(arguments + [.integer(Int64(limit)), .integer(Int64(skip))]) { ids.append($0.int64(at: 0)) }
        return ids
    }

    /// A page of order ids in order, when `rows`, and the total the page belongs to. On PostgreSQL always the plain
    /// query, as customers' lists there (``CustomerListPlan``): with several writers a change-log entry may become
    /// visible out of sequence order, so anchors kept by the log could miss a change (docs/scale-out.md §2), and
    /// the planner has statistics, so no index hints either.
    package static func run(_ query: OrderQuery, rows: Bool, anchors: OrderListAnchors?, in db: Database) throws -> (ids: [Int64], total: Int) {
        if let anchors, db.dialect == .sqlite, let order = order(of: query) {
            let dates = query.post.dates
            if dates.isEmpty {
                if let result = try anchoredPage(query, partition: partition(of: query), order: order, rows: rows, anchors: anchors, in: db) {
                    return result
                }
            } else if let window = windowColumn(dates), window.column == order.column {
                if let result = try rankedWindowPage(query, order: order, min: window.min, max: window.max, rows: rows,
                                                     anchors: anchors, in: db) {
                    return result
                }
            } else if let size = try windowSize(query, anchors: anchors, in: db), size > smallWindow,
                      let result = try anchoredPage(query, partition: partition(of: query, dates: dates), order: order,
                                                    rows: rows, anchors: anchors, in: db) {
                return result
            }
        }
        return (rows ? try OrderRepository.pageIDs(query, in: db) : [], try OrderRepository.count(query, in: db))
    }
}
