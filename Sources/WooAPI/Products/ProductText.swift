import Foundation

/// WordPress text functions as far as products use them: output filters (`wpautop`, `wptexturize`), slugs
/// (`sanitize_title`), file URLs (`esc_url_raw`, `wc_get_filename_from_url`) and `wp_generate_uuid4`.
package enum ProductText {
    // MARK: Output filters

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

    // MARK: Slugs

    /// `sanitize_title` in the save context (`remove_accents`, then `sanitize_title_with_dashes`).
    package static func sanitizeTitle(_ title: String) -> String {
        var s = Sanitize.stripTags(title).folding(options: [.diacriticInsensitive], locale: nil)
        s = preserveOctets(s)
        s = uriEncode(s.lowercased(), limit: 200).lowercased()
        for dash in ["%c2%a0", "%e2%80%93", "%e2%80%94", "&nbsp;", "&#160;", "&ndash;", "&#8211;", "&mdash;", "&#8212;", "/"] {
            s = s.replacingOccurrences(of: dash, with: "-")
        }
        for strip in ["%c2%ad", "%c2%a1", "%c2%bf", "%c2%ab", "%c2%bb", "%e2%80%b9", "%e2%80%ba", "%e2%80%98", "%e2%80%99",
                      "%e2%80%9c", "%e2%80%9d", "%e2%80%9a", "%e2%80%9b", "%e2%80%9e", "%e2%80%9f", "%c2%a9", "%c2%ae",
                      "%c2%b0", "%e2%80%a6", "%e2%84%a2", "%c2%b4", "%cb%8a", "%cc%81", "%cd%81", "%cc%80", "%cc%84", "%cc%8c"] {
            s = s.replacingOccurrences(of: strip, with: "")
        }
        s = Sanitize.removeEntities(s.replacingOccurrences(of: "%c3%97", with: "x")).replacingOccurrences(of: ".", with: "-")
        var bytes: [UInt8] = []
        for byte in s.utf8 {
            switch byte {
            case 0x25, 0x30...0x39, 0x61...0x7A, 0x5F, 0x2D: bytes.append(byte)
            case 0x20: if bytes.last != 0x2D { bytes.append(0x2D) }
            default: break
            }
        }
        var collapsed: [UInt8] = []
        for byte in bytes where !(byte == 0x2D && collapsed.last == 0x2D) { collapsed.append(byte) }
        while collapsed.first == 0x2D { collapsed.removeFirst() }
        while collapsed.last == 0x2D { collapsed.removeLast() }
        return String(decoding: collapsed, as: UTF8.self)
    }

    /// Keeps `%xx` octets, drops any other `%`.
    private static func preserveOctets(_ text: String) -> String {
        guard text.contains("%") else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25 {
                if index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) {
                    out += bytes[index...index + 2]
                    index += 3
                } else {
                    index += 1
                }
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `utf8_uri_encode`: non-ASCII bytes as lower-case `%xx`, at most `limit` output characters, whole characters only.
    static func uriEncode(_ text: String, limit: Int) -> String {
        var out = ""
        var length = 0
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                if length >= limit { break }
                out.unicodeScalars.append(scalar)
                length += 1
            } else {
                let encoded = Array(String(scalar).utf8)
                if length + encoded.count * 3 > limit { break }
                for byte in encoded { out += "%" + String(byte, radix: 16) }
                length += encoded.count * 3
            }
        }
        return out
    }

    /// `_truncate_post_slug`: at most `length` bytes, never cutting a `%xx` octet.
    static func truncateSlug(_ slug: String, _ length: Int) -> String {
        var bytes = Array(slug.utf8)
        guard bytes.count > length else { return slug }
        bytes = Array(bytes.prefix(length))
        if let percent = bytes.suffix(2).lastIndex(of: 0x25) { bytes.removeSubrange(percent...) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Download files

    /// `WC_Product_Download::get_type_of_file_path`: http(s) or scheme-relative URLs with a host are absolute,
    /// `[…]` is a shortcode, everything else is a path on the server.
    enum FileKind { case absolute, shortcode, relative }

    static func kind(of file: String) -> FileKind {
        if let host = urlParts(file).host, !host.isEmpty {
            let scheme = urlParts(file).scheme
            if scheme == nil || scheme == "http" || scheme == "https" { return .absolute }
        }
        return file.hasPrefix("[") && file.hasSuffix("]") ? .shortcode : .relative
    }

    /// Scheme, host and path of a URL, as `parse_url` splits them (enough for file URLs).
    static func urlParts(_ url: String) -> (scheme: String?, host: String?, path: String?) {
        var rest = Substring(url)
        var scheme: String?
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].first?.isLetter == true,
           rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }) {
            scheme = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        var host: String?
        if rest.hasPrefix("//") {
            let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            rest = rest.dropFirst(2 + authority.count)
            var hostPart = authority.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            if let colon = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") { hostPart = String(hostPart[..<colon]) }
            host = hostPart
        }
        let path = rest.prefix { $0 != "?" && $0 != "#" }
        return (scheme, host, path.isEmpty ? nil : String(path))
    }

    /// `esc_url_raw` for an absolute URL: spaces to `%20`, characters outside the URL set dropped, `%0a`/`%0d` removed.
    static func escapeURL(_ url: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-~+_.?#=!&;,/:%@$|*'()[]".utf8)
        var bytes: [UInt8] = []
        for byte in Substring(url).drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).utf8 {
            if byte == 0x20 { bytes += Array("%20".utf8) } else if allowed.contains(byte) || byte >= 0x80 { bytes.append(byte) }
        }
        var text = String(decoding: bytes, as: UTF8.self)
        var changed = true
        while changed {
            let before = text
            for bad in ["%0d", "%0a", "%0D", "%0A"] { text = text.replacingOccurrences(of: bad, with: "") }
            changed = before != text
        }
        return text.replacingOccurrences(of: ";//", with: "://")
    }

    /// `wc_get_filename_from_url`: the basename of the URL's path, or `""`.
    static func filename(fromURL url: String) -> String {
        guard let path = urlParts(url).path else { return "" }
        return path.split(separator: "/").last.map(String.init) ?? ""
    }

    /// `wp_generate_uuid4`: a random version-4 UUID in lower case.
    package static func uuid4() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}
