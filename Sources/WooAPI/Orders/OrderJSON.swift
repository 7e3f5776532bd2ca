import SQLite

/// How orders are shown to one request.
struct OrderView: Sendable {
    var publicURL: String
    /// `filter[dp]`: decimals of money values (2; create and edit responses always use 2).
    var dp = 2
    var fields: FieldFilter?
    /// `filter[meta]=true`: append `order_meta`.
    var meta = false
}

/// Writes orders in the exact v2 shape and key order (doc §3.1, spec §10.1), taxes off.
enum OrderJSON {
    static let keys: [(name: String, isObject: Bool)] = [
        ("id", false), ("order_number", false), ("created_at", false), ("updated_at", false), ("completed_at", false),
        ("status", false), ("currency", false), ("total", false), ("subtotal", false), ("total_line_items_quantity", false),
        ("total_tax", false), ("total_shipping", false), ("cart_tax", false), ("shipping_tax", false),
        ("total_discount", false), ("shipping_methods", false), ("payment_details", true), ("billing_address", true),
        ("shipping_address", true), ("note", false), ("customer_ip", false), ("customer_user_agent", false),
        ("customer_id", false), ("view_order_url", false), ("line_items", false), ("shipping_lines", false),
        ("tax_lines", false), ("fee_lines", false), ("coupon_lines", false), ("customer", true),
    ]

    /// The nested `customer` (spec §10.1): the live customer, or the guest shape built from the order's addresses.
    static func customer(of order: OrderRecord, in db: Database) throws -> [UInt8] {
        var writer = JSONWriter(capacity: 1100)
        if order.customerID > 0, try CustomerRepository.write(id: order.customerID, in: db, to: &writer) {
            return writer.bytes
        }
        writer = JSONWriter(capacity: 600)
        writer.beginObject()
        writer.key("id")
        writer.int(0)
        for (key, index) in [("email", 9), ("first_name", 0), ("last_name", 1)] {
            writer.key(key)
            writer.string(order.billing[index])
        }
        writer.key("billing_address")
        address(order.billing, keys: Address.billingKeys, rule: nil, to: &writer)
        writer.key("shipping_address")
        address(order.shipping, keys: Address.shippingKeys, rule: nil, to: &writer)
        writer.endObject()
        return writer.bytes
    }

    /// Writes the order, filtered by `view.fields` when given (an emptied object is `[]`, spec §3.5).
    static func write(_ order: OrderRecord, customer: [UInt8], view: OrderView, to writer: inout JSONWriter) {
        var members = keys
        if view.meta { members.append(("order_meta", true)) }
        let fields = view.fields
        let kept = members.filter { fields?.inclusion(of: $0.name, isObject: $0.isObject) ?? .whole != .excluded }
        if kept.isEmpty {
            writer.beginArray()
            writer.endArray()
            return
        }
        writer.beginObject()
        for key in kept {
            writer.key(key.name)
            let rule = fields?.inclusion(of: key.name, isObject: key.isObject) == .children ? fields : nil
            value(key.name, order, customer: customer, view: view, rule: rule, to: &writer)
        }
        writer.endObject()
    }

    private static func value(
        _ key: String, _ order: OrderRecord, customer: [UInt8], view: OrderView, rule: FieldFilter?, to writer: inout JSONWriter
    ) {
        func money(_ value: Double) { writer.string(OrderMoney.format(value, dp: view.dp)) }
        switch key {
        case "id": writer.int(Int(order.id))
        case "order_number": writer.string(String(order.id))
        case "created_at": APIDate.write(order.createdAt, to: &writer)
        case "updated_at": APIDate.write(order.updatedAt, to: &writer)
        case "completed_at": APIDate.write(order.completedAt ?? 0, to: &writer)
        case "status": writer.string(order.status)
        case "currency": writer.string(order.currency)
        case "total": money(order.total)
        case "subtotal": money(order.subtotal)
        case "total_line_items_quantity": writer.int(Int(order.items(.lineItem).reduce(0) { $0 &+ $1.quantity }))
        case "total_tax", "cart_tax", "shipping_tax": money(0)
        case "total_shipping": money(order.shippingTotal)
        case "total_discount": money(order.discountTotal)
        case "shipping_methods": writer.string(order.items(.shipping).map(shippingTitle).joined(separator: ", "))
        case "payment_details":
            object(rule, [
                ("method_id", { $0.string(order.paymentMethod) }),
                ("method_title", { $0.string(order.paymentMethodTitle) }),
                ("paid", { $0.bool(order.paidAt != nil) }),
            ], to: &writer)
        case "billing_address": address(order.billing, keys: Address.billingKeys, rule: rule, to: &writer)
        case "shipping_address": address(order.shipping, keys: Address.shippingKeys, rule: rule, to: &writer)
        case "note": writer.string(order.note)
        case "customer_ip": writer.string(order.customerIP)
        case "customer_user_agent": writer.string(order.customerUserAgent)
        case "customer_id": writer.int(Int(order.customerID))
        case "view_order_url": writer.string(view.publicURL + "/my-account/view-order/\(order.id)/")
        case "line_items":
            writer.beginArray()
            for item in order.items(.lineItem) {
                writer.beginObject()
                writer.key("id"); writer.int(Int(item.id))
                writer.key("subtotal"); money(item.subtotal)
                writer.key("subtotal_tax"); money(0)
                writer.key("total"); money(item.total)
                writer.key("total_tax"); money(0)
                writer.key("price"); money(item.quantity == 0 ? 0 : item.total / Double(item.quantity))
                writer.key("quantity"); writer.int(Int(item.quantity))
                writer.key("tax_class"); writer.string(item.taxClass)
                writer.key("name"); writer.string(item.name)
                writer.key("product_id"); writer.int(Int(item.productID))
                writer.key("sku")
                if let sku = item.sku { writer.string(sku) } else { writer.null() }
                writer.key("meta"); writer.beginArray(); writer.endArray()
                writer.endObject()
            }
            writer.endArray()
        case "shipping_lines":
            writer.beginArray()
            for item in order.items(.shipping) {
                writer.beginObject()
                writer.key("id"); writer.int(Int(item.id))
                writer.key("method_id"); writer.string(item.methodID)
                writer.key("method_title"); writer.string(shippingTitle(item))
                writer.key("total"); money(item.total)
                writer.endObject()
            }
            writer.endArray()
        case "tax_lines":
            writer.beginArray()
            writer.endArray()
        case "fee_lines":
            writer.beginArray()
            for item in order.items(.fee) {
                writer.beginObject()
                writer.key("id"); writer.int(Int(item.id))
                writer.key("title"); writer.string(item.name.isEmpty ? "Fee" : item.name)
                writer.key("tax_class"); writer.string(item.taxClass)
                writer.key("total"); money(OrderMoney.round(item.total))
                writer.key("total_tax"); money(0)
                writer.endObject()
            }
            writer.endArray()
        case "coupon_lines":
            writer.beginArray()
            for item in order.items(.coupon) {
                writer.beginObject()
                writer.key("id"); writer.int(Int(item.id))
                writer.key("code"); writer.string(item.name)
                writer.key("amount"); money(item.total)
                writer.endObject()
            }
            writer.endArray()
        case "customer": filtered(customer, rule: rule, to: &writer)
        default: filtered(Array(order.meta.utf8), rule: rule, to: &writer)  // order_meta
        }
    }

    private static func shippingTitle(_ item: OrderItem) -> String { item.name.isEmpty ? "Shipping" : item.name }

    private static func object(_ rule: FieldFilter?, _ members: [(String, (inout JSONWriter) -> Void)], to writer: inout JSONWriter) {
        let kept = rule.map { rule in members.filter { rule.keepsChild($0.0) } } ?? members
        if rule != nil && kept.isEmpty {
            writer.beginArray()
            writer.endArray()
            return
        }
        writer.beginObject()
        for (key, write) in kept {
            writer.key(key)
            write(&writer)
        }
        writer.endObject()
    }

    static func address(_ values: [String], keys: [String], rule: FieldFilter?, to writer: inout JSONWriter) {
        object(rule, zip(keys, values).map { key, value in (key, { $0.string(value) }) }, to: &writer)
    }

    /// Already-encoded object bytes, or only the children a `parent.child` rule keeps.
    private static func filtered(_ bytes: [UInt8], rule: FieldFilter?, to writer: inout JSONWriter) {
        guard let rule else {
            writer.raw(bytes)
            return
        }
        let members = (try? JSONParser.parse(bytes))?.objectValue?.members ?? []
        object(rule, members.map { member in (member.key, { $0.value(member.value) }) }, to: &writer)
    }
}
