/// The `users` columns a customer is read with (see ``TableColumns``): the JSON writer reads them by these indexes.
/// Its order figures (customers §3.3) are columns kept exact by the orders triggers.
enum CustomerColumn: Int, TableColumns {
    case id, createdAt, email, firstName, lastName, username, role, lastOrderID, lastOrderDate, ordersCount
    case totalSpentCents
    case billingFirstName, billingLastName, billingCompany, billingAddress1, billingAddress2, billingCity, billingState
    case billingPostcode, billingCountry, billingEmail, billingPhone
    case shippingFirstName, shippingLastName, shippingCompany, shippingAddress1, shippingAddress2, shippingCity
    case shippingState, shippingPostcode, shippingCountry
    case avatarHash, version

    /// The billing then shipping columns, in ``Address/billingKeys`` and ``Address/shippingKeys`` order.
    static let addresses = Array(allCases[billingFirstName.index...shippingCountry.index])
}

/// The `users` columns a new customer is inserted with (see ``TableColumns``).
enum NewCustomerColumn: Int, TableColumns {
    case username, email, passwordHash, role, createdAt, updatedAt, firstName, lastName
    case billingFirstName, billingLastName, billingCompany, billingAddress1, billingAddress2, billingCity, billingState
    case billingPostcode, billingCountry, billingEmail, billingPhone
    case shippingFirstName, shippingLastName, shippingCompany, shippingAddress1, shippingAddress2, shippingCity
    case shippingState, shippingPostcode, shippingCountry
    case avatarHash
}
