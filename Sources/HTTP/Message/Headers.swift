/// Header fields in arrival order, duplicates kept; names compare case-insensitively (RFC 9110 §5.1).
///
/// Framing code must see every `Content-Length` and `Transfer-Encoding` a client sent, so nothing is merged.
package struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    package private(set) var fields: [(name: String, value: String)]

    package init() { fields = [] }
    package init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }
    package init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    package var count: Int { fields.count }
    package var isEmpty: Bool { fields.isEmpty }

    /// Appends a field, keeping any existing one of the same name.
    package mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` with one field.
    package mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    /// Removes every field named `name`.
    package mutating func remove(_ name: String) {
        fields.removeAll { Self.equal($0.name, name) }
    }

    /// The first value of `name`.
    package subscript(_ name: String) -> String? {
        for field in fields where Self.equal(field.name, name) { return field.value }
        return nil
    }

    /// Every value of `name`, in order.
    package func values(_ name: String) -> [String] {
        fields.compactMap { Self.equal($0.name, name) ? $0.value : nil }
    }

    /// Whether any field named `name` exists.
    package func contains(_ name: String) -> Bool { self[name] != nil }

    /// Whether a comma-separated header (`Connection`, …) lists `token`, case-insensitively.
    package func hasToken(_ token: String, in name: String) -> Bool {
        for value in values(name) {
            for part in value.split(separator: ",") where Self.equal(trimmed(part), token) { return true }
        }
        return false
    }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// ASCII case-insensitive comparison on UTF-8 bytes, without allocating.
    @inline(__always)
    package static func equal<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            guard p | 0x20 == q | 0x20, (p | 0x20) >= UInt8(ascii: "a"), (p | 0x20) <= UInt8(ascii: "z") else { return false }
        }
        return true
    }
}

private func trimmed(_ s: Substring) -> Substring {
    var s = s
    while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
    while let last = s.last, last == " " || last == "\t" { s.removeLast() }
    return s
}
