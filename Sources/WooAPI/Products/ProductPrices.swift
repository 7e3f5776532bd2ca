import Foundation

/// Prices as the real store keeps and prints them (products-orders §0 "Number formatting", §1.1, §2.4): stored as the text
/// `wc_format_decimal` leaves, compared with PHP 8's rules, printed with `number_format` to the price decimals.
package enum ProductPrices {
    /// `woocommerce_price_num_decimals` of a fresh store.
    static let decimals = 2

    /// `wc_format_decimal(value)` without `dp`, as a setter stores a client's value; nil when the JSON type
    /// cannot be a price (an array or object: PHP would store garbage, decisions #23).
    ///
    /// Text: sanitized (`wc_clean`), then every character but `0-9 . , -` dropped (`"abc"` → `""`). An integer
    /// prints as itself; any other number as PHP prints a float with six decimals, trailing zeros trimmed.
    /// `true` is `"1"`, `false` is `""`.
    package static func stored(from value: JSONValue) -> String? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag ? "1" : ""
        case .string(let text):
            return String(Sanitize.textField(text).unicodeScalars.filter { "0123456789.,-".unicodeScalars.contains($0) })
        case .number(let number):
            if let integer = value.intValue, integer.magnitude < 1 << 53 { return String(integer) }
            guard number.isFinite else { return "" }
            var text = String(format: "%.6f", number)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text == "-0" ? "0" : text
        case .array, .object: return nil
        }
    }

    /// `wc_format_decimal(stored, 2)`: PHP `floatval` then `number_format` (`""` → `"0.00"`, `"1,000"` → `"1.00"`).
    package static func formatted(_ stored: String) -> String {
        format(stored, thousands: "")
    }

    /// `wc_price` markup of a display price (`max(0, floatval(price))`, with `,` thousands), e.g.
    /// `<span class="woocommerce-Price-amount amount"><span class="woocommerce-Price-currencySymbol">&#36;</span>19.99</span>`.
    package static func html(_ stored: String) -> String {
        let amount = isNegative(stored) ? "0.00" : format(stored, thousands: ",")
        return "<span class=\"woocommerce-Price-amount amount\"><span class=\"woocommerce-Price-currencySymbol\">&#36;</span>"
            + amount + "</span>"
    }

    /// `price_html` (products-orders §1.1 #14): `""` without a price; `<del>regular</del> <ins>price</ins>` on sale.
    package static func priceHTML(price: String, regular: String, onSale: Bool) -> String {
        if price.isEmpty { return "" }
        if onSale { return "<del>" + html(regular) + "</del> <ins>" + html(price) + "</ins>" }
        return html(price)
    }

    /// `is_on_sale` without sale dates: a sale price is set and the regular price is greater (PHP 8 comparison).
    package static func isOnSale(regular: String, sale: String) -> Bool {
        !sale.isEmpty && compare(regular, sale) > 0
    }

    /// PHP truthiness of the stored sale price: `""` and `"0"` are false (so `sale_price` prints `null`).
    package static func isTruthy(_ stored: String) -> Bool { !stored.isEmpty && stored != "0" }

    /// PHP 8's `<=>` on two strings: numerically when both are numeric strings, otherwise byte-wise (`strcmp`).
    package static func compare(_ a: String, _ b: String) -> Int {
        if let x = numericValue(a), let y = numericValue(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        let (l, r) = (Array(a.utf8), Array(b.utf8))
        for (p, q) in zip(l, r) where p != q { return p < q ? -1 : 1 }
        return l.count < r.count ? -1 : (l.count > r.count ? 1 : 0)
    }

    /// The value of a PHP numeric string (`-12`, `1.`, `.5`; no exponent or spaces survive `wc_format_decimal`).
    static func numericValue(_ text: String) -> Double? {
        guard let prefix = NumericPrefix(text), prefix.length == text.utf8.count, prefix.hasDigits else { return nil }
        return Double(prefix.canonical)
    }

    private static func isNegative(_ stored: String) -> Bool {
        guard let prefix = NumericPrefix(stored), prefix.negative else { return false }
        return (prefix.integer + prefix.fraction).contains { $0 != UInt8(ascii: "0") }
    }

    /// `number_format(floatval(text), 2, '.', thousands)`, rounding half away from zero on the decimal digits
    /// (what PHP's pre-rounding gives for prices); never `-0.00`.
    static func format(_ text: String, thousands: String) -> String {
        guard let prefix = NumericPrefix(text), prefix.hasDigits else { return "0." + String(repeating: "0", count: decimals) }
        var digits = Array(prefix.integer.drop { $0 == UInt8(ascii: "0") }.map { Int($0) - 48 })
        var fraction = prefix.fraction.map { Int($0) - 48 }
        while fraction.count <= decimals { fraction.append(0) }
        digits += fraction.prefix(decimals)
        if fraction[decimals] >= 5 {
            var index = digits.count - 1
            while index >= 0 {
                if digits[index] == 9 { digits[index] = 0; index -= 1 } else { digits[index] += 1; break }
            }
            if index < 0 { digits.insert(1, at: 0) }
        }
        let whole = digits.count - decimals
        var integerPart = digits[..<whole].map(String.init).joined()
        if integerPart.isEmpty { integerPart = "0" }
        if !thousands.isEmpty && integerPart.count > 3 {
            var grouped = ""
            for (offset, character) in integerPart.enumerated() {
                if offset > 0 && (integerPart.count - offset) % 3 == 0 { grouped += thousands }
                grouped.append(character)
            }
            integerPart = grouped
        }
        let result = integerPart + "." + digits[whole...].map(String.init).joined()
        let isZero = digits.allSatisfy { $0 == 0 }
        return (prefix.negative && !isZero ? "-" : "") + result
    }
}

/// The leading numeric part PHP's `floatval` reads from a string: `[+-]?(digits[.digits]|.digits)`.
struct NumericPrefix {
    var negative = false
    var integer: [UInt8] = []
    var fraction: [UInt8] = []
    /// Bytes consumed, sign and point included.
    var length = 0

    var hasDigits: Bool { !integer.isEmpty || !fraction.isEmpty }
    var canonical: String {
        (negative ? "-" : "") + (integer.isEmpty ? "0" : String(decoding: integer, as: UTF8.self))
            + "." + (fraction.isEmpty ? "0" : String(decoding: fraction, as: UTF8.self))
    }

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { integer.append(bytes[index]); index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "."),
           !integer.isEmpty || (index + 1 < bytes.count && (0x30...0x39).contains(bytes[index + 1])) {
            index += 1
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { fraction.append(bytes[index]); index += 1 }
        }
        length = hasDigits ? index : 0
    }
}

/// PHP integer conversions used by the product setters.
enum PHPInt {
    /// `(int) $value` for a JSON scalar; nil for an array or object.
    static func intval(_ value: JSONValue) -> Int64? {
        switch value {
        case .null: return 0
        case .bool(let flag): return flag ? 1 : 0
        case .number(let number): return clamp(number)
        case .string(let text):
            let trimmed = Substring(text).drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
            guard let prefix = NumericPrefix(String(trimmed)), prefix.hasDigits else { return 0 }
            var number = Double(prefix.canonical) ?? 0
            // A numeric prefix may carry an exponent ("1e3" is 1000 since PHP 7.1).
            let rest = Array(trimmed.utf8.dropFirst(prefix.length))
            if let first = rest.first, first == UInt8(ascii: "e") || first == UInt8(ascii: "E"),
               let exponent = Int(String(decoding: rest.dropFirst().prefix { $0 == 0x2D || $0 == 0x2B || (0x30...0x39).contains($0) }, as: UTF8.self)) {
                number *= pow(10, Double(max(-400, min(400, exponent))))
            }
            return clamp(number)
        case .array, .object: return nil
        }
    }

    /// Truncates toward zero, saturating at the Int64 range (as PHP does for numeric strings).
    static func clamp(_ number: Double) -> Int64 {
        guard number.isFinite else { return 0 }
        if number >= 0x1p63 { return .max }
        if number <= -0x1p63 { return .min }
        return Int64(number.rounded(.towardZero))
    }

    /// `set_download_limit` / `set_download_expiry`: `-1` or `""` → `-1`, otherwise `absint`. nil for an array or object.
    static func limit(_ value: JSONValue) -> Int64? {
        if case .string(let text) = value, text.isEmpty { return -1 }
        guard let number = intval(value) else { return nil }
        return number == -1 ? -1 : (number == .min ? .max : abs(number))
    }
}
