import Foundation

/// PHP 8's comparison of numeric strings, as prices are compared (`<=>` on two strings).
enum PHPNumericString {
    /// PHP 8's `<=>` on two strings: numerically when both are numeric strings, otherwise byte-wise (`strcmp`).
    static func compare(_ a: String, _ b: String) -> Int {
        if let x = value(a), let y = value(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        let (l, r) = (Array(a.utf8), Array(b.utf8))
        for (p, q) in zip(l, r) where p != q { return p < q ? -1 : 1 }
        return l.count < r.count ? -1 : (l.count > r.count ? 1 : 0)
    }

    /// The value of a PHP numeric string (`-12`, `1.`, `.5`; no exponent or spaces survive `wc_format_decimal`).
    static func value(_ text: String) -> Double? {
        guard let prefix = NumericPrefix(text), prefix.length == text.utf8.count, prefix.hasDigits else { return nil }
        return Double(prefix.canonical)
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

/// PHP integer conversions (`intval`, `absint`), as the product setters apply them.
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
