/// The `orders` columns an order row is read and written with (see ``TableColumns``); the addresses are the
/// ``Address/billingKeys`` and ``Address/shippingKeys`` in order.
enum OrderColumn: Int, TableColumns {
    case id, orderKey, customerID, status, currency, total, totalCents, shippingTotal, discountTotal, paymentMethod
    case paymentMethodTitle, transactionID, paidAt, completedAt, note, customerIP, customerUserAgent, orderMeta
    case downloadsGranted, salesRecorded, createdAt, updatedAt
    case billingFirstName, billingLastName, billingCompany, billingAddress1, billingAddress2, billingCity, billingState
    case billingPostcode, billingCountry, billingEmail, billingPhone
    case shippingFirstName, shippingLastName, shippingCompany, shippingAddress1, shippingAddress2, shippingCity
    case shippingState, shippingPostcode, shippingCountry
}

/// The `order_items` columns an item is read and written with (see ``TableColumns``). An item read also selects
/// what it shows of its product and variation, after these (the `product…`/`variation…` indexes).
enum OrderItemColumn: Int, TableColumns {
    case id, type, name, productID, quantity, taxClass, methodID, subtotal, total, variationID, meta

    /// Every column a write binds after the id (an insert binds the order id in the id's place, `?1`).
    static let written = Array(allCases.dropFirst())

    // The joined columns of ``OrderRepository/itemsByOrder``, after the item's own (computed: constants where read).
    static var productSKU: Int { meta.index + 1 }
    static var productDownloadableAndVirtual: Int { meta.index + 2 }
    static var variationSKU: Int { meta.index + 3 }
    static var variationDownloadableAndVirtual: Int { meta.index + 4 }
    static var productAttributes: Int { meta.index + 5 }
}
