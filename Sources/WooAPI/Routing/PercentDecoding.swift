import HTTP

/// Percent-decoding done exactly once (decisions #25): RFC 3986 for paths, form rules (`+` is a space) for queries.
package enum PercentDecoding {
    /// Decodes `%XX` octets; `plusIsSpace` for `application/x-www-form-urlencoded` query strings.
    /// Returns nil when the result is not valid UTF-8. A `%` not followed by two hex digits stays literal.
    package static func decode(_ text: some StringProtocol, plusIsSpace: Bool) -> String? {
        text.withUTF8Buffer { decode(bytes: $0, plusIsSpace: plusIsSpace) }
    }

    /// ``decode(_:plusIsSpace:)`` on bytes that were valid UTF-8 text (a slice of a string cut at ASCII bytes).
    package static func decode(bytes: UnsafeBufferPointer<UInt8>, plusIsSpace: Bool) -> String? {
        if !bytes.contains(where: { $0 == 0x25 || ($0 == 0x2B && plusIsSpace) }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(validating: decodedBytes(bytes, plusIsSpace: plusIsSpace), as: UTF8.self)
    }

    /// Decodes `%XX` octets (and `+` when `plusIsSpace`) to raw bytes, with no UTF-8 check (OAuth's second
    /// decode may produce any byte). A `%` not followed by two hex digits stays literal.
    package static func decodedBytes(_ text: some Collection<UInt8>, plusIsSpace: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = text.startIndex
        while index != text.endIndex {
            let byte = text[index]
            index = text.index(after: index)
            if byte == 0x25, index != text.endIndex {
                let second = text.index(after: index)
                if second != text.endIndex, let high = hexValue(text[index]), let low = hexValue(text[second]) {
                    out.append(high << 4 | low)
                    index = text.index(after: second)
                    continue
                }
            }
            out.append(byte == 0x2B && plusIsSpace ? 0x20 : byte)
        }
        return out
    }

    /// RFC 3986 percent-encoding of everything except unreserved characters (PHP `rawurlencode`).
    package static func encode(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        appendEncoded(text.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// ``encode(_:)`` onto `out`, each escaped byte as `escape` + two upper-case hex digits (`%25` instead of `%`
    /// encodes a second time, as OAuth's base string does).
    package static func appendEncoded(_ bytes: some Sequence<UInt8>, escape: [UInt8] = [0x25], to out: inout [UInt8]) {
        for byte in bytes {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out += escape
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    @inline(__always) static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    @inline(__always) private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
