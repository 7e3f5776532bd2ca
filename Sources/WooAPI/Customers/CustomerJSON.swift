import SQLite
import Storage

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

    /// Column indexes in ``CustomerRepository/selectColumns``, from ``CustomerColumn``: computed, so each folds to a
    /// constant where it is read (a static let would cost a once-check per access on this hot path).
    enum Column {
        static var id: Int { CustomerColumn.id.index }
        static var createdAt: Int { CustomerColumn.createdAt.index }
        static var email: Int { CustomerColumn.email.index }
        static var firstName: Int { CustomerColumn.firstName.index }
        static var lastName: Int { CustomerColumn.lastName.index }
        static var username: Int { CustomerColumn.username.index }
        static var role: Int { CustomerColumn.role.index }
        static var lastOrderID: Int { CustomerColumn.lastOrderID.index }
        static var lastOrderDate: Int { CustomerColumn.lastOrderDate.index }
        static var ordersCount: Int { CustomerColumn.ordersCount.index }
        static var totalSpent: Int { CustomerColumn.totalSpentCents.index }
        static var billing: Int { CustomerColumn.billingFirstName.index }
        static var shipping: Int { CustomerColumn.shippingFirstName.index }
        static var avatarHash: Int { CustomerColumn.avatarHash.index }
        static var version: Int { CustomerColumn.version.index }
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
