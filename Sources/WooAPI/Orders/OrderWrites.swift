import SQLite

/// Who is writing and from where: what an order records about its creation (products-orders §3.1 rows 21–22).
struct OrderWriteContext: Sendable {
    var now: Int64
    var clientIP = ""
    var userAgent = ""
}

/// Order creates, edits and deletes, run on the writer thread inside one savepoint each: every check happens
/// before or inside the same transaction, so a 4xx leaves nothing behind (decisions #10), not even a post id.
enum OrderWrites {
    static let userEmail = SQL("SELECT email FROM users WHERE id = ?")
    static let productBySKU = SQL("SELECT id FROM products WHERE sku = ? AND status <> 'trash' ORDER BY id LIMIT 1")
    static let recordSales = SQL("UPDATE products SET total_sales = total_sales + ? WHERE id = ?")
    static let insertPermission = SQL("""
        INSERT INTO download_permissions (download_id, product_id, user_id, user_email, order_id, order_key,
          downloads_remaining, access_granted, access_expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    /// Writes the given address keys to the customer too (products-orders §4.4): NULL keeps a column.
    static let customerAddress = SQL(
        "UPDATE users SET " + OrderRepository.addressColumns.enumerated()
            .map { "\($0.element) = coalesce(?\($0.offset + 2), \($0.element))" }.joined(separator: ", ") + " WHERE id = ?1")

    // MARK: Validation shared by read, edit and delete (products-orders §4.1)

    /// The order with `id`, or the real store's 404s.
    static func existing(_ id: Int64, in db: Database) throws -> OrderRecord {
        if let order = try OrderRepository.load(id, in: db) { return order }
        guard try ProductRepository.postType(of: id, in: db) != nil else { throw OrderErrors.notFound(id) }
        throw OrderErrors.invalidOrder
    }

    // MARK: Create

    static func create(_ input: OrderInput, context: OrderWriteContext, in db: Database) throws -> Int64 {
        var order = OrderRecord()
        if let customerID = input.customerID, customerID != 0 {
            guard try CustomerRepository.role(of: customerID, in: db) != nil else { throw OrderErrors.invalidCustomer }
            order.customerID = customerID
        }
        order.id = try OrderRepository.newPostID(type: "shop_order", in: db)
        order.orderKey = "wc_order_" + Crypto.hex(Crypto.randomBytes(7)).prefix(13)
        order.currency = input.currency ?? "USD"
        order.note = input.note ?? ""
        order.customerIP = context.clientIP
        order.customerUserAgent = context.userAgent
        order.createdAt = context.now
        order.updatedAt = context.now
        try applyAddresses(input, to: &order, customer: order.customerID, in: db)
        try OrderRepository.insert(order, in: db)

        try applyLines(input, to: &order, in: db)
        order.calculateTotals()
        if let payment = input.payment {
            guard let id = payment.methodID, !id.isEmpty, let title = payment.methodTitle, !title.isEmpty else {
                throw OrderErrors.invalidPaymentDetails
            }
            order.paymentMethod = id
            order.paymentMethodTitle = title
        }
        if let meta = input.meta { order.meta = mergedMeta(order.meta, meta) }
        // Fix of products-orders §6 Q2: the requested status is entered once the lines exist, so its effects (downloads,
        // sales, paid date) see them; the real store runs them on an empty order and never again.
        if let status = input.status { try setStatus(&order, to: status, now: context.now, in: db) }
        if let payment = input.payment, payment.paid {
            try completePayment(&order, transactionID: payment.transactionID, now: context.now, in: db)
        }
        try OrderRepository.update(order, in: db)
        return order.id
    }

    // MARK: Edit (products-orders §4.7)

    static func update(
        id: Int64, _ parsed: Result<OrderInput, APIError>, canEdit: Bool, context: OrderWriteContext, in db: Database
    ) throws {
        var order = try existing(id, in: db)
        guard canEdit else { throw OrderErrors.cannot("edit") }
        let input = try parsed.get()
        let previousCustomer = order.customerID
        let totalBefore = order.total
        if let customerID = input.customerID, customerID != order.customerID {
            guard customerID != 0, try CustomerRepository.role(of: customerID, in: db) != nil else {
                throw OrderErrors.invalidCustomer
            }
            order.customerID = customerID
        }
        try applyAddresses(input, to: &order, customer: previousCustomer, in: db)
        let linesGiven = input.lineItems != nil || input.shippingLines != nil || input.feeLines != nil || input.couponLines != nil
        try applyLines(input, to: &order, in: db)
        if let payment = input.payment {
            if let id = payment.methodID { order.paymentMethod = id }
            if let title = payment.methodTitle { order.paymentMethodTitle = title }
            // Only an order that needs payment (pending or failed, with a total) is completed (products-orders §4.6).
            if payment.paid && ["pending", "failed"].contains(order.status) && totalBefore > 0 {
                try completePayment(&order, transactionID: payment.transactionID, now: context.now, in: db)
            }
        }
        if let currency = input.currency { order.currency = currency }
        if linesGiven { order.calculateTotals() }
        if let meta = input.meta { order.meta = mergedMeta(order.meta, meta) }
        if let note = input.note, note != order.note {
            order.note = note
            order.updatedAt = context.now
        }
        if let status = input.status { try setStatus(&order, to: status, now: context.now, in: db) }
        try OrderRepository.update(order, in: db)
    }

    // MARK: Delete (products-orders §4.8)

    static func delete(id: Int64, force: Bool, canDelete: Bool, now: Int64, in db: Database) throws {
        var order = try existing(id, in: db)
        guard canDelete else { throw OrderErrors.cannot("delete") }
        if force {
            try OrderRepository.delete(id, in: db)
            return
        }
        // Re-trashing is refused (the real store answers 500 here; we answer 400 with its code and message).
        guard order.status != "trash" else { throw OrderErrors.cannotDelete }
        order.status = "trash"
        order.updatedAt = now
        try OrderRepository.update(order, in: db)
    }

    // MARK: Status transitions (products-orders §5)

    /// Moves the order to `status` and runs the transition's effects (products-orders §5.2, §5.3).
    static func setStatus(_ order: inout OrderRecord, to status: String, now: Int64, in db: Database) throws {
        guard status != order.status else { return }
        order.status = status
        order.updatedAt = now
        // `maybe_set_date_paid`: reaching the payment-complete status, or `completed` past it, records the payment.
        if order.paidAt == nil && (status == order.paymentCompleteStatus || status == "completed") { order.paidAt = now }
        if status == "completed" { order.completedAt = now }
        if (status == "processing" || status == "completed") && !order.downloadsGranted {
            try grantDownloads(order, now: now, in: db)
            order.downloadsGranted = true
        }
        if ["processing", "completed", "on-hold"].contains(status) && !order.salesRecorded {
            for line in order.items(.lineItem) where line.productID > 0 {
                let statement = try db.cachedStatement(recordSales)
                try statement.bind([.integer(line.quantity), .integer(line.productID)])
                try statement.execute()
            }
            order.salesRecorded = true
        }
        // A refund for the whole amount is a post of its own: it uses up a post id, as on the real store.
        if status == "refunded" { _ = try OrderRepository.newPostID(type: "shop_order_refund", in: db) }
    }

    /// `payment_complete` (products-orders §4.6): from on-hold, pending, failed or cancelled only.
    static func completePayment(_ order: inout OrderRecord, transactionID: String?, now: Int64, in db: Database) throws {
        guard ["on-hold", "pending", "failed", "cancelled"].contains(order.status) else { return }
        if let transactionID, !transactionID.isEmpty { order.transactionID = transactionID }
        if order.paidAt == nil { order.paidAt = now }
        try setStatus(&order, to: order.paymentCompleteStatus, now: now, in: db)
    }

    /// One permission per downloadable file of each product line (products-orders §5.4).
    static func grantDownloads(_ order: OrderRecord, now: Int64, in db: Database) throws {
        let email = order.billing[Address.billingKeys.firstIndex(of: "email")!]
        for line in order.items(.lineItem) {
            // The line's product as `get_product` finds it: its variation, if it names one (products-orders §7.5).
            let soldID = line.variationID != 0 ? line.variationID : line.productID
            guard let product = try ProductRepository.load(soldID, in: db), product.downloadable, !product.isVariable else { continue }
            let remaining = product.downloadLimit < 0 ? "" : String(product.downloadLimit.multipliedReportingOverflow(by: line.quantity).partialValue)
            var expires: SQLiteValue = .null
            if product.downloadExpiry > 0 {
                // Midnight of the completed date (or today) plus the expiry days, capped at the year 9999.
                let start = (order.completedAt ?? now)
                let midnight = start - ((start % 86_400) + 86_400) % 86_400
                let days = min(product.downloadExpiry, 3_000_000)
                expires = .integer(min(midnight + days * 86_400, 253_402_214_400))
            }
            for file in product.downloads {
                let statement = try db.cachedStatement(insertPermission)
                try statement.bind([
                    .text(file.id), .integer(product.id), .integer(order.customerID), .text(email), .integer(order.id),
                    .text(order.orderKey), .text(remaining), .integer(now), expires,
                ])
                try statement.execute()
            }
        }
    }

    // MARK: Addresses and lines

    /// Merges the given address keys into the order and, when it has a customer, into the customer (products-orders §4.4);
    /// an empty billing email is filled from the customer's account email.
    static func applyAddresses(_ input: OrderInput, to order: inout OrderRecord, customer: Int64, in db: Database) throws {
        for (index, value) in input.billing { order.billing[index] = value }
        for (index, value) in input.shipping { order.shipping[index] = value }
        if customer > 0 && !(input.billing.isEmpty && input.shipping.isEmpty) {
            var values: [SQLiteValue] = [.integer(customer)]
            values += Address.billingKeys.indices.map { input.billing[$0].map { .text($0) } ?? .null }
            values += Address.shippingKeys.indices.map { input.shipping[$0].map { .text($0) } ?? .null }
            let statement = try db.cachedStatement(customerAddress)
            try statement.bind(values)
            try statement.execute()
        }
        let emailIndex = Address.billingKeys.firstIndex(of: "email")!
        if order.billing[emailIndex].isEmpty && order.customerID > 0 {
            let statement = try db.cachedStatement(userEmail)
            try statement.bind(order.customerID, at: 1)
            order.billing[emailIndex] = try statement.first(nil) { $0.text(at: 0) } ?? ""
        }
    }

    /// Applies every given line array in the real store's order: products, shipping, fees, coupons.
    static func applyLines(_ input: OrderInput, to order: inout OrderRecord, in db: Database) throws {
        let arrays: [(OrderItem.Kind, [LineInput]?)] = [
            (.lineItem, input.lineItems), (.shipping, input.shippingLines), (.fee, input.feeLines), (.coupon, input.couponLines),
        ]
        for (kind, lines) in arrays {
            for line in lines ?? [] {
                guard let id = line.id else {
                    var item = try newItem(kind, line, in: db)
                    item.id = try OrderRepository.insertItem(item, orderID: order.id, in: db)
                    order.items.append(item)
                    continue
                }
                // Fix of products-orders §6 Q9: an item must belong to this order (and be of this kind) to be changed or deleted.
                guard let index = order.items.firstIndex(where: { $0.id == id && $0.kind == kind }) else {
                    throw OrderErrors.invalidItemID
                }
                if line.delete {
                    try OrderRepository.deleteItem(id, in: db)
                    order.items.remove(at: index)
                    continue
                }
                try change(&order.items[index], line, in: db)
                try OrderRepository.updateItem(order.items[index], in: db)
            }
        }
    }

    /// A new item from a create entry (products-orders §4.3), checked in the real store's order.
    static func newItem(_ kind: OrderItem.Kind, _ line: LineInput, in db: Database) throws -> OrderItem {
        var item = OrderItem(kind: kind)
        switch kind {
        case .lineItem:
            let sold = try resolveProduct(line, in: db)
            guard let quantity = line.quantity else { throw OrderErrors.quantityRequired }
            item.quantity = try checkedQuantity(quantity)
            sold.apply(to: &item)
            let lineTotal = (ProductPrices.numericValue(sold.price) ?? 0) * Double(item.quantity)
            item.total = line.total ?? lineTotal
            item.subtotal = line.subtotal ?? (line.total.map { max(lineTotal, $0) } ?? lineTotal)
        case .shipping:
            guard let methodID = line.methodID, !methodID.isEmpty else { throw OrderErrors.shippingMethodRequired }
            item.methodID = methodID
            item.name = line.methodTitle ?? ""
            item.total = line.total ?? 0
        case .fee:
            guard let title = line.title else { throw OrderErrors.feeTitleRequired }
            item.name = title
            item.taxClass = line.taxClass ?? ""
            item.total = line.total ?? 0
        case .coupon:
            guard let code = line.code, !code.isEmpty else { throw OrderErrors.couponCodeRequired }
            item.name = code
            item.total = line.amount ?? 0
        }
        return item
    }

    /// Applies an update entry to an existing item: only the given keys change (products-orders §4.3, §4.7).
    static func change(_ item: inout OrderItem, _ line: LineInput, in db: Database) throws {
        switch item.kind {
        case .lineItem:
            // As on create, the product is required, and it must be this line's by `product_id` (an `sku` alone
            // does not match); the line is then written from it again, taking its current name (products-orders §4.3).
            guard line.productID != nil || line.sku != nil else { throw OrderErrors.productIDRequired }
            guard line.productID == item.productID || (item.variationID != 0 && line.productID == item.variationID) else {
                throw OrderErrors.productIDMismatch
            }
            try resolveProduct(line, in: db).apply(to: &item)
            if let quantity = line.quantity { item.quantity = try checkedQuantity(quantity) }
            // Omitting `total` keeps the old total even when the quantity changed (products-orders §6 Q8, matched).
            if let total = line.total { item.total = total }
            if let subtotal = line.subtotal { item.subtotal = subtotal }
        case .shipping:
            if let methodID = line.methodID { item.methodID = methodID }
            if let title = line.methodTitle { item.name = title }
            if let total = line.total { item.total = total }
        case .fee:
            if let title = line.title { item.name = title }
            if let taxClass = line.taxClass { item.taxClass = taxClass }
            if let total = line.total { item.total = total }
        case .coupon:
            if let code = line.code { item.name = code }
            if let amount = line.amount { item.total = amount }
        }
    }

    /// The line's product (products-orders §4.3, §7.5): `product_id` wins over `sku` (either may name a variation); with
    /// `variations`, the first of a variable product's variations whose values match them all (keys with or without
    /// `attribute_`/`pa_`, values in any case). Trashed and draft products are accepted.
    static func resolveProduct(_ line: LineInput, in db: Database) throws -> SoldProduct {
        guard line.productID != nil || line.sku != nil else { throw OrderErrors.productIDRequired }
        var id = line.productID
        if id == nil, let sku = line.sku {
            let statement = try db.cachedStatement(productBySKU)
            try statement.bind(sku, at: 1)
            id = try statement.first(nil) { $0.int64(at: 0) }
        }
        if line.variationsInvalid { throw OrderErrors.invalidVariation }
        guard let id, var product = try ProductRepository.load(id, in: db) else { throw OrderErrors.invalidProduct }
        var chosen: [(key: String, value: String)] = []
        if let wanted = line.variations, product.isVariable {
            let variations = try ProductRepository.variations(of: product.id, in: db)
            // Fix: a combination no variation has is refused; the real store would sell the parent at its lowest price.
            guard !variations.isEmpty || wanted.isEmpty else { throw OrderErrors.invalidVariation }
            if !variations.isEmpty {
                guard let match = variations.first(where: { matches(wanted, $0) }) else { throw OrderErrors.invalidVariation }
                product = match
                chosen = wanted
            }
        }
        if let quantity = line.quantity, quantity <= 0 { throw OrderErrors.quantityNotPositive }
        var sold = SoldProduct(product: product)
        if product.isVariation {
            let parent = try ProductRepository.load(product.parentID, in: db)
            let values = ProductAttributes.effectiveValues(product.variationValues, parent: parent?.attributes ?? [])
            if let parent { sold.name = ProductAttributes.variationTitle(parentTitle: parent.title, values: values) }
            sold.meta = values
            // `set_variation`: the client's own keys (less `attribute_`) and values replace the variation's.
            for (key, value) in chosen {
                let metaKey = key.hasPrefix("attribute_") ? String(key.dropFirst(10)) : key
                sold.meta.removeAll { $0.key == metaKey }
                sold.meta.append(VariationValue(key: metaKey, value: value))
            }
        } else if product.isVariable {
            sold.price = VariablePrices(try ProductRepository.variations(of: product.id, in: db)).price
        }
        return sold
    }

    /// `get_variation_id`'s test: every wanted key (less `attribute_` and `pa_`) has the wanted value, compared
    /// lower-cased, among the variation's values.
    private static func matches(_ wanted: [(key: String, value: String)], _ variation: ProductRecord) -> Bool {
        wanted.allSatisfy { key, value in
            let normalized = key.replacingOccurrences(of: "pa_", with: "").replacingOccurrences(of: "attribute_", with: "")
            return variation.variationValues.contains { $0.key == normalized && $0.value.lowercased() == value.lowercased() }
        }
    }

    /// A positive quantity stored as an integer; fix of products-orders §6 Q10: one that truncates to 0 (`0.5`) is refused.
    static func checkedQuantity(_ quantity: Double) throws(APIError) -> Int64 {
        guard quantity > 0 else { throw OrderErrors.quantityNotPositive }
        let stored = PHPInt.clamp(quantity)
        guard stored > 0 else { throw OrderErrors.quantityNotPositive }
        return stored
    }

    /// The stored meta object with the client's keys written over it.
    static func mergedMeta(_ stored: String, _ updates: [(String, JSONValue)]) -> String {
        var members = (try? JSONParser.parse(Array(stored.utf8)))?.objectValue?.members ?? []
        for (key, value) in updates {
            if let index = members.firstIndex(where: { $0.key == key }) { members[index].value = value } else { members.append((key, value)) }
        }
        var writer = JSONWriter(capacity: 64)
        writer.value(.object(JSONObject(members)))
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// What a product line sells (`WC_Order_Item_Product::set_product`, products-orders §7.5): the product or variation, its name
/// and price now, and for a variation its parent and attribute meta.
struct SoldProduct {
    var product: ProductRecord
    var name: String
    var price: String
    var meta: [VariationValue] = []

    init(product: ProductRecord) {
        self.product = product
        name = product.title
        price = product.price
    }

    /// Writes the product into a line: a variation keeps its parent in `product_id` (the real `_product_id`).
    func apply(to item: inout OrderItem) {
        if product.isVariation {
            item.productID = product.parentID
            item.variationID = product.id
        } else {
            item.productID = product.id
        }
        item.name = name
        item.meta = meta
        // What the payment-complete status depends on (products-orders §4.6): known now, not only once the order is re-read.
        item.downloadableAndVirtual = product.downloadable && product.virtual && !product.isVariable
    }
}
