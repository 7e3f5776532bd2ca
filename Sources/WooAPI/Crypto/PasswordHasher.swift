/// Password storage per decisions #30: never plain text, never logged.
///
/// A password a client sends gets PBKDF2-HMAC-SHA256 with 600,000 iterations and a 16-byte random salt
/// (OWASP Password Storage Cheat Sheet's minimum for PBKDF2-SHA256), computed off the I/O threads. A password
/// the server generates carries ≥ 128 random bits, so a single salted SHA-256 is already infeasible to invert
/// and keeps creates fast. The stored string names its scheme, so both verify through one path.
package enum PasswordHasher {
    /// OWASP's minimum PBKDF2-HMAC-SHA256 work factor.
    package static let iterations = 600_000
    /// The alphabet WordPress's `wp_generate_password` uses.
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()".utf8)

    /// Slow KDF hash of a client-chosen password: `pbkdf2_sha256$600000$<salt>$<hash>` (Base64 parts).
    package static func hash(_ password: String, iterations: Int = iterations) -> String {
        let salt = Crypto.randomBytes(16)
        let derived = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: 32)
        return "pbkdf2_sha256$\(iterations)$\(Crypto.base64(salt))$\(Crypto.base64(derived))"
    }

    /// Fast salted hash for a server-generated high-entropy password: `sha256$<salt>$<hash>`.
    package static func hashGenerated(_ password: String) -> String {
        let salt = Crypto.randomBytes(16)
        return "sha256$\(Crypto.base64(salt))$\(Crypto.base64(Crypto.sha256(salt + Array(password.utf8))))"
    }

    /// Whether `password` matches a stored hash of either scheme, compared in constant time.
    package static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        switch parts.first {
        case "pbkdf2_sha256":
            guard parts.count == 4, let rounds = Int(parts[1]), rounds > 0,
                  let salt = Crypto.base64Decode(parts[2]), let expected = Crypto.base64Decode(parts[3]) else { return false }
            let derived = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: rounds, length: expected.count)
            return Crypto.constantTimeEqual(derived, expected)
        case "sha256":
            guard parts.count == 3, let salt = Crypto.base64Decode(parts[1]), let expected = Crypto.base64Decode(parts[2]) else {
                return false
            }
            return Crypto.constantTimeEqual(Crypto.sha256(salt + Array(password.utf8)), expected)
        default:
            return false
        }
    }

    /// A new random password: 24 characters of a 72-symbol alphabet, about 148 bits.
    package static func generatePassword(length: Int = 24) -> String {
        var out: [UInt8] = []
        while out.count < length {
            for byte in Crypto.randomBytes(length * 2) where out.count < length {
                // Rejection sampling keeps every symbol equally likely: 216 = 3 × 72.
                if byte < 216 { out.append(alphabet[Int(byte) % alphabet.count]) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
