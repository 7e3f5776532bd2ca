#if canImport(Glibc)
import Glibc
#endif

/// Byte-level access to text for the hot paths: native Swift strings keep their UTF-8 contiguously, so scanning
/// it through a buffer pointer costs a loop over bytes instead of the generic `UTF8View` iterator (measured with
/// callgrind: ~10× fewer instructions for a header value), and never goes through Foundation's `NSString`
/// search, which `String.contains(String)` picks when Foundation is imported.
extension StringProtocol {
    /// Runs `body` with the text's UTF-8 bytes; copies them only for a string that is not stored contiguously.
    @inlinable
    package func withUTF8Buffer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        return try Array(utf8).withUnsafeBufferPointer(body)
    }

    /// Whether the UTF-8 text holds `byte` (an ASCII byte, so it never matches inside a multi-byte character).
    @inlinable
    package func containsUTF8Byte(_ byte: UInt8) -> Bool {
        withUTF8Buffer { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
            return memchr(base, Int32(byte), bytes.count) != nil
        }
    }

    /// Whether every byte is ASCII (below 0x80).
    @inlinable
    package var isASCIIText: Bool {
        withUTF8Buffer { bytes in
            var combined: UInt8 = 0
            for byte in bytes { combined |= byte }
            return combined < 0x80
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends a literal's UTF-8 bytes with one copy.
    @inlinable
    package mutating func appendLiteral(_ text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a string's UTF-8 bytes with one copy.
    @inlinable
    package mutating func appendUTF8(_ text: some StringProtocol) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends an integer in decimal without allocating.
    @inlinable
    package mutating func appendDecimal(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var rest = value.magnitude
        if rest < 10 { append(UInt8(truncatingIfNeeded: 0x30 + rest)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        Swift.withUnsafeMutableBytes(of: &digits) { raw in
            var start = raw.count
            while rest > 0 {
                start -= 1
                raw[start] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            }
            append(contentsOf: raw[start...])
        }
    }
}
