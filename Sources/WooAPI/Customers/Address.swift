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
    /// One value per key of ``kind``; nil when not given.
    package private(set) var values: [String?]

    /// An address with `values` for its kind's keys, in order (missing trailing values are not given). A full
    /// list is kept as it is, with no copy: stored orders are read through here.
    package init(_ kind: Kind, _ values: [String?] = []) {
        self.kind = kind
        let count = kind.keys.count
        if values.count == count {
            self.values = values
        } else if values.isEmpty {
            self.values = Array(repeating: nil, count: count)
        } else {
            self.values = Array(values.prefix(count)) + Array(repeating: nil, count: max(0, count - values.count))
        }
    }

    /// A stored address with every field empty.
    package static func blank(_ kind: Kind) -> Address {
        Address(kind, Array(repeating: "", count: kind.keys.count))
    }

    /// The value at `index` of ``Kind/keys``; setting nil un-gives it.
    package subscript(index: Int) -> String? {
        get { values[index] }
        set { values[index] = newValue }
    }

    /// The value at `index`, `""` when not given.
    package func text(at index: Int) -> String { values[index] ?? "" }

    /// Whether no field is given.
    package var isEmpty: Bool { values.allSatisfy { $0 == nil } }

    /// The billing email, if given (nil for a shipping address).
    package var email: String? { kind == .billing ? values[Self.emailIndex] : nil }

    /// The given fields as `(index, key, value)`, in key order.
    package var given: [(index: Int, key: String, value: String)] {
        values.indices.compactMap { index in values[index].map { (index, kind.keys[index], $0) } }
    }

    /// Writes every given field of `other` over this address.
    package mutating func merge(_ other: Address) {
        for index in other.values.indices { if let value = other.values[index] { values[index] = value } }
    }
}
