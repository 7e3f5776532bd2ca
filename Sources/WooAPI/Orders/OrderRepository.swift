import SQLite

/// SQL for orders, their items and download permissions. Every value is bound; the only SQL composed at run time
/// is the list's WHERE and ORDER BY, built from fixed fragments chosen by a validated ``OrderQuery``.
package enum OrderRepository {
    static let addressColumns = Address.billingKeys.map { "billing_\($0)" } + Address.shippingKeys.map { "shipping_\($0)" }
    static let columnNames = [
        "id", "order_key", "customer_id", "status", "currency", "total", "total_cents", "shipping_total", "discount_total",
        "payment_method", "payment_method_title", "transaction_id", "paid_at", "completed_at", "note", "customer_ip",
        "customer_user_agent", "order_meta", "downloads_granted", "sales_recorded", "created_at", "updated_at",
    ] + addressColumns
    static let columns = columnNames.joined(separator: ", ")
    static let byID = SQL("SELECT \(columns) FROM orders WHERE id = ?")
    /// An order's items with what a read shows of their products. `nullif` keeps lines without a product (and
    /// without a variation) from probing the products table at all.
    static let itemsByOrder = SQL("""
        SELECT i.id, i.type, i.name, i.product_id, i.quantity, i.tax_class, i.method_id, i.subtotal, i.total,
               i.variation_id, i.meta, p.sku, coalesce(p.downloadable AND p.virtual, 0),
               v.sku, coalesce(v.downloadable AND v.virtual, 0), CASE WHEN i.meta IS NOT NULL THEN p.attributes END
        FROM order_items i
        LEFT JOIN products p ON p.id = nullif(i.product_id, 0)
        LEFT JOIN products v ON v.id = nullif(i.variation_id, 0)
        WHERE i.order_id = ? ORDER BY i.id
        """)
    static let insertPost = SQL("INSERT INTO posts (type) VALUES (?)")
    static let insertOrder = SQL(
        "INSERT INTO orders (\(columns)) VALUES (" + columnNames.indices.map { "?\($0 + 1)" }.joined(separator: ", ") + ")")
    static let updateOrder = SQL(
        "UPDATE orders SET " + columnNames.indices.dropFirst().map { "\(columnNames[$0]) = ?\($0 + 1)" }.joined(separator: ", ")
            + " WHERE id = ?1")
    static let insertItem = SQL("""
        INSERT INTO order_items (order_id, type, name, product_id, quantity, tax_class, method_id, subtotal, total,
          variation_id, meta)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    static let updateItem = SQL("""
        UPDATE order_items SET name = ?2, product_id = ?3, quantity = ?4, tax_class = ?5, method_id = ?6, subtotal = ?7,
          total = ?8, variation_id = ?9, meta = ?10 WHERE id = ?1
        """)
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
        let items = try db.cachedStatement(itemsByOrder)
        try items.bind(id, at: 1)
        record.items = try items.map(nil) { row in
            var item = OrderItem(kind: OrderItem.Kind(rawValue: row.text(at: 1)) ?? .lineItem)
            item.id = row.int64(at: 0)
            item.name = row.text(at: 2)
            item.productID = row.int64(at: 3)
            item.quantity = row.int64(at: 4)
            item.taxClass = row.text(at: 5)
            item.methodID = row.text(at: 6)
            item.subtotal = row.double(at: 7)
            item.total = row.double(at: 8)
            item.variationID = row.int64(at: 9)
            if item.kind == .lineItem { readProduct(row, into: &item) }
            return item
        }
        return record
    }

    /// What a line shows of its product (decisions #34, products-orders §7.5): the variation while it exists, else the product
    /// while it exists, else id 0 and no SKU; and its meta, labelled with the product's attribute names, leaving
    /// out empty values and (for a variation) values its name already shows.
    private static func readProduct(_ row: Statement, into item: inout OrderItem) {
        if !row.isNull(at: 10) { item.meta = ProductAttributes.decode(row.text(at: 10)).values }
        // `sku` is never NULL in products: a NULL one means the LEFT JOIN found no row.
        let productExists = !row.isNull(at: 11), variationExists = !row.isNull(at: 13)
        if variationExists {
            item.shownProductID = item.variationID
            let sku = row.text(at: 13)
            // A variation without a SKU of its own shows its parent's.
            item.sku = sku.isEmpty && productExists ? row.text(at: 11) : sku
            item.downloadableAndVirtual = row.int64(at: 14) != 0
        } else if productExists {
            item.shownProductID = item.productID
            item.sku = row.text(at: 11)
            item.downloadableAndVirtual = row.int64(at: 12) != 0
        }
        guard !item.meta.isEmpty else { return }
        let attributes = row.isNull(at: 15) ? [] : ProductAttributes.decode(row.text(at: 15)).attributes
        let name = item.name.lowercased()
        for entry in item.meta where !entry.value.isEmpty && !entry.key.hasPrefix("_") {
            // `wc_is_attribute_in_product_name`: " value," inside the name, or the name ending in " value".
            let value = entry.value.lowercased()
            if variationExists && (name.contains(" " + value + ",") || name.hasSuffix(" " + value)) { continue }
            let key = entry.key.hasPrefix("attribute_") ? String(entry.key.dropFirst(10)) : entry.key
            let label = attributes.first { $0.key == ProductText.sanitizeTitle(key) }?.name ?? key
            item.shownMeta.append(ItemMeta(key: entry.key, value: entry.value, label: label))
        }
    }

    private static func record(from row: Statement) -> OrderRecord {
        var r = OrderRecord()
        r.id = row.int64(at: 0)
        r.orderKey = row.text(at: 1)
        r.customerID = row.int64(at: 2)
        r.status = row.text(at: 3)
        r.currency = row.text(at: 4)
        r.total = row.double(at: 5)
        r.shippingTotal = row.double(at: 7)
        r.discountTotal = row.double(at: 8)
        r.paymentMethod = row.text(at: 9)
        r.paymentMethodTitle = row.text(at: 10)
        r.transactionID = row.text(at: 11)
        r.paidAt = row.isNull(at: 12) ? nil : row.int64(at: 12)
        r.completedAt = row.isNull(at: 13) ? nil : row.int64(at: 13)
        r.note = row.text(at: 14)
        r.customerIP = row.text(at: 15)
        r.customerUserAgent = row.text(at: 16)
        r.meta = row.text(at: 17)
        r.downloadsGranted = row.int64(at: 18) != 0
        r.salesRecorded = row.int64(at: 19) != 0
        r.createdAt = row.int64(at: 20)
        r.updatedAt = row.int64(at: 21)
        let first = 22
        r.billing = Address.billingKeys.indices.map { row.text(at: first + $0) }
        r.shipping = Address.shippingKeys.indices.map { row.text(at: first + Address.billingKeys.count + $0) }
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
        var (whereSQL, arguments) = query.whereClause()
        var sql = "SELECT o.id FROM orders o WHERE " + whereSQL + " ORDER BY " + query.orderClause()
        if let limit = query.limit {
            sql += " LIMIT ? OFFSET ?"
            arguments += [.integer(Int64(limit)), .integer(Int64(query.offset))]
        }
        return try db.statement(sql, cached: query.hasCommonShape).map(arguments) { $0.int64(at: 0) }
    }

    /// How many orders match `query`, ignoring limit and offset.
    package static func count(_ query: OrderQuery, in db: Database) throws -> Int {
        let (whereSQL, arguments) = query.whereClause()
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
        let statement = try db.cachedStatement(insertPost)
        try statement.bind(type, at: 1)
        try statement.execute()
        return db.lastInsertRowID
    }

    static func insert(_ record: OrderRecord, in db: Database) throws {
        try bindAll(record, to: db.cachedStatement(insertOrder)).execute()
    }

    static func update(_ record: OrderRecord, in db: Database) throws {
        try bindAll(record, to: db.cachedStatement(updateOrder)).execute()
    }

    private static func bindAll(_ r: OrderRecord, to statement: Statement) throws -> Statement {
        var values: [SQLiteValue] = [
            .integer(r.id), .text(r.orderKey), .integer(r.customerID), .text(r.status), .text(r.currency), .real(r.total),
            .integer(r.totalCents), .real(r.shippingTotal), .real(r.discountTotal), .text(r.paymentMethod),
            .text(r.paymentMethodTitle), .text(r.transactionID), r.paidAt.map { .integer($0) } ?? .null,
            r.completedAt.map { .integer($0) } ?? .null, .text(r.note), .text(r.customerIP), .text(r.customerUserAgent),
            .text(r.meta), .integer(r.downloadsGranted ? 1 : 0), .integer(r.salesRecorded ? 1 : 0), .integer(r.createdAt),
            .integer(r.updatedAt),
        ]
        values += r.billing.map { .text($0) } + r.shipping.map { .text($0) }
        try statement.bind(values)
        return statement
    }

    /// Inserts an item of order `orderID`; returns its id.
    static func insertItem(_ item: OrderItem, orderID: Int64, in db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(insertItem)
        try statement.bind([
            .integer(orderID), .text(item.kind.rawValue), .text(item.name), .integer(item.productID), .integer(item.quantity),
            .text(item.taxClass), .text(item.methodID), .real(item.subtotal), .real(item.total), .integer(item.variationID),
            item.meta.isEmpty ? .null : .text(ProductAttributes.encode(item.meta)),
        ])
        try statement.execute()
        return db.lastInsertRowID
    }

    static func updateItem(_ item: OrderItem, in db: Database) throws {
        let statement = try db.cachedStatement(updateItem)
        try statement.bind([
            .integer(item.id), .text(item.name), .integer(item.productID), .integer(item.quantity), .text(item.taxClass),
            .text(item.methodID), .real(item.subtotal), .real(item.total), .integer(item.variationID),
            item.meta.isEmpty ? .null : .text(ProductAttributes.encode(item.meta)),
        ])
        try statement.execute()
    }

    static func deleteItem(_ id: Int64, in db: Database) throws {
        let statement = try db.cachedStatement(deleteItem)
        try statement.bind(id, at: 1)
        try statement.execute()
    }

    /// Deletes the order, its items and permissions (cascade) and its post row.
    static func delete(_ id: Int64, in db: Database) throws {
        for sql in [deleteOrder, deletePost] {
            let statement = try db.cachedStatement(sql)
            try statement.bind(id, at: 1)
            try statement.execute()
        }
    }
}
