import Foundation
import HTTP

/// WordPress's sanitizers, as far as the API applies them (customers §4.2, §4.3, §7.3); `sanitize_title` is in Slugs.swift.
package enum Sanitize {
    /// `sanitize_text_field`: strip tags, remove `%xx` octets, collapse whitespace runs to one space, trim.
    /// Backslashes are kept (decisions #26).
    package static func textField(_ text: String) -> String {
        collapseWhitespace(removeOctets(stripTags(text)))
    }

    /// `sanitize_user`: strip tags, transliterate accents, remove octets and entities, optionally keep only
    /// `A-Za-z0-9 _.-@` (strict), trim and collapse whitespace. Case is kept.
    package static func username(_ text: String, strict: Bool) -> String {
        var result = stripTags(text)
        if !result.isASCIIText {  // ASCII has no diacritics to fold
            result = result.folding(options: [.diacriticInsensitive], locale: nil)
        }
        result = removeOctets(result)
        result = removeEntities(result)
        if strict {
            // Only ASCII letters, digits and ` _.-@` survive: a byte filter (every other byte, including each
            // byte of a multi-byte character, goes).
            result = result.withUTF8Buffer { bytes in
                if bytes.allSatisfy(isStrictUsernameByte) { return result }
                return String(decoding: bytes.filter(isStrictUsernameByte), as: UTF8.self)
            }
        }
        return collapseWhitespace(result)
    }

    private static func isStrictUsernameByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == 0x20 || byte == 0x5F || byte == 0x2E || byte == 0x2D || byte == 0x40
    }

    /// WordPress `validate_username` on an already sanitized login: non-empty and equal to its strict form.
    package static func isValidUsername(_ sanitized: String) -> Bool {
        !sanitized.isEmpty && sanitized == username(sanitized, strict: true)
    }

    /// WordPress `is_email` (customers §4.3).
    package static func isEmail(_ email: String) -> Bool {
        email.withUTF8Buffer { isEmail(bytes: $0) }
    }

    private static func isEmail(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 6, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0 else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard local.allSatisfy({ isAlphanumeric($0) || isLocalPartSymbol($0) }) else { return false }
        guard !zip(domain, domain.dropFirst()).contains(where: { $0 == 0x2E && $1 == 0x2E }),
              let first = domain.first, let last = domain.last,
              !isTrimmed(first, extra: "."), !isTrimmed(last, extra: ".") else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard let head = label.first, let tail = label.last, !isTrimmed(head, extra: "-"), !isTrimmed(tail, extra: "-"),
                  label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else { return false }
        }
        return true
    }

    /// `!#$%&'*+/=?^_`{|}~.-`, allowed in an email's local part besides letters and digits.
    private static func isLocalPartSymbol(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2F, 0x3D, 0x3F, 0x5E, 0x5F, 0x60, 0x7B, 0x7C, 0x7D, 0x7E,
             0x2E, 0x2D: true
        default: false
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
    }

    private static func isTrimmed(_ byte: UInt8, extra: Character) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x00 || byte == 0x0B || byte == extra.asciiValue!
    }

    /// Removes `<…>` tags (and `<script>`/`<style>` contents), as `wp_strip_all_tags`.
    static func stripTags(_ text: String) -> String {
        guard text.containsUTF8Byte(UInt8(ascii: "<")) else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            output += rest[..<open]
            let afterOpen = rest[rest.index(after: open)...]
            guard let next = afterOpen.first, next.isLetter || next == "/" || next == "!" || next == "?",
                  let close = afterOpen.firstIndex(of: ">") else {
                output.append("<")
                rest = afterOpen
                continue
            }
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        return output + rest
    }

    /// Removes `%xx` octets.
    static func removeOctets(_ text: String) -> String {
        guard text.containsUTF8Byte(UInt8(ascii: "%")) else { return text }
        var output: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) {
                index += 3
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Removes `&…;` entities.
    static func removeEntities(_ text: String) -> String {
        guard text.containsUTF8Byte(UInt8(ascii: "&")) else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.firstIndex(of: ";"), semicolon > after.startIndex {
                rest = after[after.index(after: semicolon)...]
            } else {
                output.append("&")
                rest = after
            }
        }
        return output + rest
    }

    /// Collapses runs of whitespace to one space and trims.
    static func collapseWhitespace(_ text: String) -> String {
        // Already collapsed (ASCII, single inner spaces, no tab/newline, nothing to trim): as is.
        let collapsed = text.withUTF8Buffer { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return true }
            guard first != 0x20, last != 0x20 else { return false }
            var previous: UInt8 = 0
            for byte in bytes {
                if byte >= 0x80 || (byte >= 0x09 && byte <= 0x0D) || (byte == 0x20 && previous == 0x20) { return false }
                previous = byte
            }
            return true
        }
        if collapsed { return text }
        return text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66)
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF, NUL), as PHP's `trim`.
    package var trimmingWhitespace: String {
        let text = String(self)
        let utf8 = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || byte == 0 }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        return String(decoding: utf8[first...last], as: UTF8.self)
    }
}
