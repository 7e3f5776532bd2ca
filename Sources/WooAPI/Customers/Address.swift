/// The address keys, in output order (spec §3.1 rows 13–14).
package enum Address {
    package static let billingKeys = [
        "first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode", "country",
        "email", "phone",
    ]
    package static let shippingKeys = Array(billingKeys.prefix(9))
}

/// The order statuses a real store counts as a customer's orders (spec §3.3: registered statuses).
package enum OrderStatuses {
    /// Statuses that never count: trashed orders and drafts.
    package static let unregisteredSQL = "('trash', 'draft', 'auto-draft')"
    /// Paid statuses, whose totals make `total_spent`.
    package static let paidSQL = "('processing', 'completed')"
}
