import Foundation

/// The statuses a fresh store registers for orders, in the order `GET /orders/statuses` lists them (products-orders §4.9).
package enum OrderStatus {
    package static let all: [(slug: String, label: String)] = [
        ("pending", "Pending payment"), ("processing", "Processing"), ("on-hold", "On hold"), ("completed", "Completed"),
        ("cancelled", "Cancelled"), ("refunded", "Refunded"), ("failed", "Failed"),
    ]
    package static let slugs = Set(all.map(\.slug))
    /// Statuses whose orders count toward `total_spent` (`wc_get_is_paid_statuses`).
    static let paid: Set<String> = ["processing", "completed"]

    /// A client's status: a `wc-` prefix dropped; nil when it is not a registered order status.
    static func normalized(_ text: String) -> String? {
        let slug = text.hasPrefix("wc-") ? String(text.dropFirst(3)) : text
        return slugs.contains(slug) ? slug : nil
    }
}

/// One line of an order: a product line, a shipping line, a fee or a coupon (products-orders §3.2, §4.3).
package struct OrderItem: Sendable, Equatable {
    package enum Kind: String, Sendable {
        case lineItem = "line_item", shipping, fee, coupon
    }

    package var id: Int64 = 0
    package var kind: Kind
    /// Product name when the line was written, shipping method title, fee title or coupon code.
    package var name = ""
    package var productID: Int64 = 0
    package var quantity: Int64 = 0
    package var taxClass = ""
    package var methodID = ""
    /// Line subtotal (products), unrounded.
    package var subtotal: Double = 0
    /// Line total: product total, shipping cost, fee amount, coupon discount.
    package var total: Double = 0
    /// A variation line's variation (the product stays in ``productID``, as `_product_id`/`_variation_id`); 0 otherwise.
    package var variationID: Int64 = 0
    /// The line's item meta: a variation's attribute values and the client's `variations` (products-orders §7.5).
    package var meta: [VariationValue] = []
    /// The `product_id` a read shows (read only): the variation if it still exists, else the product if it still
    /// exists, else 0 (decisions #34).
    package var shownProductID: Int64 = 0
    /// The SKU of the product a read shows (read only): nil once it is permanently deleted.
    package var sku: String?
    /// The item meta a read shows, `{key, value, label}` (read only, products-orders §7.5).
    package var shownMeta: [ItemMeta] = []
    /// Whether the product is downloadable and virtual (read only; false once the product is gone).
    package var downloadableAndVirtual = false

    package init(kind: Kind) { self.kind = kind }
}

/// One entry of a line item's `meta` as a read shows it.
package struct ItemMeta: Sendable, Equatable {
    package var key: String
    package var value: String
    package var label: String
}

/// A stored order with its lines (products-orders §3).
package struct OrderRecord: Sendable, Equatable {
    package var id: Int64 = 0
    package var orderKey = ""
    package var customerID: Int64 = 0
    package var status = "pending"
    package var currency = "USD"
    /// The stored grand total, rounded to the price decimals.
    package var total: Double = 0
    package var shippingTotal: Double = 0
    package var discountTotal: Double = 0
    package var paymentMethod = ""
    package var paymentMethodTitle = ""
    package var transactionID = ""
    package var paidAt: Int64?
    package var completedAt: Int64?
    package var note = ""
    package var customerIP = ""
    package var customerUserAgent = ""
    package var billing = Array(repeating: "", count: Address.billingKeys.count)
    package var shipping = Array(repeating: "", count: Address.shippingKeys.count)
    /// The client's `order_meta` as a JSON object text.
    package var meta = "{}"
    package var downloadsGranted = false
    package var salesRecorded = false
    package var createdAt: Int64 = 0
    package var updatedAt: Int64 = 0
    package var items: [OrderItem] = []

    package init() {}

    func items(_ kind: OrderItem.Kind) -> [OrderItem] { items.filter { $0.kind == kind } }

    /// The status a completed payment moves the order to: `processing` if any product line needs processing
    /// (its product is not both downloadable and virtual), else `completed` (products-orders §4.6, §5.2).
    var paymentCompleteStatus: String {
        items(.lineItem).contains { !$0.downloadableAndVirtual } ? "processing" : "completed"
    }

    /// `calculate_totals` with taxes off (products-orders §4.5): per-line amounts rounded to the price decimals.
    mutating func calculateTotals() {
        let lines = items(.lineItem)
        let cartTotal = lines.reduce(0) { $0 + OrderMoney.round($1.total) }
        let subtotals = lines.reduce(0) { $0 + OrderMoney.round($1.subtotal) }
        shippingTotal = items(.shipping).reduce(0) { $0 + OrderMoney.round($1.total) }
        let fees = items(.fee).reduce(0) { $0 + $1.total }
        discountTotal = subtotals - cartTotal
        total = OrderMoney.round(cartTotal + fees + shippingTotal)
    }

    /// Σ line subtotals, unrounded (the `subtotal` key).
    var subtotal: Double { items(.lineItem).reduce(0) { $0 + $1.subtotal } }
    /// The total in cents, saturating (inputs are bounded by ``OrderMoney/limit``, so it never needs to).
    var totalCents: Int64 {
        let cents = (total * 100).rounded(.toNearestOrAwayFromZero)
        guard cents.isFinite else { return 0 }
        return Int64(max(-9e18, min(9e18, cents)))
    }
}

/// Order money: PHP floats, printed with `wc_format_decimal($value, $dp)` = `number_format` (products-orders §3).
package enum OrderMoney {
    /// Rounds to the price decimals (2) as `wc_format_decimal`/`round` do: half away from zero, after PHP's
    /// pre-rounding to 15 significant digits (so 1.005 rounds to 1.01, as on the real store).
    static func round(_ value: Double, places: Int = 2) -> Double {
        Double(format(value, dp: places)) ?? 0
    }

    /// `number_format($value, $dp, '.', '')`: never `-0.00`.
    package static func format(_ value: Double, dp: Int) -> String {
        var text = ""
        withDigits(value, dp: dp) { text = String(decoding: $0, as: UTF8.self) }
        return text
    }

    /// Writes the formatted amount as a JSON string, without building a `String`.
    static func write(_ value: Double, dp: Int, to writer: inout JSONWriter) {
        withDigits(value, dp: dp) { writer.string(utf8: $0) }
    }

    /// Calls `body` with the `number_format` digits of `value` in a temporary buffer.
    private static func withDigits(_ value: Double, dp: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let places = max(0, min(dp, 8))
        let scaled = value.isFinite ? value * powersOfTen[places] : 0
        guard abs(scaled) < 1e15 else {
            let text = formatExactly(value, dp: places)
            text.utf8.withContiguousStorageIfAvailable(body) ?? body(UnsafeBufferPointer(start: nil, count: 0))
            return
        }
        // Half away from zero; a product like 1.005 × 100 = 100.49999999999999 is a half in decimal, as PHP's
        // pre-rounding sees it, so a fraction within a few units in the last place below a half rounds away too.
        let whole = scaled.rounded(.towardZero)
        let fraction = abs(scaled - whole)
        var units = Int64(whole)
        if fraction >= 0.5 || 0.5 - fraction <= 4 * scaled.ulp { units += scaled < 0 ? -1 : 1 }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            // Digits right to left, the point after `places` of them, at least one integer digit, then the sign.
            var index = 32
            var magnitude = units.magnitude
            var written = 0
            repeat {
                if written == places && places > 0 {
                    index -= 1
                    buffer[index] = UInt8(ascii: ".")
                }
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                written += 1
            } while magnitude > 0 || written <= places
            if units < 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            body(UnsafeBufferPointer(rebasing: buffer[index..<32]))
        }
    }

    private static let powersOfTen: [Double] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]

    /// The slow path for huge amounts: pre-round to 15 significant digits, then round the decimal half away.
    private static func formatExactly(_ value: Double, dp: Int) -> String {
        guard var decimal = Decimal(string: String(format: "%.15g", value), locale: Locale(identifier: "en_US_POSIX")) else {
            return String(format: "%.\(dp)f", value)
        }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &decimal, dp, .plain)
        var text = NSDecimalNumber(decimal: rounded).stringValue
        if text.hasPrefix("-") && rounded.isZero { text.removeFirst() }
        guard dp > 0 else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, dp - fraction.count))
    }

    /// A client's amount: a number, or text read as `floatval(wc_format_decimal(text))`; `true` is 1.
    /// nil when the value is null (not given); an array or object is a 400.
    static func value(_ value: JSONValue?, _ name: String) throws(APIError) -> Double? {
        switch value {
        case nil, .null?: return nil
        case .number(let number)?: return try bounded(number, name)
        case .bool(let flag)?: return flag ? 1 : 0
        case .string?:
            let stored = ProductPrices.stored(from: value!) ?? ""
            guard let prefix = NumericPrefix(stored), prefix.hasDigits else { return 0 }
            return try bounded(Double(prefix.canonical) ?? 0, name)
        case .array?, .object?: throw APIError.invalidData("\(name) must be a number.")
        }
    }

    /// The largest amount or quantity an order accepts (a trillion): sums of bounded lines stay exact in cents.
    static let limit = 1e12

    private static func bounded(_ number: Double, _ name: String) throws(APIError) -> Double {
        guard number.isFinite, abs(number) <= limit else {
            throw APIError.invalidData("\(name) must be a number between -1000000000000 and 1000000000000.")
        }
        return number
    }
}
