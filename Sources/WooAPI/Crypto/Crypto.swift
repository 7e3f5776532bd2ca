import CCrypto
import HTTP

/// Digests, HMACs, key derivation and random bytes from libcrypto; no hand-written cryptography.
package enum Crypto {
    /// HMAC-SHA256 of `message` under `key` (`HMAC` with `EVP_sha256`).
    package static func hmacSHA256(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        hmac(EVP_sha256(), key: Array(key), message: Array(message), length: 32)
    }

    /// HMAC-SHA1 of `message` under `key` (`HMAC` with `EVP_sha1`), for OAuth 1.0a.
    package static func hmacSHA1(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        hmac(EVP_sha1(), key: Array(key), message: Array(message), length: 20)
    }

    /// MD5 of `bytes`, for Gravatar URLs only (`EVP_Digest` with `EVP_md5`).
    package static func md5(_ bytes: some Collection<UInt8>) -> [UInt8] {
        digest(EVP_md5(), Array(bytes), length: 16)
    }

    /// SHA-256 of `bytes` (`EVP_Digest` with `EVP_sha256`).
    package static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        digest(EVP_sha256(), Array(bytes), length: 32)
    }

    /// PBKDF2-HMAC-SHA256 (`PKCS5_PBKDF2_HMAC`).
    package static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { passwordBytes in
            salt.withUnsafeBufferPointer { saltBytes in
                PKCS5_PBKDF2_HMAC(
                    passwordBytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    Int32(password.count), saltBytes.baseAddress, Int32(salt.count), Int32(iterations),
                    EVP_sha256(), Int32(length), &output)
            }
        }
        precondition(ok == 1, "PKCS5_PBKDF2_HMAC failed")
        return output
    }

    /// `count` bytes from the operating system's CSPRNG via libcrypto (`RAND_bytes`).
    package static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        precondition(RAND_bytes(&bytes, Int32(count)) == 1, "RAND_bytes failed")
        return bytes
    }

    /// Compares two byte strings in time that depends only on their lengths (`CRYPTO_memcmp`).
    package static func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        let x = Array(a), y = Array(b)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBytes { p in y.withUnsafeBytes { q in CRYPTO_memcmp(p.baseAddress, q.baseAddress, x.count) == 0 } }
    }

    /// Compares stored bytes with a presented string in time that depends only on their lengths.
    package static func constantTimeEqual(_ stored: [UInt8], _ presented: String) -> Bool {
        var presented = presented
        return presented.withUTF8 { bytes in
            guard bytes.count == stored.count else { return false }
            if bytes.isEmpty { return true }
            return stored.withUnsafeBytes { CRYPTO_memcmp($0.baseAddress, bytes.baseAddress, bytes.count) == 0 }
        }
    }

    /// Lowercase hexadecimal.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard Base64 with padding (RFC 4648 §4).
    package static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let n = UInt32(bytes[index]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard Base64 (padding optional); nil on any invalid character.
    package static func base64Decode(_ text: some StringProtocol) -> [UInt8]? {
        text.withUTF8Buffer { base64Decode(bytes: $0) }
    }

    /// Decodes standard Base64 bytes (padding optional); nil on any invalid character.
    package static func base64Decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        text.withUnsafeBufferPointer { base64Decode(bytes: $0) }
    }

    /// The 6-bit value of each Base64 byte; 0x40 for `=` (skipped), 0xFF for anything invalid.
    private static let base64Values: [UInt8] = (0..<256).map { byte -> UInt8 in
        switch byte {
        case 0x41...0x5A: UInt8(byte - 0x41)
        case 0x61...0x7A: UInt8(byte - 0x61 + 26)
        case 0x30...0x39: UInt8(byte - 0x30 + 52)
        case 0x2B: 62
        case 0x2F: 63
        case 0x3D: 0x40
        default: 0xFF
        }
    }

    /// Decodes standard Base64 bytes (padding optional, `=` ignored wherever it is); nil on any invalid byte.
    package static func base64Decode(bytes text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let input = text.baseAddress, !text.isEmpty else { return [] }
        return base64Values.withUnsafeBufferPointer { values -> [UInt8]? in
            let table = values.baseAddress!
            var invalid = false
            let out = [UInt8](unsafeUninitializedCapacity: text.count * 3 / 4 + 1) { buffer, count in
                let output = buffer.baseAddress!
                let end = text.count
                var index = 0
                var written = 0
                // Whole groups of four plain characters: 24 bits at a time.
                while index + 4 <= end {
                    let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                    let c = table[Int(input[index + 2])], d = table[Int(input[index + 3])]
                    if (a | b | c | d) >= 0x40 { break }  // `=` or an invalid byte: the careful loop below
                    let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    output[written] = UInt8(truncatingIfNeeded: group >> 16)
                    output[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                    output[written + 2] = UInt8(truncatingIfNeeded: group)
                    written += 3
                    index += 4
                }
                // The rest one character at a time (the loop above always stops on a group boundary).
                var accumulator: UInt32 = 0
                var bits = 0
                while index < end {
                    let value = table[Int(input[index])]
                    index += 1
                    if value == 0x40 { continue }
                    if value == 0xFF { invalid = true; break }
                    accumulator = accumulator << 6 | UInt32(value)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        output[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                        written += 1
                    }
                }
                count = written
            }
            return invalid ? nil : out
        }
    }

    private static func hmac(_ md: OpaquePointer?, key: [UInt8], message: [UInt8], length: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 64)
        var outputLength: UInt32 = 0
        key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                _ = HMAC(md, keyBytes.baseAddress, Int32(key.count), messageBytes.baseAddress, message.count,
                         &output, &outputLength)
            }
        }
        precondition(Int(outputLength) == length, "HMAC failed")
        return Array(output.prefix(length))
    }

    private static func digest(_ md: OpaquePointer?, _ bytes: [UInt8], length: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 64)
        var outputLength: UInt32 = 0
        bytes.withUnsafeBytes { input in
            _ = EVP_Digest(input.baseAddress, input.count, &output, &outputLength, md, nil)
        }
        precondition(Int(outputLength) == length, "EVP_Digest failed")
        return Array(output.prefix(length))
    }
}
