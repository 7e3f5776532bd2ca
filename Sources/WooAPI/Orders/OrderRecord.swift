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
    package var billing = Address.blank(.billing)
    package var shipping = Address.blank(.shipping)
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
        let cartTotal = lines.reduce(0) { $0 + Money.round($1.total) }
        let subtotals = lines.reduce(0) { $0 + Money.round($1.subtotal) }
        shippingTotal = items(.shipping).reduce(0) { $0 + Money.round($1.total) }
        let fees = items(.fee).reduce(0) { $0 + $1.total }
        discountTotal = subtotals - cartTotal
        total = Money.round(cartTotal + fees + shippingTotal)
    }

    /// Σ line subtotals, unrounded (the `subtotal` key).
    var subtotal: Double { items(.lineItem).reduce(0) { $0 + $1.subtotal } }
    /// The total in cents, saturating (inputs are bounded by ``Money/limit``, so it never needs to).
    var totalCents: Int64 {
        let cents = (total * 100).rounded(.toNearestOrAwayFromZero)
        guard cents.isFinite else { return 0 }
        return Int64(max(-9e18, min(9e18, cents)))
    }
}
