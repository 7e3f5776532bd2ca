import SQLite
import Storage

/// SQL for orders and their items. Every value is bound; the only SQL composed at run time
/// is the list's WHERE and ORDER BY, built from fixed fragments chosen by a validated ``OrderQuery``.
package enum OrderRepository {
    static let byID = SQL("SELECT \(OrderColumn.list()) FROM orders WHERE id = ?")
    /// An order's items with what a read shows of their products. `nullif` keeps lines without a product (and
    /// without a variation) from probing the products table at all.
    static let itemsByOrder = itemsByOrderSQL("coalesce(p.downloadable AND p.virtual, 0)",
                                              "coalesce(v.downloadable AND v.virtual, 0)")
    /// ``itemsByOrder`` for PostgreSQL, where `AND` takes booleans only (the flags are BIGINT 0 or 1): the same 1
    /// or 0, and 0 for a line whose product is gone.
    static let itemsByOrderPostgres = itemsByOrderSQL(
        "CASE WHEN p.downloadable <> 0 AND p.virtual <> 0 THEN 1 ELSE 0 END",
        "CASE WHEN v.downloadable <> 0 AND v.virtual <> 0 THEN 1 ELSE 0 END")
    private static func itemsByOrderSQL(_ productFlags: String, _ variationFlags: String) -> SQL {
        SQL("""
            SELECT \(OrderItemColumn.list(prefix: "i.")), p.sku, \(productFlags),
                   v.sku, \(variationFlags), CASE WHEN i.meta IS NOT NULL THEN p.attributes END
            FROM order_items i
            LEFT JOIN products p ON p.id = nullif(i.product_id, 0)
            LEFT JOIN products v ON v.id = nullif(i.variation_id, 0)
            WHERE i.order_id = ? ORDER BY i.id
            """)
    }
    static let insertOrder = SQL("INSERT INTO orders (\(OrderColumn.list())) VALUES (\(OrderColumn.placeholders))")
    static let updateOrder = SQL(
        "UPDATE orders SET \(OrderColumn.assignments(Array(OrderColumn.allCases.dropFirst()))) WHERE id = ?1")
    /// An item's columns bound by ``insertItem``: `?1` is the order, then every column after `id` at its parameter.
    static let insertItem = SQL("""
        INSERT INTO order_items (order_id, \(OrderItemColumn.list(OrderItemColumn.written)))
        VALUES (?1, \(OrderItemColumn.written.map { "?\($0.parameter)" }.joined(separator: ", ")))
        """)
    /// ``insertItem`` for PostgreSQL, which has no last-insert rowid: the id comes back as the statement's row.
    static let insertItemReturning = SQL(insertItem.text + " RETURNING id")
    /// ``updateItem`` rewrites every written column but the type, by `id` (`?1`).
    static let updateItem = SQL(
        "UPDATE order_items SET \(OrderItemColumn.assignments(OrderItemColumn.written.filter { $0 != .type })) WHERE id = ?1")
    /// ``updateItem`` for PostgreSQL, which refuses a statement that leaves a parameter unused (it cannot tell the
    /// type of `?2`, the item's type). The item changed is one of the order's found by id and type
    /// (``OrderWrites/applyLines(_:to:in:)``), so the added condition holds for the row the id picks.
    static let updateItemPostgres = SQL(updateItem.text + " AND type = ?2")
    static let deleteItem = SQL("DELETE FROM order_items WHERE id = ?")
    static let deleteOrder = SQL("DELETE FROM orders WHERE id = ?")
    static let deletePost = SQL("DELETE FROM posts WHERE id = ?")
    static let customerOrderIDs = SQL(
        "SELECT id FROM orders WHERE customer_id = ? AND status <> 'trash' ORDER BY created_at, id")

    // MARK: Reads

    /// The order with `id` and its items, or nil.
    package static func load(_ id: Int64, in db: Database) throws -> OrderRecord? {
        let statement = try db.cachedStatement(byID)
        try statement.bind(id, at: 1)
        guard var record = try statement.first(nil, Self.record(from:)) else { return nil }
        let items = try db.cachedStatement(db.dialect == .postgres ? itemsByOrderPostgres : itemsByOrder)
        try items.bind(id, at: 1)
        record.items = try items.map(nil) { row in
            typealias C = OrderItemColumn
            var item = OrderItem(kind: OrderItem.Kind(rawValue: row.text(at: C.type.index)) ?? .lineItem)
            item.id = row.int64(at: C.id.index)
            item.name = row.text(at: C.name.index)
            item.productID = row.int64(at: C.productID.index)
            item.quantity = row.int64(at: C.quantity.index)
            item.taxClass = row.text(at: C.taxClass.index)
            item.methodID = row.text(at: C.methodID.index)
            item.subtotal = row.double(at: C.subtotal.index)
            item.total = row.double(at: C.total.index)
            item.variationID = row.int64(at: C.variationID.index)
            if item.kind == .lineItem { readProduct(row, into: &item) }
            return item
        }
        return record
    }

    /// What a line shows of its product (decisions #34, products-orders §7.5): the variation while it exists, else the product
    /// while it exists, else id 0 and no SKU; and its meta, labelled with the product's attribute names, leaving
    /// out empty values and (for a variation) values its name already shows.
    private static func readProduct(_ row: Statement, into item: inout OrderItem) {
        typealias C = OrderItemColumn
        if !row.isNull(at: C.meta.index) { item.meta = ProductAttributes.decode(row.text(at: C.meta.index)).values }
        // `sku` is never NULL in products: a NULL one means the LEFT JOIN found no row.
        let productExists = !row.isNull(at: C.productSKU), variationExists = !row.isNull(at: C.variationSKU)
        if variationExists {
            item.shownProductID = item.variationID
            let sku = row.text(at: C.variationSKU)
            // A variation without a SKU of its own shows its parent's.
            item.sku = sku.isEmpty && productExists ? row.text(at: C.productSKU) : sku
            item.downloadableAndVirtual = row.int64(at: C.variationDownloadableAndVirtual) != 0
        } else if productExists {
            item.shownProductID = item.productID
            item.sku = row.text(at: C.productSKU)
            item.downloadableAndVirtual = row.int64(at: C.productDownloadableAndVirtual) != 0
        }
        guard !item.meta.isEmpty else { return }
        let attributes = row.isNull(at: C.productAttributes) ? [] : ProductAttributes.decode(row.text(at: C.productAttributes)).attributes
        let name = item.name.lowercased()
        for entry in item.meta where !entry.value.isEmpty && !entry.key.hasPrefix("_") {
            // `wc_is_attribute_in_product_name`: " value," inside the name, or the name ending in " value".
            let value = entry.value.lowercased()
            if variationExists && (name.contains(" " + value + ",") || name.hasSuffix(" " + value)) { continue }
            let key = entry.key.hasPrefix("attribute_") ? String(entry.key.dropFirst(10)) : entry.key
            let label = attributes.first { $0.key == Sanitize.title(key) }?.name ?? key
            item.shownMeta.append(ItemMeta(key: entry.key, value: entry.value, label: label))
        }
    }

    private static func record(from row: Statement) -> OrderRecord {
        typealias C = OrderColumn
        var r = OrderRecord()
        r.id = row.int64(at: C.id.index)
        r.orderKey = row.text(at: C.orderKey.index)
        r.customerID = row.int64(at: C.customerID.index)
        r.status = row.text(at: C.status.index)
        r.currency = row.text(at: C.currency.index)
        r.total = row.double(at: C.total.index)
        r.shippingTotal = row.double(at: C.shippingTotal.index)
        r.discountTotal = row.double(at: C.discountTotal.index)
        r.paymentMethod = row.text(at: C.paymentMethod.index)
        r.paymentMethodTitle = row.text(at: C.paymentMethodTitle.index)
        r.transactionID = row.text(at: C.transactionID.index)
        r.paidAt = row.isNull(at: C.paidAt.index) ? nil : row.int64(at: C.paidAt.index)
        r.completedAt = row.isNull(at: C.completedAt.index) ? nil : row.int64(at: C.completedAt.index)
        r.note = row.text(at: C.note.index)
        r.customerIP = row.text(at: C.customerIP.index)
        r.customerUserAgent = row.text(at: C.customerUserAgent.index)
        r.meta = row.text(at: C.orderMeta.index)
        r.downloadsGranted = row.int64(at: C.downloadsGranted.index) != 0
        r.salesRecorded = row.int64(at: C.salesRecorded.index) != 0
        r.createdAt = row.int64(at: C.createdAt.index)
        r.updatedAt = row.int64(at: C.updatedAt.index)
        r.billing = Address(.billing, Address.billingKeys.indices.map { Optional(row.text(at: C.billingFirstName.index + $0)) })
        r.shipping = Address(.shipping, Address.shippingKeys.indices.map { Optional(row.text(at: C.shippingFirstName.index + $0)) })
        return r
    }

    /// A customer's orders in any registered status, oldest first (customers §10.1).
    package static func customerOrderIDs(_ customerID: Int64, in db: Database) throws -> [Int64] {
        let statement = try db.cachedStatement(customerOrderIDs)
        try statement.bind(customerID, at: 1)
        return try statement.map(nil) { $0.int64(at: 0) }
    }

    /// The ids of one page of orders matching `query`, in its order.
    package static func pageIDs(_ query: OrderQuery, in db: Database) throws -> [Int64] {
        var (whereSQL, arguments) = query.whereClause(db.dialect)
        var sql = "SELECT o.id FROM orders o WHERE " + whereSQL + " ORDER BY " + query.orderClause()
        if let limit = query.limit {
            sql += " LIMIT ? OFFSET ?"
            arguments += [.integer(Int64(limit)), .integer(Int64(query.offset))]
        }
        return try db.statement(sql, cached: query.hasCommonShape).map(arguments) { $0.int64(at: 0) }
    }

    /// How many orders match `query`, ignoring limit and offset.
    package static func count(_ query: OrderQuery, in db: Database) throws -> Int {
        let (whereSQL, arguments) = query.whereClause(db.dialect)
        let sql = "SELECT count(*) FROM orders o WHERE " + whereSQL
        return try db.statement(sql, cached: query.hasCommonFilters).first(arguments) { $0.int(at: 0) } ?? 0
    }

    /// Orders per registered status (`status=any` on the count).
    package static func countsByStatus(in db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try db.cachedStatement("SELECT status, count(*) FROM orders GROUP BY status").forEach(nil) { row in
            counts[row.text(at: 0)] = row.int(at: 1)
        }
        return counts
    }

    // MARK: Writes (writer thread only)

    /// Takes the next post id (shared with products) for an object of `type`.
    static func newPostID(type: String, in db: Database) throws -> Int64 {
        try PostIDs.next(type: type, in: db)
    }

    /// Inserts the order's row (not its items). On a distributed database its customer's figures are counted
    /// again here (``Bookkeeping``); elsewhere the schema's triggers do it.
    static func insert(_ record: OrderRecord, in db: Database) throws {
        try bindAll(record, to: db.cachedStatement(insertOrder)).execute()
        try Bookkeeping.ordersWritten(customers: [record.customerID], in: db)
    }

    /// Rewrites the order's row (not its items), and on a distributed database the figures of the customer it
    /// had and the one it has.
    static func update(_ record: OrderRecord, in db: Database) throws {
        let previous = try Bookkeeping.customer(ofOrder: record.id, in: db)
        try bindAll(record, to: db.cachedStatement(updateOrder)).execute()
        try Bookkeeping.ordersWritten(customers: [previous, record.customerID], in: db)
    }

    /// Binds every column of the record, each at its ``OrderColumn`` parameter.
    private static func bindAll(_ r: OrderRecord, to statement: Statement) throws -> Statement {
        for column in OrderColumn.allCases { try statement.bind(value(of: column, in: r), at: column.parameter) }
        return statement
    }

    /// What column `column` stores of the record.
    private static func value(of column: OrderColumn, in r: OrderRecord) -> SQLValue {
        switch column {
        case .id: .integer(r.id)
        case .orderKey: .text(r.orderKey)
        case .customerID: .integer(r.customerID)
        case .status: .text(r.status)
        case .currency: .text(r.currency)
        case .total: .real(r.total)
        case .totalCents: .integer(r.totalCents)
        case .shippingTotal: .real(r.shippingTotal)
        case .discountTotal: .real(r.discountTotal)
        case .paymentMethod: .text(r.paymentMethod)
        case .paymentMethodTitle: .text(r.paymentMethodTitle)
        case .transactionID: .text(r.transactionID)
        case .paidAt: r.paidAt.map { .integer($0) } ?? .null
        case .completedAt: r.completedAt.map { .integer($0) } ?? .null
        case .note: .text(r.note)
        case .customerIP: .text(r.customerIP)
        case .customerUserAgent: .text(r.customerUserAgent)
        case .orderMeta: .text(r.meta)
        case .downloadsGranted: .integer(r.downloadsGranted ? 1 : 0)
        case .salesRecorded: .integer(r.salesRecorded ? 1 : 0)
        case .createdAt: .integer(r.createdAt)
        case .updatedAt: .integer(r.updatedAt)
        default:
            column.index < OrderColumn.shippingFirstName.index
                ? .text(r.billing.text(at: column.index - OrderColumn.billingFirstName.index))
                : .text(r.shipping.text(at: column.index - OrderColumn.shippingFirstName.index))
        }
    }

    /// Inserts an item of order `orderID`; returns its id.
    static func insertItem(_ item: OrderItem, orderID: Int64, in db: Database) throws -> Int64 {
        let postgres = db.dialect == .postgres
        let statement = try db.cachedStatement(postgres ? insertItemReturning : insertItem)
        for column in OrderItemColumn.allCases {
            try statement.bind(column == .id ? .integer(orderID) : value(of: column, in: item), at: column.parameter)
        }
        if postgres { return try PostIDs.returnedID(statement) }
        try statement.execute()
        return try db.lastInsertRowID()
    }

    /// Rewrites the item's columns (all but its type) by id.
    static func updateItem(_ item: OrderItem, in db: Database) throws {
        let statement = try db.cachedStatement(db.dialect == .postgres ? updateItemPostgres : updateItem)
        try statement.bind(OrderItemColumn.allCases.map { value(of: $0, in: item) })
        try statement.execute()
    }

    /// What column `column` stores of the item.
    private static func value(of column: OrderItemColumn, in item: OrderItem) -> SQLValue {
        switch column {
        case .id: .integer(item.id)
        case .type: .text(item.kind.rawValue)
        case .name: .text(item.name)
        case .productID: .integer(item.productID)
        case .quantity: .integer(item.quantity)
        case .taxClass: .text(item.taxClass)
        case .methodID: .text(item.methodID)
        case .subtotal: .real(item.subtotal)
        case .total: .real(item.total)
        case .variationID: .integer(item.variationID)
        case .meta: item.meta.isEmpty ? .null : .text(ProductAttributes.encode(item.meta))
        }
    }

    static func deleteItem(_ id: Int64, in db: Database) throws {
        let statement = try db.cachedStatement(deleteItem)
        try statement.bind(id, at: 1)
        try statement.execute()
    }

    /// Deletes the order, its items and permissions (cascade) and its post row.
    static func delete(_ id: Int64, in db: Database) throws {
        let previous = try Bookkeeping.customer(ofOrder: id, in: db)
        for sql in [deleteOrder, deletePost] {
            let statement = try db.cachedStatement(sql)
            try statement.bind(id, at: 1)
            try statement.execute()
        }
        try Bookkeeping.ordersWritten(customers: [previous], in: db)
    }
}
