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
        token.withUTF8Buffer { token in
            for field in fields where Self.equal(field.name, name) {
                let found = field.value.withUTF8Buffer { value -> Bool in
                    var start = 0
                    while start <= value.count {
                        var end = start
                        while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
                        var lower = start, upper = end
                        while lower < upper, value[lower] == 0x20 || value[lower] == 0x09 { lower += 1 }
                        while upper > lower, value[upper - 1] == 0x20 || value[upper - 1] == 0x09 { upper -= 1 }
                        if Self.equal(bytes: UnsafeBufferPointer(rebasing: value[lower..<upper]), token) { return true }
                        start = end + 1
                    }
                    return false
                }
                if found { return true }
            }
            return false
        }
    }

    /// How many fields are named `name`.
    package func count(of name: String) -> Int {
        var count = 0
        for field in fields where Self.equal(field.name, name) { count += 1 }
        return count
    }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// ASCII case-insensitive comparison on UTF-8 bytes, without allocating.
    @inline(__always)
    package static func equal<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        a.withUTF8Buffer { x in b.withUTF8Buffer { y in equal(bytes: x, y) } }
    }

    /// ASCII case-insensitive comparison of two byte strings.
    package static func equal(bytes x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        guard x.count == y.count else { return false }
        for index in 0..<x.count {
            let p = x[index], q = y[index]
            if p == q { continue }
            guard p | 0x20 == q | 0x20, (p | 0x20) >= UInt8(ascii: "a"), (p | 0x20) <= UInt8(ascii: "z") else { return false }
        }
        return true
    }
}
