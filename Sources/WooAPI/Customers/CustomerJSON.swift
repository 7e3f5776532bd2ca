/// Writes customers in the exact v2 shape and key order (spec §3.1).
package enum CustomerJSON {
    /// Top-level keys in output order, and whether each value is an object.
    private static let keys: [(name: String, isObject: Bool)] = [
        ("id", false), ("created_at", false), ("email", false), ("first_name", false), ("last_name", false),
        ("username", false), ("role", false), ("last_order_id", false), ("last_order_date", false),
        ("orders_count", false), ("total_spent", false), ("avatar_url", false), ("billing_address", true),
        ("shipping_address", true),
    ]

    /// Writes one customer object, filtered by `fields` when given.
    package static func write(_ customer: Customer, fields: FieldFilter? = nil, to writer: inout JSONWriter) {
        guard let fields else {
            writer.beginObject()
            for key in keys { writeMember(key.name, of: customer, fields: nil, to: &writer) }
            writer.endObject()
            return
        }
        let kept = keys.filter { fields.inclusion(of: $0.name, isObject: $0.isObject) != .excluded }
        if kept.isEmpty {
            writer.beginArray()
            writer.endArray()
            return
        }
        writer.beginObject()
        for key in kept { writeMember(key.name, of: customer, fields: fields, to: &writer) }
        writer.endObject()
    }

    private static func writeMember(_ name: String, of customer: Customer, fields: FieldFilter?, to writer: inout JSONWriter) {
        writer.key(name)
        switch name {
        case "id": writer.int(Int(customer.id))
        case "created_at": writer.string(APIDate.format(customer.createdAt))
        case "email": writer.string(customer.email)
        case "first_name": writer.string(customer.firstName)
        case "last_name": writer.string(customer.lastName)
        case "username": writer.string(customer.username)
        case "role": writer.string(customer.role)
        case "last_order_id":
            if let id = customer.lastOrderID { writer.int(Int(id)) } else { writer.null() }
        case "last_order_date":
            if let date = customer.lastOrderDate { writer.string(APIDate.format(date)) } else { writer.null() }
        case "orders_count": writer.int(customer.ordersCount)
        case "total_spent": writer.string(Money.format(cents: customer.totalSpentCents))
        case "avatar_url": writer.string(avatarURL(email: customer.email))
        case "billing_address":
            let rule = fields.flatMap { $0.inclusion(of: name, isObject: true) == .children ? $0 : nil }
            writeAddress(Address.billingKeys, customer.billing, childrenOf: rule, to: &writer)
        case "shipping_address":
            let rule = fields.flatMap { $0.inclusion(of: name, isObject: true) == .children ? $0 : nil }
            writeAddress(Address.shippingKeys, customer.shipping, childrenOf: rule, to: &writer)
        default: writer.null()
        }
    }

    /// Writes an address object; under a `parent.child` rule (`childrenOf`) only the kept children, or `[]`.
    package static func writeAddress(_ keys: [String], _ values: [String], childrenOf rule: FieldFilter?, to writer: inout JSONWriter) {
        let indices = rule.map { rule in keys.indices.filter { rule.keepsChild(keys[$0]) } } ?? Array(keys.indices)
        if rule != nil && indices.isEmpty {
            writer.beginArray()
            writer.endArray()
            return
        }
        writer.beginObject()
        for index in indices {
            writer.key(keys[index])
            writer.string(values[index])
        }
        writer.endObject()
    }

    /// `https://secure.gravatar.com/avatar/<md5 of trimmed lower-cased email>?s=96&d=mm&r=g` (spec §3.4).
    package static func avatarURL(email: String) -> String {
        let trimmed = email.trimmingWhitespace
        let normalized = trimmed.utf8.allSatisfy({ $0 < 0x80 })
            ? String(decoding: trimmed.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
            : trimmed.lowercased()
        let hash = normalized.isEmpty ? "" : Crypto.hex(Crypto.md5(Array(normalized.utf8)))
        return "https://secure.gravatar.com/avatar/\(hash)?s=96&d=mm&r=g"
    }
}

/// Money as the API prints it: two decimals, `.` separator, no grouping (`"48.98"`).
package enum Money {
    /// Formats integer cents.
    package static func format(cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Parses a decimal amount (`"12"`, `"12.5"`, `12.345`) to cents, rounding half away from zero; nil if not a number.
    package static func cents(from text: String) -> Int64? {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty, let value = Double(trimmed), value.isFinite, abs(value) < 1e15 else { return nil }
        return Int64((value * 100).rounded(.toNearestOrAwayFromZero))
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF, NUL), as PHP's `trim`.
    package var trimmingWhitespace: String {
        let text = String(self)
        let utf8 = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || byte == 0 }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        return String(decoding: utf8[first...last], as: UTF8.self)
    }
}
