import SQLite
import Storage

/// Who is writing and from where: what an order records about its creation (products-orders §3.1 rows 21–22).
struct OrderWriteContext: Sendable {
    var now: Int64
    var clientIP = ""
    var userAgent = ""
}

/// Order creates, edits and deletes, run on the writer thread inside one savepoint each: every check happens
/// before or inside the same transaction, so a 4xx leaves nothing behind (decisions #10), not even a post id.
enum OrderWrites {
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
        try Bookkeeping.lockCustomers([order.customerID], in: db)
        order.orderKey = "wc_order_" + Crypto.hex(Crypto.randomBytes(7)).prefix(13)
        order.currency = input.currency ?? "USD"
        order.note = input.note ?? ""
        order.customerIP = context.clientIP
        order.customerUserAgent = context.userAgent
        order.createdAt = context.now
        order.updatedAt = context.now
        try applyAddresses(input, to: &order, customer: order.customerID, in: db)
        order.items = try newLines(input, in: db)
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
        var effects = StatusEffects()
        if let status = input.status { effects.add(enter(status, &order, now: context.now)) }
        if let payment = input.payment, payment.paid {
            effects.add(completePayment(&order, transactionID: payment.transactionID, now: context.now))
        }
        // The id is taken only now, every check passed: on PostgreSQL a sequence does not give back an id its
        // transaction rolled back, so a refused create would otherwise leave a gap that SQLite's does not.
        order.id = try OrderRepository.newPostID(type: "shop_order", in: db)
        // The row goes in once, as it ends up (one index entry per list index, one change-log entry, one run of the
        // figures trigger); then its lines, and then the status's effects, in the order the real store writes them.
        try OrderRepository.insert(order, in: db)
        for index in order.items.indices {
            order.items[index].id = try OrderRepository.insertItem(order.items[index], orderID: order.id, in: db)
        }
        try write(effects, of: order, now: context.now, in: db)
        return order.id
    }

    // MARK: Edit (products-orders §4.7)

    static func update(
        id: Int64, _ parsed: Result<OrderInput, APIError>, canEdit: Bool, context: OrderWriteContext, in db: Database
    ) throws {
        try RowLocks.lockOrder(id, in: db)
        var order = try existing(id, in: db)
        guard canEdit else { throw OrderErrors.cannot("edit") }
        let input = try parsed.get()
        let previousCustomer = order.customerID
        try Bookkeeping.lockCustomers([previousCustomer, input.customerID], in: db)
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
                let effects = completePayment(&order, transactionID: payment.transactionID, now: context.now)
                try write(effects, of: order, now: context.now, in: db)
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
        try RowLocks.lockOrder(id, in: db)
        var order = try existing(id, in: db)
        guard canDelete else { throw OrderErrors.cannot("delete") }
        try Bookkeeping.lockCustomers([order.customerID], in: db)
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

    // MARK: Addresses

    /// Merges the given address keys into the order and, when it has a customer, into the customer (products-orders §4.4);
    /// an empty billing email is filled from the customer's account email.
    static func applyAddresses(_ input: OrderInput, to order: inout OrderRecord, customer: Int64, in db: Database) throws {
        order.billing.merge(input.billing)
        order.shipping.merge(input.shipping)
        if customer > 0 && !(input.billing.isEmpty && input.shipping.isEmpty) {
            try CustomerRepository.mergeAddresses(id: customer, billing: input.billing, shipping: input.shipping, in: db)
        }
        if order.billing.email?.isEmpty ?? true, order.customerID > 0 {
            order.billing[Address.emailIndex] = try CustomerRepository.email(of: order.customerID, in: db) ?? ""
        }
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
