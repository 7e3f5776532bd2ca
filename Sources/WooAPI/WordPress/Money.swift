import Foundation

/// Money as the real store keeps and prints it (products-orders §0 "Number formatting", §1.1, §2.4, §3), with one entry point
/// per kind of amount:
/// - product prices are stored text (what `wc_format_decimal` leaves), printed with `number_format` rounding done on
///   the decimal digits themselves (``formatted(_:)``, ``html(_:)``);
/// - order amounts are PHP floats, printed with `number_format` after PHP's pre-rounding (``format(_:dp:)``,
///   ``write(_:dp:to:)``);
/// - a customer's `total_spent` is kept in integer cents (``format(cents:)``).
/// Prices and order amounts both round half away from zero, but they are kept apart on purpose: sending a stored
/// price through a `Double` would lose digits a long price string keeps, and the float path is the hot one for
/// orders (no `String` per amount).
package enum Money {
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

    // MARK: Order amounts (PHP floats)

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
            let stored = stored(from: value!) ?? ""
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

    // MARK: Integer cents (a customer's `total_spent`)

    /// Formats integer cents as the API prints money: two decimals, `.` separator, no grouping (`"48.98"`).
    package static func format(cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Parses a decimal amount (`"12"`, `"12.5"`, `12.345`) to cents, rounding half away from zero; nil if not a number.
    package static func cents(from text: String) -> Int64? {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty, let value = Double(trimmed), value.isFinite, abs(value) < 1e15 else { return nil }
        return Int64((value * 100).rounded(.toNearestOrAwayFromZero))
    }
}
