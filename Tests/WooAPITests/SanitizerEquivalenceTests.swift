@testable import WooAPI
import TestSupport
import XCTest

/// The byte-level sanitizers (5b899b0 "Instruction diet on the hot paths") against their previous implementations
/// (``ReferenceSanitize``): hand-picked edge cases, then seeded random text. Outputs are compared as UTF-8 bytes.
final class SanitizerEquivalenceTests: XCTestCase {
    private typealias Function = (String) -> String

    private static let edgeCases: [String] = [
        "", " ", "  ", "\t", "\n", "\r\n", "a", " a", "a ", " a ", "a  b", "a b", "a\tb", "a\nb", "a\r\nb", "a\u{0B}b",
        "a\u{0C}b", "a\u{1C}b", "a\u{85}b", "a\u{A0}b", "a\u{2028}b", "a\u{3000}b", "\u{A0}", "\u{85}", "a\u{0}b",
        " \u{301}a", "a \u{301}b", "\u{600} a", "é b", "中  文", "😀 😀", "ab", "a b c", "a  b  c ",
        "<b>x</b>", "<", "<<", "< b>", "a<b", "a<", "<3 you", "<!-- c -->x", "<?php ?>y", "<script>x</script>",
        "<\u{301}b>x", "<é>x", "<中>x", "<1>", "</>", "<a", "x>", "<a><", "<b>\u{301}",
        "%", "%4", "%41", "%4g", "%zz", "%%41", "a%C3%A9b", "%c3%a9", "%FF", "\u{600}%41", "%\u{301}41", "é%41",
        "&", "&;", "&amp;", "&amp", "a&b;c", "&&;", "&\u{301};", "\u{600}&x;", "&é;", ";&", "a & b",
        "John.Doe", "john+doe", "Zoë Ünïcode", "crème brûlée", "ﬁle", "\u{212A}elvin", "İstanbul", "ß", "user@example.com",
        "a_b-c.d@e", "x\u{301}y", "^`~", "Ω", "٣", "!#$%&'*+/=?^_`{|}~",
    ]

    private func assertMatchesReference(
        _ name: String, _ new: Function, _ old: Function, seed: UInt64, iterations: Int = 3000,
        pieces: [String] = EquivalenceText.pieces, file: StaticString = #filePath, line: UInt = #line
    ) {
        var mismatches = EquivalenceMismatches()
        var rng = SeededRandom(seed: seed)
        var inputs = Self.edgeCases
        for _ in 0..<iterations { inputs.append(EquivalenceText.random(&rng, maxPieces: 20, pieces: pieces)) }
        for input in inputs {
            let expected = old(input), actual = new(input)
            mismatches.check(
                Array(actual.utf8) == Array(expected.utf8),
                "\(name)(\(EquivalenceText.escaped(input))): old \(EquivalenceText.escaped(expected)), new \(EquivalenceText.escaped(actual))",
                file: file, line: line)
        }
        mismatches.finish(name, file: file, line: line)
    }

    // MARK: collapseWhitespace

    func testCollapseWhitespaceKnownValues() {
        XCTAssertEqual(Sanitize.collapseWhitespace("  a \t\n b  "), "a b")
        XCTAssertEqual(Sanitize.collapseWhitespace("a\u{A0}\u{3000}b"), "a b")
        XCTAssertEqual(Sanitize.collapseWhitespace("a\u{1C}b"), "a\u{1C}b")  // not White_Space
        XCTAssertEqual(Sanitize.collapseWhitespace(""), "")
        XCTAssertEqual(Sanitize.collapseWhitespace(" \t "), "")
        XCTAssertEqual(Sanitize.collapseWhitespace("already collapsed"), "already collapsed")
    }

    func testCollapseWhitespaceMatchesReference() {
        assertMatchesReference("collapseWhitespace", Sanitize.collapseWhitespace, ReferenceSanitize.collapseWhitespace, seed: 1)
    }

    /// The fast path returns ASCII text with single inner spaces as it is; every such string must be one the old
    /// code also left alone.
    func testCollapseWhitespaceOnPrintableASCIIMatchesReference() {
        let ascii = (0x20...0x7E).map { String(UnicodeScalar(UInt8($0))) } + [" ", " ", "\t", "\u{0B}", "\u{1F}", "\u{7F}", "\u{0}"]
        assertMatchesReference("collapseWhitespace", Sanitize.collapseWhitespace, ReferenceSanitize.collapseWhitespace,
                               seed: 2, pieces: ascii)
    }

    // MARK: stripTags, removeOctets, removeEntities

    func testStripTagsKnownValues() {
        XCTAssertEqual(Sanitize.stripTags("a<b>c</b>d"), "acd")
        XCTAssertEqual(Sanitize.stripTags("1 < 2"), "1 < 2")
        XCTAssertEqual(Sanitize.stripTags("<3"), "<3")
        XCTAssertEqual(Sanitize.stripTags("<a"), "<a")
        XCTAssertEqual(Sanitize.stripTags("no tags"), "no tags")
    }

    func testStripTagsMatchesReference() {
        assertMatchesReference("stripTags", Sanitize.stripTags, ReferenceSanitize.stripTags, seed: 3)
    }

    func testRemoveOctetsKnownValues() {
        XCTAssertEqual(Sanitize.removeOctets("a%41b%c3%A9c"), "abc")
        XCTAssertEqual(Sanitize.removeOctets("%4"), "%4")
        XCTAssertEqual(Sanitize.removeOctets("%zz%"), "%zz%")
        XCTAssertEqual(Sanitize.removeOctets("%%41"), "%")
        XCTAssertEqual(Array(Sanitize.removeOctets("\u{600}%41").utf8), Array("\u{600}".utf8))
    }

    func testRemoveOctetsMatchesReference() {
        assertMatchesReference("removeOctets", Sanitize.removeOctets, ReferenceSanitize.removeOctets, seed: 4)
    }

    func testRemoveEntitiesKnownValues() {
        XCTAssertEqual(Sanitize.removeEntities("a&amp;b"), "ab")
        XCTAssertEqual(Sanitize.removeEntities("a&;b"), "a&;b")
        XCTAssertEqual(Sanitize.removeEntities("a & b"), "a & b")
        XCTAssertEqual(Sanitize.removeEntities("&x;&y;z"), "z")
    }

    func testRemoveEntitiesMatchesReference() {
        assertMatchesReference("removeEntities", Sanitize.removeEntities, ReferenceSanitize.removeEntities, seed: 5)
    }

    // MARK: username, textField

    func testUsernameKnownValues() {
        XCTAssertEqual(Sanitize.username("  Zoë <b>Smith</b> ", strict: false), "Zoe Smith")
        XCTAssertEqual(Sanitize.username("Zoë+中 Smith", strict: true), "Zoe Smith")
        XCTAssertEqual(Sanitize.username("a%41&amp;b", strict: true), "ab")
        XCTAssertEqual(Sanitize.username("john+doe", strict: false), "john+doe")
        XCTAssertEqual(Sanitize.username("john+doe", strict: true), "johndoe")
    }

    func testUsernameStrictMatchesReference() {
        assertMatchesReference("username(strict: true)", { Sanitize.username($0, strict: true) },
                               { ReferenceSanitize.username($0, strict: true) }, seed: 6, iterations: 2000)
    }

    func testUsernameLooseMatchesReference() {
        assertMatchesReference("username(strict: false)", { Sanitize.username($0, strict: false) },
                               { ReferenceSanitize.username($0, strict: false) }, seed: 7, iterations: 2000)
    }

    /// ASCII skips Foundation's diacritic folding now: every printable ASCII character must come out as before.
    func testUsernameOnEveryASCIICharacterMatchesReference() {
        for byte in UInt8(0)...UInt8(0x7F) {
            let text = "a" + String(UnicodeScalar(byte)) + "b"
            for strict in [false, true] {
                XCTAssertEqual(Array(Sanitize.username(text, strict: strict).utf8),
                               Array(ReferenceSanitize.username(text, strict: strict).utf8),
                               "byte 0x\(String(byte, radix: 16)), strict \(strict)")
            }
        }
    }

    func testTextFieldKnownValues() {
        XCTAssertEqual(Sanitize.textField("  <b>Hello</b>\t%41 World\n"), "Hello World")
        XCTAssertEqual(Sanitize.textField("back\\slash"), "back\\slash")
    }

    func testTextFieldMatchesReference() {
        assertMatchesReference("textField", Sanitize.textField, ReferenceSanitize.textField, seed: 8)
    }

    // MARK: isEmail

    private static let emailEdgeCases: [String] = [
        "", "a@b.co", "ab@c.d", "a@b", "@example.com", "john@example..com", "john@.example.com", "john@example.com.",
        "john@-example.com", "john@example-.com", "jo hn@example.com", "jöhn@example.com", "john@exämple.com",
        "o'brien+tag@example.com", "!#$%&'*+/=?^_`{|}~.-@example.com", "a\"b@example.com", "a(b)@example.com",
        "a@b@example.com", "ab@c..d", "ab@c.d.", "ab@.c.d", "ab@c.d\u{301}", "ab@c.\u{301}.d", "ab@c..\u{301}d",
        "ab@c.d\t", "ab@c.d\n", "\u{0}b@c.de", "ab@c.d\u{0}", "ab@c\u{0B}.de", "ab@c_d.ef", "ab@c.d-", "ab@c.-d",
        "abcdef", "a@bcde", "a@b.c\u{600}.d", "a@b.c.d.e.f.g",
    ]

    func testIsEmailEdgeCasesMatchReference() {
        for email in Self.emailEdgeCases {
            XCTAssertEqual(Sanitize.isEmail(email), ReferenceSanitize.isEmail(email), EquivalenceText.escaped(email))
        }
    }

    func testIsEmailKnownValues() {
        XCTAssertTrue(Sanitize.isEmail("!#$%&'*+/=?^_`{|}~.-@example.com"))
        XCTAssertFalse(Sanitize.isEmail("a\"b@example.com"))
        XCTAssertFalse(Sanitize.isEmail("ab@c..d"))
        XCTAssertFalse(Sanitize.isEmail("ab@c.d\u{301}"))
    }

    func testIsEmailMatchesReferenceOnRandomAddresses() {
        // Mostly address-shaped text (a local part, `@`, dot-separated labels) with now and then a stray character,
        // so that both outcomes are common.
        let local = ["a", "b", "Z", "0", "9", ".", "-", "_", "+", "'", "!", "~", "{", "a", "b", "x"]
        let label = ["a", "b", "z", "Q", "0", "9", "-", "a", "b", "c"]
        let noise = [".", "..", "-", "@", " ", "\t", "\n", "\u{0}", "\u{0B}", "_", "\"", "é", "\u{301}", "\u{600}", "中", "%", "&"]
        var rng = SeededRandom(seed: 9)
        var mismatches = EquivalenceMismatches()
        var valid = 0
        for _ in 0..<4000 {
            var email = rng.text(from: local, count: rng.int(in: 0...6)) + "@"
            email += (0..<rng.int(in: 1...3)).map { _ in rng.text(from: label, count: rng.int(in: 1...5)) }.joined(separator: ".")
            for _ in 0..<rng.pick([0, 0, 1, 2]) {
                let position = rng.int(in: 0...email.count)
                email.insert(contentsOf: rng.pick(noise), at: email.index(email.startIndex, offsetBy: position))
            }
            if rng.chance(10) { email = EquivalenceText.random(&rng) }
            let old = ReferenceSanitize.isEmail(email), new = Sanitize.isEmail(email)
            if new { valid += 1 }
            mismatches.check(old == new, "isEmail(\(EquivalenceText.escaped(email))): old \(old), new \(new)")
        }
        mismatches.finish("isEmail")
        XCTAssertGreaterThan(valid, 500, "the generator should produce valid addresses too")
        XCTAssertLessThan(valid, 3500, "the generator should produce invalid addresses too")
    }
}
