import Foundation

/// PHP's and WordPress's URL functions as the API reproduces them: `urlencode`, `parse_url` (enough for file URLs),
/// `esc_url_raw` and `wc_get_filename_from_url`. Request decoding (RFC 3986, decisions #25) is `PercentDecoding`'s.
enum URLEncoding {
    /// PHP's `urlencode`: every byte but `A-Z a-z 0-9 - _ .` percent-encoded (upper-case hex), space as `+`.
    static func formEncode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                out.append(byte)
            case UInt8(ascii: " "): out.append(UInt8(ascii: "+"))
            default: out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
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
}
