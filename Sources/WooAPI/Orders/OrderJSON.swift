import SQLite
import Storage

/// How orders are shown to one request.
struct OrderView: Sendable {
    var publicURL: String
    /// `filter[dp]`: decimals of money values (2; create and edit responses always use 2).
    var dp = 2
    var fields: FieldFilter?
    /// `filter[meta]=true`: append `order_meta`.
    var meta = false
}

/// Writes orders in the exact v2 shape and key order (products-orders §3.1, customers §10.1), taxes off.
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

    /// The nested `customer` (customers §10.1): the live customer, or the guest shape built from the order's addresses.
    static func customer(of order: OrderRecord, in db: Database) throws -> [UInt8] {
        var writer = JSONWriter(capacity: 1100)
        if order.customerID > 0, try CustomerRepository.write(id: order.customerID, in: db, to: &writer) {
            return writer.bytes
        }
        writer = JSONWriter(capacity: 600)
        writer.beginObject()
        writer.key("id")
        writer.int(0)
        for (key, index) in [("email", Address.emailIndex), ("first_name", Address.firstNameIndex), ("last_name", Address.lastNameIndex)] {
            writer.key(key)
            writer.string(order.billing.text(at: index))
        }
        writer.key("billing_address")
        address(order.billing, rule: nil, to: &writer)
        writer.key("shipping_address")
        address(order.shipping, rule: nil, to: &writer)
        writer.endObject()
        return writer.bytes
    }

    /// Writes the order, filtered by `view.fields` when given (an emptied object is `[]`, customers §3.5).
    static func write(_ order: OrderRecord, customer: [UInt8], view: OrderView, to writer: inout JSONWriter) {
        let members = view.meta ? keys + [("order_meta", true)] : keys
        let lines = Lines(order)
        writer.filteredObject(members, fields: view.fields) { index, rule, writer in
            value(index, order, lines, customer: customer, view: view, rule: rule, to: &writer)
        }
    }

    /// The order's items by kind, split once per order.
    private struct Lines {
        var products: [OrderItem] = []
        var shipping: [OrderItem] = []
        var fees: [OrderItem] = []
        var coupons: [OrderItem] = []

        init(_ order: OrderRecord) {
            for item in order.items {
                switch item.kind {
                case .lineItem: products.append(item)
                case .shipping: shipping.append(item)
                case .fee: fees.append(item)
                case .coupon: coupons.append(item)
                }
            }
        }
    }

    /// Writes the value of `keys[index]` (index 30 is `order_meta`).
    private static func value(
        _ index: Int, _ order: OrderRecord, _ lines: Lines, customer: [UInt8], view: OrderView, rule: FieldFilter?,
        to writer: inout JSONWriter
    ) {
        func money(_ value: Double) { Money.write(value, dp: view.dp, to: &writer) }
        switch index {
        case 0: writer.int(Int(order.id))  // id
        case 1: writer.string(String(order.id))  // order_number
        case 2: APIDate.write(order.createdAt, to: &writer)
        case 3: APIDate.write(order.updatedAt, to: &writer)
        case 4: APIDate.write(order.completedAt ?? 0, to: &writer)
        case 5: writer.string(order.status)
        case 6: writer.string(order.currency)
        case 7: money(order.total)
        case 8: money(lines.products.reduce(0) { $0 + $1.subtotal })  // subtotal
        case 9: writer.int(Int(lines.products.reduce(0) { $0 &+ $1.quantity }))  // total_line_items_quantity
        case 10, 12, 13: money(0)  // total_tax, cart_tax, shipping_tax
        case 11: money(order.shippingTotal)
        case 14: money(order.discountTotal)
        case 15: writer.string(lines.shipping.map(shippingTitle).joined(separator: ", "))  // shipping_methods
        case 16:  // payment_details
            object(rule, [
                ("method_id", { $0.string(order.paymentMethod) }),
                ("method_title", { $0.string(order.paymentMethodTitle) }),
                ("paid", { $0.bool(order.paidAt != nil) }),
            ], to: &writer)
        case 17: address(order.billing, rule: rule, to: &writer)
        case 18: address(order.shipping, rule: rule, to: &writer)
        case 19: writer.string(order.note)
        case 20: writer.string(order.customerIP)
        case 21: writer.string(order.customerUserAgent)
        case 22: writer.int(Int(order.customerID))
        case 23: writer.string(view.publicURL + "/my-account/view-order/\(order.id)/")  // view_order_url
        case 24:  // line_items
            writer.beginArray()
            for item in lines.products {
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
                writer.key("product_id"); writer.int(Int(item.shownProductID))
                writer.key("sku")
                if let sku = item.sku { writer.string(sku) } else { writer.null() }
                writer.key("meta")
                writer.beginArray()
                for entry in item.shownMeta {
                    writer.stringObject("key", entry.key, "value", entry.value, "label", entry.label)
                }
                writer.endArray()
                writer.endObject()
            }
            writer.endArray()
        case 25:  // shipping_lines
            writer.beginArray()
            for item in lines.shipping {
                writer.beginObject()
                writer.key("id"); writer.int(Int(item.id))
                writer.key("method_id"); writer.string(item.methodID)
                writer.key("method_title"); writer.string(shippingTitle(item))
                writer.key("total"); money(item.total)
                writer.endObject()
            }
            writer.endArray()
        case 26:  // tax_lines
            writer.beginArray()
            writer.endArray()
        case 27:  // fee_lines
            writer.beginArray()
            for item in lines.fees {
                writer.beginObject()
                writer.key("id"); writer.int(Int(item.id))
                writer.key("title"); writer.string(item.name.isEmpty ? "Fee" : item.name)
                writer.key("tax_class"); writer.string(item.taxClass)
                writer.key("total"); money(Money.round(item.total))
                writer.key("total_tax"); money(0)
                writer.endObject()
            }
            writer.endArray()
        case 28:  // coupon_lines
            writer.beginArray()
            for item in lines.coupons {
                writer.beginObject()
                writer.key("id"); writer.int(Int(item.id))
                writer.key("code"); writer.string(item.name)
                writer.key("amount"); money(item.total)
                writer.endObject()
            }
            writer.endArray()
        case 29: filtered(customer, rule: rule, to: &writer)  // customer
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

    static func address(_ address: Address, rule: FieldFilter?, to writer: inout JSONWriter) {
        let keys = address.kind.keys
        guard rule != nil else {
            writer.beginObject()
            for index in keys.indices {
                writer.key(keys[index])
                writer.string(address.text(at: index))
            }
            writer.endObject()
            return
        }
        object(rule, keys.indices.map { index in (keys[index], { $0.string(address.text(at: index)) }) }, to: &writer)
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
