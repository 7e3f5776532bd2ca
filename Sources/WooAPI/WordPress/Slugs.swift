import Foundation

/// Post slugs: WordPress's `sanitize_title` and the helpers `wp_unique_post_slug` relies on.
extension Sanitize {
    /// `sanitize_title` in the save context (`remove_accents`, then `sanitize_title_with_dashes`).
    package static func title(_ title: String) -> String {
        var s = stripTags(title).folding(options: [.diacriticInsensitive], locale: nil)
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
        s = removeEntities(s.replacingOccurrences(of: "%c3%97", with: "x")).replacingOccurrences(of: ".", with: "-")
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
                if index + 2 < bytes.count, isSlugHex(bytes[index + 1]), isSlugHex(bytes[index + 2]) {
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

    private static func isSlugHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}
