import Foundation
@testable import WooAPI
import TestSupport
import XCTest

/// `Crypto.base64Decode` (table-driven, four characters at a time) against the previous decoder
/// (``ReferenceCrypto``) and Foundation.
final class Base64EquivalenceTests: XCTestCase {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let invalid: [UInt8] = Array(" \t\r\n-_*.:,;!\"#$%&'()<>?@[]^`{|}~\\".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xA9, 0xFF]

    /// The three overloads on the same bytes; `bytes:` also on a buffer whose base address is nil.
    private func decodeAllWays(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> [UInt8]? {
        let viaSlice = Crypto.base64Decode(bytes[...])
        let viaBuffer = bytes.withUnsafeBufferPointer { Crypto.base64Decode(bytes: $0) }
        XCTAssertEqual(viaSlice, viaBuffer, "ArraySlice vs buffer on \(EquivalenceText.escaped(bytes: bytes))", file: file, line: line)
        if let text = String(validating: bytes, as: UTF8.self) {
            XCTAssertEqual(Crypto.base64Decode(text), viaSlice, "String on \(EquivalenceText.escaped(text))", file: file, line: line)
            XCTAssertEqual(Crypto.base64Decode(Substring(text)), viaSlice, "Substring on \(EquivalenceText.escaped(text))", file: file, line: line)
        }
        return viaSlice
    }

    func testKnownValues() {
        XCTAssertEqual(Crypto.base64Decode(""), [])
        XCTAssertEqual(Crypto.base64Decode("QUJD"), Array("ABC".utf8))
        XCTAssertEqual(Crypto.base64Decode("QUI="), Array("AB".utf8))
        XCTAssertEqual(Crypto.base64Decode("QUI"), Array("AB".utf8))
        XCTAssertEqual(Crypto.base64Decode("QQ=="), Array("A".utf8))
        XCTAssertEqual(Crypto.base64Decode("Q"), [])  // six bits make no byte
        XCTAssertEqual(Crypto.base64Decode("===="), [])
        XCTAssertEqual(Crypto.base64Decode("Q=U=J=D="), Array("ABC".utf8))  // `=` is skipped wherever it is
        XCTAssertEqual(Crypto.base64Decode("QUJDREVGR0hJ"), Array("ABCDEFGHI".utf8))
        XCTAssertEqual(Crypto.base64Decode("++//"), [0xFB, 0xEF, 0xFF])
        XCTAssertNil(Crypto.base64Decode("QUJD RA"))
        XCTAssertNil(Crypto.base64Decode("QUJDREVG-"))
        XCTAssertNil(Crypto.base64Decode("QUJDé"))
        XCTAssertNil(Crypto.base64Decode("QUJD\n"))
    }

    func testEmptyBufferWithoutBaseAddressDecodesToNothing() {
        XCTAssertEqual(Crypto.base64Decode(bytes: UnsafeBufferPointer(start: nil, count: 0)), [])
        XCTAssertEqual(Crypto.base64Decode(ArraySlice<UInt8>()), [])
    }

    func testEdgeCasesMatchReference() {
        let cases = ["", "=", "==", "====", "A", "QQ", "QQ=", "QQ==", "QQ===", "=QQ==", "Q=Q=", "QUJD", "QUJD=", "=QUJD",
                     "QU=JD", "QUJ=D", "QUJDR", "QUJDRA", "QUJDRA=", "QUJDREU", "QUJDREVG", "QUJDREVG====QUJD",
                     "QUJD!", "!QUJD", "QUJDREV!", "QUJDREVGRw", "AAAA", "////", "++++", "A===B===C===D===", "\u{0}"]
        for text in cases {
            XCTAssertEqual(decodeAllWays(Array(text.utf8)), ReferenceCrypto.base64Decode(text), EquivalenceText.escaped(text))
        }
    }

    /// Mostly valid characters with `=` anywhere and now and then an invalid byte (invalid UTF-8 included),
    /// lengths 0…200, so every position of the four-at-a-time loop meets each kind of byte.
    func testRandomInputMatchesReference() {
        var rng = SeededRandom(seed: 21)
        var mismatches = EquivalenceMismatches()
        var decoded = 0
        for _ in 0..<4000 {
            let length = rng.int(in: 0...200)
            let equalsPercent = rng.pick([0, 0, 1, 5, 30])
            let invalidPercent = rng.pick([0, 0, 0, 1, 3])
            var bytes: [UInt8] = []
            for _ in 0..<length {
                if rng.chance(equalsPercent) {
                    bytes.append(UInt8(ascii: "="))
                } else if rng.chance(invalidPercent) {
                    bytes.append(rng.pick(Self.invalid))
                } else {
                    bytes.append(rng.pick(Self.alphabet))
                }
            }
            let old = ReferenceCrypto.base64Decode(bytes[...])
            let new = decodeAllWays(bytes)
            if new != nil { decoded += 1 }
            mismatches.check(old == new, "base64Decode(\(EquivalenceText.escaped(bytes: bytes))): old \(String(describing: old)), new \(String(describing: new))")
        }
        mismatches.finish("base64Decode")
        XCTAssertGreaterThan(decoded, 1000)
    }

    func testArbitraryBytesMatchReference() {
        var rng = SeededRandom(seed: 22)
        var mismatches = EquivalenceMismatches()
        for _ in 0..<2000 {
            let bytes = rng.bytes(count: rng.int(in: 0...12))
            let old = ReferenceCrypto.base64Decode(bytes[...])
            let new = decodeAllWays(bytes)
            mismatches.check(old == new, "base64Decode(\(EquivalenceText.escaped(bytes: bytes))): old \(String(describing: old)), new \(String(describing: new))")
        }
        mismatches.finish("base64Decode")
    }

    /// Foundation's encoding decodes back to the bytes, padded or not; and whatever Foundation accepts as padded
    /// Base64 decodes to the same bytes.
    func testRoundTripsWithFoundation() {
        var rng = SeededRandom(seed: 23)
        for _ in 0..<1500 {
            let bytes = rng.bytes(count: rng.int(in: 0...150))
            let encoded = Data(bytes).base64EncodedString()
            XCTAssertEqual(Crypto.base64Decode(encoded), bytes, encoded)
            let unpadded = String(encoded.prefix { $0 != "=" })
            XCTAssertEqual(Crypto.base64Decode(unpadded), bytes, unpadded)
            XCTAssertEqual(Crypto.base64(bytes), encoded)
        }
        for _ in 0..<1500 {
            let length = rng.int(in: 0...40) * 4
            var text = String(decoding: (0..<length).map { _ in rng.pick(Self.alphabet) }, as: UTF8.self)
            if length > 0, rng.chance(50) { text = String(text.dropLast(rng.int(in: 1...2))) }
            if text.utf8.count % 4 != 0 { text += String(repeating: "=", count: 4 - text.utf8.count % 4) }
            guard let foundation = Data(base64Encoded: text) else { continue }
            XCTAssertEqual(Crypto.base64Decode(text), Array(foundation), text)
        }
    }
}

/// `Authenticator.basicCredentials` against the previous implementation (``ReferenceAuthenticator``), and the
/// promise of `plainBasicCredentials`: whenever it answers, the general path would have found the same key (already
/// normalized) and the same secret.
final class BasicCredentialsEquivalenceTests: XCTestCase {
    private func header(_ scheme: String, _ payload: [UInt8]) -> String { scheme + Data(payload).base64EncodedString() }

    func testPlainCredentialsOfAnIssuedKey() throws {
        let value = header("Basic ", Array("ck_0123abcd:cs_4567ef".utf8))
        let plain = try XCTUnwrap(Authenticator.plainBasicCredentials(value))
        XCTAssertEqual(plain.key, "ck_0123abcd")
        XCTAssertEqual(plain.secret, Array("cs_4567ef".utf8))
        let basic = try XCTUnwrap(Authenticator.basicCredentials(value))
        XCTAssertEqual(basic.0, "ck_0123abcd")
        XCTAssertEqual(basic.1, "cs_4567ef")
    }

    func testSchemeIsCaseInsensitiveAndSpacesAroundThePayloadAreSkipped() throws {
        for scheme in ["basic ", "BASIC ", "bAsIc ", "Basic    "] {
            let value = header(scheme, Array("u:p".utf8)) + " \t "
            XCTAssertEqual(Authenticator.plainBasicCredentials(value)?.key, "u", EquivalenceText.escaped(value))
            XCTAssertEqual(Authenticator.basicCredentials(value)?.1, "p", EquivalenceText.escaped(value))
        }
        XCTAssertNil(Authenticator.basicCredentials(header("Basic\t", Array("u:p".utf8))))
        XCTAssertNil(Authenticator.basicCredentials(header("Bearer ", Array("u:p".utf8))))
        XCTAssertNil(Authenticator.basicCredentials("Basic "))  // nothing after the scheme
        // Only spaces after it: an empty payload, so an empty user and password (the general path then asks the query).
        XCTAssertEqual(Authenticator.basicCredentials("Basic   \t ").map { [$0.0, $0.1] }, ["", ""])
        XCTAssertNil(Authenticator.plainBasicCredentials("Basic   \t "))
        XCTAssertNil(Authenticator.basicCredentials(nil))
        XCTAssertNil(Authenticator.plainBasicCredentials(nil))
    }

    func testCredentialsOnlyTheGeneralPathTakes() throws {
        // Empty user, empty password, no colon, `<` or a space in the user, non-ASCII password.
        let cases: [(String, (String, String))] = [
            (":secret", ("", "secret")), ("key:", ("key", "")), ("keyonly", ("keyonly", "")),
            ("<b>key:secret", ("<b>key", "secret")), ("a key:secret", ("a key", "secret")), ("key:sécret", ("key", "sécret")),
            ("kéy:secret", ("kéy", "secret")), (":", ("", "")),
        ]
        for (payload, expected) in cases {
            let value = header("Basic ", Array(payload.utf8))
            XCTAssertNil(Authenticator.plainBasicCredentials(value), payload)
            let basic = try XCTUnwrap(Authenticator.basicCredentials(value), payload)
            XCTAssertEqual(basic.0, expected.0, payload)
            XCTAssertEqual(basic.1, expected.1, payload)
        }
        // The first colon splits; later ones belong to the password.
        let value = header("Basic ", Array("key:a:b:c".utf8))
        XCTAssertEqual(Authenticator.plainBasicCredentials(value)?.secret, Array("a:b:c".utf8))
        XCTAssertEqual(Authenticator.basicCredentials(value)?.1, "a:b:c")
        // Not UTF-8: no credentials at all.
        XCTAssertNil(Authenticator.basicCredentials(header("Basic ", [0x6B, 0x3A, 0xFF])))
        XCTAssertNil(Authenticator.plainBasicCredentials(header("Basic ", [0x6B, 0x3A, 0xFF])))
    }

    /// `normalizedKey` (its plain-key check now on a buffer) against the old check and the old sanitizers.
    func testNormalizedKeyMatchesReference() {
        func reference(_ key: String) -> String {
            if key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") }) { return key }
            return ReferenceSanitize.collapseWhitespace(ReferenceSanitize.stripTags(key))
        }
        XCTAssertEqual(Authenticator.normalizedKey("  ck_<b>12</b>  34 "), "ck_12 34")
        XCTAssertEqual(Authenticator.normalizedKey("ck_abc"), "ck_abc")
        var rng = SeededRandom(seed: 32)
        var mismatches = EquivalenceMismatches()
        for _ in 0..<3000 {
            let key = rng.chance(50) ? rng.text(from: Self.userPieces, count: rng.int(in: 0...10)) : EquivalenceText.random(&rng)
            let old = reference(key), new = Authenticator.normalizedKey(key)
            mismatches.check(Array(old.utf8) == Array(new.utf8),
                             "normalizedKey(\(EquivalenceText.escaped(key))): old \(EquivalenceText.escaped(old)), new \(EquivalenceText.escaped(new))")
        }
        mismatches.finish("normalizedKey")
    }

    private static let userPieces = ["ck_", "a", "Z", "0", "f", ":", ":", "<", ">", " ", "\t", "é", "中", "😀", "\u{7F}", "\u{1}", "%", "+", "/", "="]

    /// A random header: a scheme (correct, other case, missing space, another scheme), the Base64 of a random
    /// `user:password` (sometimes invalid UTF-8, unpadded, with stray `=` or invalid characters), spaces and tabs.
    private func randomHeader(_ rng: inout SeededRandom) -> String? {
        if rng.chance(2) { return nil }
        var payload: [UInt8]
        let hex = ["0", "1", "9", "a", "b", "f"]
        if rng.chance(40) {
            // As keys are issued.
            payload = Array(("ck_" + rng.text(from: hex, count: rng.int(in: 1...40)) + ":cs_" + rng.text(from: hex, count: rng.int(in: 0...40))).utf8)
        } else if rng.chance(10) {
            payload = rng.bytes(count: rng.int(in: 0...12))
        } else {
            let user = rng.chance(10) ? "" : rng.text(from: Self.userPieces, count: rng.int(in: 1...8))
            let password = rng.chance(10) ? "" : rng.text(from: Self.userPieces, count: rng.int(in: 1...8))
            payload = Array((rng.chance(95) ? user + ":" + password : user).utf8)
        }
        var encoded = Data(payload).base64EncodedString()
        if rng.chance(20) { encoded = String(encoded.prefix { $0 != "=" }) }
        if rng.chance(5), !encoded.isEmpty {
            let position = rng.int(in: 0...encoded.count)
            let index = encoded.index(encoded.startIndex, offsetBy: position)
            encoded.insert(contentsOf: rng.pick(["=", " ", "\t", "*", "é", "-"]), at: index)
        }
        let scheme = rng.pick(["Basic ", "Basic ", "Basic ", "basic ", "BASIC ", "bAsIc ", "Basic", "Basic\t", "Basic  ",
                               "Basic \t", "Bearer ", "Basi ", "Basic\u{0}", "", " Basic "])
        let trailing = rng.pick(["", "", " ", "\t", " \t ", "\t\t", "\n"])
        return scheme + encoded + trailing
    }

    func testRandomHeadersMatchReferenceAndPlainPathAgreesWithGeneralPath() {
        var rng = SeededRandom(seed: 31)
        var mismatches = EquivalenceMismatches()
        var plainCount = 0, generalCount = 0
        for _ in 0..<5000 {
            let value = randomHeader(&rng)
            let shown = EquivalenceText.escaped(value)
            let old = ReferenceAuthenticator.basicCredentials(value)
            let new = Authenticator.basicCredentials(value)
            mismatches.check(EquivalenceText.utf8(old?.0) == EquivalenceText.utf8(new?.0) && EquivalenceText.utf8(old?.1) == EquivalenceText.utf8(new?.1),
                             "basicCredentials(\(shown)): old \(String(describing: old)), new \(String(describing: new))")
            guard let plain = Authenticator.plainBasicCredentials(value) else {
                if new != nil { generalCount += 1 }
                continue
            }
            plainCount += 1
            mismatches.check(Array(plain.key.utf8) == EquivalenceText.utf8(new?.0) && plain.secret == EquivalenceText.utf8(new?.1),
                             "plainBasicCredentials(\(shown)) = (\(EquivalenceText.escaped(plain.key)), \(plain.secret)) but basicCredentials = \(String(describing: new))")
            mismatches.check(Array(Authenticator.normalizedKey(plain.key).utf8) == Array(plain.key.utf8),
                             "plain key \(EquivalenceText.escaped(plain.key)) is not normalized")
            mismatches.check(!plain.key.isEmpty && !plain.secret.isEmpty, "plain credentials with an empty part: \(shown)")
        }
        mismatches.finish("basic credentials")
        XCTAssertGreaterThan(plainCount, 300)
        XCTAssertGreaterThan(generalCount, 300)
    }
}
