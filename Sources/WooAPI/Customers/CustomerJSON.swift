import SQLite

/// Writes customers in the exact v2 shape and key order (customers §3.1), straight from a result row of
/// ``CustomerRepository/selectColumns`` into the response bytes: no intermediate strings or objects.
package enum CustomerJSON {
    /// Top-level keys in output order, and whether each value is an object.
    private static let keys: [(name: String, isObject: Bool)] = [
        ("id", false), ("created_at", false), ("email", false), ("first_name", false), ("last_name", false),
        ("username", false), ("role", false), ("last_order_id", false), ("last_order_date", false),
        ("orders_count", false), ("total_spent", false), ("avatar_url", false), ("billing_address", true),
        ("shipping_address", true),
    ]

    /// Column indexes in ``CustomerRepository/selectColumns``.
    enum Column {
        static let id = 0, createdAt = 1, email = 2, firstName = 3, lastName = 4, username = 5, role = 6
        static let lastOrderID = 7, lastOrderDate = 8, ordersCount = 9, totalSpent = 10
        static let billing = 11, shipping = 22, avatarHash = 31, version = 32
    }

    /// Writes the customer on the statement's current row, filtered by `fields` when given.
    package static func write(row: Statement, fields: FieldFilter? = nil, to writer: inout JSONWriter) {
        writer.filteredObject(keys, fields: fields) { index, rule, writer in writeValue(index, row: row, rule: rule, to: &writer) }
    }

    /// The value of member `index` (its key is written).
    private static func writeValue(_ index: Int, row: Statement, rule: FieldFilter?, to writer: inout JSONWriter) {
        switch index {
        case 0: writer.int(Int(row.int64(at: Column.id)))
        case 1: APIDate.write(row.int64(at: Column.createdAt), to: &writer)
        case 2: text(row, Column.email, to: &writer)
        case 3: text(row, Column.firstName, to: &writer)
        case 4: text(row, Column.lastName, to: &writer)
        case 5: text(row, Column.username, to: &writer)
        case 6: text(row, Column.role, to: &writer)
        case 7:
            if row.isNull(at: Column.lastOrderID) { writer.null() } else { writer.int(Int(row.int64(at: Column.lastOrderID))) }
        case 8:
            if row.isNull(at: Column.lastOrderDate) { writer.null() } else { APIDate.write(row.int64(at: Column.lastOrderDate), to: &writer) }
        case 9: writer.int(Int(row.int64(at: Column.ordersCount)))
        case 10: writer.string(Money.format(cents: row.int64(at: Column.totalSpent)))
        case 11:
            row.withText(at: Column.avatarHash) { hash in
                writer.string(utf8: avatarPrefix + UnsafeRawBufferPointer(hash) + avatarSuffix)
            }
        case 12: writeAddress(row, first: Column.billing, keys: Address.billingKeys, rule: rule, to: &writer)
        default: writeAddress(row, first: Column.shipping, keys: Address.shippingKeys, rule: rule, to: &writer)
        }
    }

    private static func text(_ row: Statement, _ column: Int, to writer: inout JSONWriter) {
        row.withText(at: column) { writer.string(utf8: $0) }
    }

    /// Writes an address object; under a `parent.child` rule only the kept children, or `[]` when none is.
    private static func writeAddress(_ row: Statement, first: Int, keys: [String], rule: FieldFilter?, to writer: inout JSONWriter) {
        let indices = rule.map { rule in keys.indices.filter { rule.keepsChild(keys[$0]) } } ?? Array(keys.indices)
        if rule != nil && indices.isEmpty {
            writer.beginArray()
            writer.endArray()
            return
        }
        writer.beginObject()
        for index in indices {
            writer.key(keys[index])
            text(row, first + index, to: &writer)
        }
        writer.endObject()
    }

    private static let avatarPrefix = Array("https://secure.gravatar.com/avatar/".utf8)
    private static let avatarSuffix = Array("?s=96&d=mm&r=g".utf8)

    /// The Gravatar hash of an email: MD5 of the trimmed, lower-cased address (customers §3.4); empty for no email.
    package static func avatarHash(email: String) -> String {
        let trimmed = email.trimmingWhitespace
        guard !trimmed.isEmpty else { return "" }
        let normalized = trimmed.utf8.allSatisfy({ $0 < 0x80 })
            ? String(decoding: trimmed.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
            : trimmed.lowercased()
        return Crypto.hex(Crypto.md5(Array(normalized.utf8)))
    }

    /// `https://secure.gravatar.com/avatar/<hash>?s=96&d=mm&r=g`.
    package static func avatarURL(email: String) -> String {
        "https://secure.gravatar.com/avatar/\(avatarHash(email: email))?s=96&d=mm&r=g"
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
