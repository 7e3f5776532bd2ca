import TestSupport
import XCTest

// Shared helpers of the equivalence tests (the `…EquivalenceTests` classes, each pinning a byte-level rewrite to
// the code it replaced): a seeded generator so every random input reproduces, text made of the characters the
// byte-level rewrites are most likely to get wrong, and comparisons on UTF-8 bytes (String `==` is canonical
// equivalence, which would hide a byte difference).

enum EquivalenceText {
    /// ASCII letters and digits, whitespace of every kind, the bytes the sanitizers and parsers look for, multi-byte
    /// UTF-8, combining marks (which merge with the character before them into one `Character`), a prepended
    /// concatenation mark (U+0600, which merges with the character after it), Unicode whitespace and controls.
    static let pieces: [String] = [
        "a", "b", "Z", "k", "x", "0", "1", "9", "A", "f", "C", "3", "4",
        " ", " ", "  ", "\t", "\r", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{1C}", "\u{0}",
        "%", "%", "+", "&", ";", "<", ">", "=", "[", "]", ".", "@", ":", "/", "!", "?", "-", "_", "'", "#", ",", "\\",
        "%41", "%C3%A9", "%c3%a9", "%FF", "%zz", "%4", "%5B", "%5d", "%2B", "%20", "%25", "%CC%81",
        "&amp;", "&;", "<b>", "</p>", "<!-- c -->", "<?x?>", "<script>", "< b>", "<3",
        "é", "e\u{301}", "ß", "中", "😀", "\u{301}", "\u{600}", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}", "\u{200D}",
        "\u{212A}", "Ω", "ı", "İ", "ﬁ", "٣",
    ]

    /// Random text of 0…`maxPieces` pieces.
    static func random(_ rng: inout SeededRandom, maxPieces: Int = 16, pieces: [String] = pieces) -> String {
        rng.text(from: pieces, count: rng.int(in: 0...maxPieces))
    }

    /// `text` as a Swift literal (``swiftLiteral(_:)``), so a failing input can be pasted back.
    static func escaped(_ text: some StringProtocol) -> String { swiftLiteral(text) }

    static func escaped(_ text: String?) -> String { text.map { swiftLiteral($0) } ?? "nil" }

    static func escaped(bytes: some Sequence<UInt8>) -> String {
        "[" + bytes.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: ", ") + "]"
    }

    static func utf8(_ text: String?) -> [UInt8]? { text.map { Array($0.utf8) } }

    /// Whether `text` has a `Character` of several scalars that holds one of the ASCII characters in `ascii`
    /// (`"=\u{301}"`, `"\u{600}&"`): a byte the old `Character`-based code did not see on its own.
    static func mergesASCII(_ text: some StringProtocol, _ ascii: String) -> Bool {
        text.contains { character in
            character.unicodeScalars.count > 1 && character.unicodeScalars.contains { ascii.unicodeScalars.contains($0) }
        }
    }
}

/// Counts mismatches so a broken fast path reports its first few inputs instead of thousands of failures.
struct EquivalenceMismatches {
    private(set) var count = 0
    let limit = 5

    /// Fails with `message()` for the first `limit` mismatches; later ones are only counted.
    mutating func check(_ equal: Bool, _ message: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
        guard !equal else { return }
        count += 1
        if count <= limit { XCTFail(message(), file: file, line: line) }
    }

    func finish(_ what: String, file: StaticString = #filePath, line: UInt = #line) {
        if count > limit { XCTFail("\(what): \(count) mismatches in all (first \(limit) reported)", file: file, line: line) }
    }
}
