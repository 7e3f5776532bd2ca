import HTTP

/// Percent-decoding done exactly once (DECISIONS #25): RFC 3986 for paths, form rules (`+` is a space) for queries.
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
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x25, index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            out.append(byte == 0x2B && plusIsSpace ? 0x20 : byte)
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    /// RFC 3986 percent-encoding of everything except unreserved characters (PHP `rawurlencode`).
    package static func encode(_ text: some StringProtocol, keeping extra: String = "") -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        let keep = Array(extra.utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            if isUnreserved(byte) || keep.contains(byte) {
                out.append(byte)
            } else {
                out += [0x25, digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

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
