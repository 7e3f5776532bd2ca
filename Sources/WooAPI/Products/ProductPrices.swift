/// The product rules on stored prices (products-orders §1.1): on sale, `sale_price` truthiness and `price_html`.
/// Formatting itself is ``Money``'s.
package enum ProductPrices {
    /// `is_on_sale` without sale dates: a sale price is set and the regular price is greater (PHP 8 comparison).
    package static func isOnSale(regular: String, sale: String) -> Bool {
        !sale.isEmpty && PHPNumericString.compare(regular, sale) > 0
    }

    /// PHP truthiness of the stored sale price: `""` and `"0"` are false (so `sale_price` prints `null`).
    package static func isTruthy(_ stored: String) -> Bool { !stored.isEmpty && stored != "0" }

    /// `price_html` (products-orders §1.1 #14): `""` without a price; `<del>regular</del> <ins>price</ins>` on sale.
    package static func priceHTML(price: String, regular: String, onSale: Bool) -> String {
        if price.isEmpty { return "" }
        if onSale { return "<del>" + Money.html(regular) + "</del> <ins>" + Money.html(price) + "</ins>" }
        return Money.html(price)
    }
}
