import Foundation

/// WordPress's output filters on one line of clean text, as products print descriptions: `wpautop` and the common
/// `wptexturize` rules.
package enum TextFilters {
    /// `wpautop` of text already through `wc_clean` (one line, no tags): `"<p>text</p>\n"`, or `""` when blank.
    package static func autop(_ text: String) -> String {
        text.trimmingWhitespace.isEmpty ? "" : "<p>" + text + "</p>\n"
    }

    /// The `woocommerce_short_description` filters on clean text: `wptexturize` (the common rules: ellipsis,
    /// dashes, curly quotes, primes, `&` → `&#038;`), then `wpautop`.
    package static func shortDescription(_ text: String) -> String {
        autop(texturize(text))
    }

    /// The common `wptexturize` rules on one line of text without tags.
    package static func texturize(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var s = text.replacingOccurrences(of: "...", with: "&#8230;").replacingOccurrences(of: "``", with: "&#8220;")
            .replacingOccurrences(of: "''", with: "&#8221;").replacingOccurrences(of: " (tm)", with: " &#8482;")
        let chars = Array(s)
        var out = ""
        func isSpace(_ c: Character?) -> Bool { c == nil || c == " " || c == "\u{A0}" }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let before: Character? = i > 0 ? chars[i - 1] : nil
            let after: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            switch c {
            case "'":
                if before == nil || isSpace(before) || "([{\"-".contains(before!) {
                    out += "&#8216;"
                } else if let b = before, b.isNumber, after == nil || isSpace(after) || after!.isPunctuation {
                    out += "&#8242;"
                } else {
                    out += "&#8217;"
                }
            case "\"":
                if (before == nil || isSpace(before) || "([{-".contains(before!)) && !isSpace(after) {
                    out += "&#8220;"
                } else if let b = before, b.isNumber {
                    out += "&#8243;"
                } else {
                    out += "&#8221;"
                }
            case "-":
                if after == "-" && i + 2 < chars.count && chars[i + 2] == "-" {
                    out += "&#8212;"
                    i += 2
                } else if after == "-" {
                    let next: Character? = i + 2 < chars.count ? chars[i + 2] : nil
                    out += isSpace(before) && isSpace(next) ? "&#8212;" : "&#8211;"
                    i += 1
                } else if isSpace(before) && isSpace(after) {
                    out += "&#8211;"
                } else {
                    out.append(c)
                }
            default:
                out.append(c)
            }
            i += 1
        }
        s = out
        return escapeAmpersands(s)
    }

    /// `&` that does not start an entity becomes `&#038;` (`wptexturize`, `convert_chars`).
    static func escapeAmpersands(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            out += isEntity(after) ? "&" : "&#038;"
            rest = after
        }
        return out + rest
    }

    private static func isEntity(_ text: Substring) -> Bool {
        guard let semicolon = text.prefix(10).firstIndex(of: ";") else { return false }
        let body = text[..<semicolon]
        if body.hasPrefix("#x") || body.hasPrefix("#X") {
            return body.count > 2 && body.dropFirst(2).allSatisfy(\.isHexDigit)
        }
        if body.hasPrefix("#") { return body.count > 1 && body.dropFirst().allSatisfy { $0.isASCII && $0.isNumber } }
        return (1...8).contains(body.count) && body.allSatisfy { $0.isASCII && ($0.isLetter || ("1"..."4").contains($0)) }
    }
}
