/// One entry of `line_items`, `shipping_lines`, `fee_lines` or `coupon_lines`, type-checked (products-orders §4.3).
struct LineInput: Sendable {
    /// The item to update or delete; nil creates.
    var id: Int64?
    /// `id` plus the kind's key (`product_id`, `method_id`, `title`, `code`) given as null: delete the item.
    var delete = false
    var productID: Int64?
    var sku: String?
    var variationsInvalid = false
    /// `variations` as an object of attribute → value, in order (products-orders §7.5): which variation of `product_id` to sell.
    var variations: [(key: String, value: String)]?
    var quantity: Double?
    var total: Double?
    var subtotal: Double?
    var methodID: String?
    var methodTitle: String?
    var title: String?
    var taxClass: String?
    var taxable = false
    var code: String?
    var amount: Double?
}

/// The payment object of an order body.
struct PaymentInput: Sendable {
    var methodID: String?
    var methodTitle: String?
    var paid = false
    var transactionID: String?
}

/// The writable fields of an `order` body (products-orders §4.2, §4.7), type-checked and sanitized; nil means "not given".
/// Checks that need the database (customer, products, items) are left to ``OrderWrites``.
struct OrderInput: Sendable {
    var customerID: Int64?
    var status: String?
    var note: String?
    var billing = Address(.billing)
    var shipping = Address(.shipping)
    var payment: PaymentInput?
    var currency: String?
    var lineItems: [LineInput]?
    var shippingLines: [LineInput]?
    var feeLines: [LineInput]?
    var couponLines: [LineInput]?
    var meta: [(String, JSONValue)]?

    /// Tax classes of a fresh store (`""` is the standard rate).
    static let taxClasses: Set<String> = ["", "standard", "reduced-rate", "zero-rate"]

    init(_ wrapper: JSONValue) throws(APIError) {
        guard let object = wrapper.objectValue else { return }
        func given(_ key: String) -> JSONValue? {
            guard let value = object[key], !value.isNull else { return nil }
            return value
        }
        if let value = object["customer_id"] { customerID = try Self.id(value, "customer_id") ?? 0 }
        if let text = try CustomerInput.text(given("status"), "status").map(Sanitize.textField), !text.isEmpty {
            guard let status = OrderStatus.normalized(text) else { throw OrderErrors.invalidStatus(text) }
            self.status = status
        }
        note = try CustomerInput.text(given("note"), "note")
        billing = try Self.address(given("billing_address"), "billing_address", .billing)
        shipping = try Self.address(given("shipping_address"), "shipping_address", .shipping)
        if let email = billing.email, !email.isEmpty, !Sanitize.isEmail(email) {
            throw OrderErrors.invalidBillingEmail
        }
        if let details = given("payment_details") {
            guard let fields = details.objectValue else { throw APIError.invalidData("payment_details must be an object.") }
            var payment = PaymentInput()
            payment.methodID = try CustomerInput.text(fields["method_id"], "payment_details.method_id").map(Sanitize.textField)
            payment.methodTitle = try CustomerInput.text(fields["method_title"], "payment_details.method_title").map(Sanitize.textField)
            // Only JSON `true` completes the payment (products-orders §4.2 step 8).
            payment.paid = fields["paid"] == .bool(true)
            payment.transactionID = try CustomerInput.text(fields["transaction_id"], "payment_details.transaction_id").map(Sanitize.textField)
            self.payment = payment
        }
        if let text = try CustomerInput.text(given("currency"), "currency") {
            guard Currencies.codes.contains(text) else { throw OrderErrors.invalidCurrency }
            currency = text
        }
        lineItems = try Self.lines(given("line_items"), "line_items", Self.lineItem)
        shippingLines = try Self.lines(given("shipping_lines"), "shipping_lines", Self.shippingLine)
        feeLines = try Self.lines(given("fee_lines"), "fee_lines", Self.feeLine)
        couponLines = try Self.lines(given("coupon_lines"), "coupon_lines", Self.couponLine)
        if let value = given("order_meta") {
            guard let members = value.objectValue?.members else { throw APIError.invalidData("order_meta must be an object.") }
            // Keys starting with `_` are ignored; values must be scalars.
            meta = members.filter { !$0.key.hasPrefix("_") && $0.value.arrayValue == nil && $0.value.objectValue == nil }
        }
    }

    /// An id as `absint` reads a JSON scalar; nil for null; 400 for an array or object.
    static func id(_ value: JSONValue, _ name: String) throws(APIError) -> Int64? {
        if value.isNull { return nil }
        guard let number = PHPInt.intval(value) else { throw APIError.invalidData("\(name) must be an integer.") }
        return number == .min ? .max : abs(number)
    }

    private static func address(_ value: JSONValue?, _ name: String, _ kind: Address.Kind) throws(APIError) -> Address {
        var result = Address(kind)
        guard let value else { return result }
        guard let object = value.objectValue else { throw APIError.invalidData("\(name) must be an object.") }
        for (index, key) in kind.keys.enumerated() {
            if let text = try CustomerInput.text(object[key], "\(name).\(key)") { result[index] = Sanitize.textField(text) }
        }
        return result
    }

    private static func lines(
        _ value: JSONValue?, _ name: String, _ parse: (JSONObject) throws(APIError) -> LineInput
    ) throws(APIError) -> [LineInput]? {
        guard let value else { return nil }
        let entries: [JSONValue]
        switch value {
        case .array(let items): entries = items
        case .object(let members): entries = members.members.map(\.value)
        default: throw APIError.invalidData("\(name) must be a list.")
        }
        var result: [LineInput] = []
        for entry in entries {
            guard let object = entry.objectValue else { throw APIError.invalidData("\(name) entries must be objects.") }
            result.append(try parse(object))
        }
        return result
    }

    /// The line's `id` (null or absent: create) and whether `key` is present as null (delete, products-orders §4.7).
    private static func identity(_ object: JSONObject, deleteKey: String) throws(APIError) -> (Int64?, Bool) {
        guard let value = object["id"], !value.isNull else { return (nil, false) }
        let id = try Self.id(value, "id")
        return (id, object.contains(deleteKey) && object[deleteKey]?.isNull == true)
    }

    private static func lineItem(_ object: JSONObject) throws(APIError) -> LineInput {
        var line = LineInput()
        (line.id, line.delete) = try identity(object, deleteKey: "product_id")
        if let value = object["product_id"], !value.isNull { line.productID = try id(value, "product_id") }
        line.sku = try CustomerInput.text(object["sku"], "sku").map(Sanitize.textField).flatMap { $0.isEmpty ? nil : $0 }
        if let variations = object["variations"], !variations.isNull {
            // `is_array`: a JSON object or list; each key and value must be non-empty (PHP truthiness).
            let members: [(key: String, value: JSONValue)]? = variations.objectValue?.members
                ?? variations.arrayValue.map { $0.enumerated().map { (String($0.offset), $0.element) } }
            if let members {
                var pairs: [(key: String, value: String)] = []
                for (key, value) in members {
                    let text = (try? CustomerInput.text(value, "variations")) ?? nil
                    guard ProductAttributes.isTruthy(.string(key)), let text, ProductAttributes.isTruthy(.string(text)) else {
                        line.variationsInvalid = true
                        break
                    }
                    pairs.append((key, text))
                }
                line.variations = pairs
            }
        }
        line.quantity = try Money.value(object["quantity"], "quantity")
        line.total = try Money.value(object["total"], "total")
        line.subtotal = try Money.value(object["subtotal"], "subtotal")
        return line
    }

    private static func shippingLine(_ object: JSONObject) throws(APIError) -> LineInput {
        var line = LineInput()
        (line.id, line.delete) = try identity(object, deleteKey: "method_id")
        line.methodID = try CustomerInput.text(object["method_id"], "method_id").map(Sanitize.textField)
        line.methodTitle = try CustomerInput.text(object["method_title"], "method_title").map(Sanitize.textField)
        line.total = try Money.value(object["total"], "total")
        if let total = line.total, total < 0 { throw OrderErrors.shippingTotalNegative }
        return line
    }

    private static func feeLine(_ object: JSONObject) throws(APIError) -> LineInput {
        var line = LineInput()
        (line.id, line.delete) = try identity(object, deleteKey: "title")
        line.title = try CustomerInput.text(object["title"], "title").map(Sanitize.textField)
        line.taxClass = try CustomerInput.text(object["tax_class"], "tax_class").map(Sanitize.textField)
        if let taxable = object["taxable"] {
            line.taxable = ((try? CustomerInput.text(taxable, "taxable")) ?? nil).map { !$0.isEmpty && $0 != "0" } ?? false
        }
        line.total = try Money.value(object["total"], "total")
        if line.taxable && line.taxClass == nil { throw OrderErrors.feeTaxClassRequired }
        if let taxClass = line.taxClass, !taxClasses.contains(taxClass) { throw OrderErrors.invalidTaxClass }
        return line
    }

    private static func couponLine(_ object: JSONObject) throws(APIError) -> LineInput {
        var line = LineInput()
        (line.id, line.delete) = try identity(object, deleteKey: "code")
        line.code = try CustomerInput.text(object["code"], "code").map(Sanitize.textField)
        line.amount = try Money.value(object["amount"], "amount")
        if let amount = line.amount, amount < 0 { throw OrderErrors.couponAmountNegative }
        return line
    }
}

/// The currency codes a store accepts (`get_woocommerce_currencies`).
enum Currencies {
    static let codes: Set<String> = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
        "BMD", "BND", "BOB", "BRL", "BSD", "BTC", "BTN", "BWP", "BYR", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
        "COP", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
        "GBP", "GEL", "GGP", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS",
        "IMP", "INR", "IQD", "IRR", "IRT", "ISK", "JEP", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW",
        "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP",
        "MRO", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
        "PGK", "PHP", "PKR", "PLN", "PRB", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK",
        "SGD", "SHP", "SLL", "SOS", "SRD", "SSP", "STD", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD",
        "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VEF", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER",
        "ZAR", "ZMW",
    ]
}
