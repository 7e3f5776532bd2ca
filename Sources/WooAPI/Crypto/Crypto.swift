import CCrypto

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
        base64Decode(Array(text.utf8)[...])
    }

    /// Decodes standard Base64 bytes (padding optional); nil on any invalid character.
    package static func base64Decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - 48 + 52)
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
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
