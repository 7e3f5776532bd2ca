/// A billing or shipping address, the one shape customers and orders share (customers §3.1 rows 13–14, products-orders §3): the
/// values of its kind's ``keys`` in order. A shipping address has no email or phone. In a create or update body a
/// field that was not given is nil; a stored address has every field.
package struct Address: Sendable, Equatable {
    /// Which address: its keys, and the prefix of its columns (`billing_city`).
    package enum Kind: Sendable {
        case billing, shipping

        /// The keys in output order.
        package var keys: [String] { self == .billing ? Address.billingKeys : Address.shippingKeys }
    }

    /// The billing keys, in output order.
    package static let billingKeys = [
        "first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode", "country",
        "email", "phone",
    ]
    /// The shipping keys: the billing ones without email and phone.
    package static let shippingKeys = Array(billingKeys.prefix(9))
    /// Where `email` and the names sit among the billing keys.
    static let emailIndex = 9, firstNameIndex = 0, lastNameIndex = 1

    package let kind: Kind
    /// One value per key of ``kind``, nil when not given; empty (no allocation, nothing to destroy) while no field
    /// is given, which is what most create and update bodies send.
    private var values: [String?]

    /// An address with `values` for its kind's keys, in order (missing trailing values are not given). A full
    /// list is kept as it is, with no copy: stored orders are read through here.
    package init(_ kind: Kind, _ values: [String?] = []) {
        self.kind = kind
        let count = kind.keys.count
        if values.count == count || values.isEmpty {
            self.values = values
        } else {
            self.values = Array(values.prefix(count)) + Array(repeating: nil, count: max(0, count - values.count))
        }
    }

    /// A stored address with every field empty.
    package static func blank(_ kind: Kind) -> Address {
        Address(kind, Array(repeating: "", count: kind.keys.count))
    }

    /// The number of fields of this kind.
    package var count: Int { kind == .billing ? Self.billingKeys.count : Self.shippingKeys.count }

    /// The value at `index` of ``Kind/keys``; setting nil un-gives it.
    package subscript(index: Int) -> String? {
        get { values.isEmpty ? nil : values[index] }
        set {
            if values.isEmpty {
                guard newValue != nil else { return }
                values = Array(repeating: nil, count: count)
            }
            values[index] = newValue
        }
    }

    /// The value at `index`, `""` when not given.
    package func text(at index: Int) -> String { self[index] ?? "" }

    /// Whether no field is given.
    package var isEmpty: Bool { values.allSatisfy { $0 == nil } }

    /// The billing email, if given (nil for a shipping address).
    package var email: String? { kind == .billing ? self[Self.emailIndex] : nil }

    /// The given fields as `(index, key, value)`, in key order.
    package var given: [(index: Int, key: String, value: String)] {
        values.indices.compactMap { index in values[index].map { (index, kind.keys[index], $0) } }
    }

    /// Writes every given field of `other` over this address.
    package mutating func merge(_ other: Address) {
        for index in other.values.indices { if let value = other.values[index] { self[index] = value } }
    }

    /// Same kind and the same value (or absence) for every field, however it is stored.
    package static func == (lhs: Address, rhs: Address) -> Bool {
        lhs.kind == rhs.kind && (0..<lhs.count).allSatisfy { lhs[$0] == rhs[$0] }
    }
}
