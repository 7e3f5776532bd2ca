/// The address keys, in output order (customers §3.1 rows 13–14).
package enum Address {
    package static let billingKeys = [
        "first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode", "country",
        "email", "phone",
    ]
    package static let shippingKeys = Array(billingKeys.prefix(9))
}
