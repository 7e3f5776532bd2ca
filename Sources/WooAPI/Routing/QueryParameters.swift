import HTTP

/// A query string parsed the way PHP fills `$_GET`, minus its quirks we fix (DECISIONS #25: decoded once,
/// no magic quotes): `a=1&b[]=2&filter[limit]=5` gives scalars and one level of arrays; the last duplicate wins.
package struct QueryParameters: Sendable {
    /// A parameter's value: a string, or an array of `key → string` from `name[key]=` forms.
    package enum Value: Sendable, Equatable {
        case string(String)
        case array([(key: String, value: String)], nested: Bool)

        package static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case (.string(let a), .string(let b)): return a == b
            case (.array(let a, let x), .array(let b, let y)):
                return x == y && a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            default: return false
            }
        }
    }

    /// Parameters in first-appearance order, each with its final value.
    package private(set) var items: [(name: String, value: Value)] = []
    /// The raw `name=value` pairs as sent (still encoded), for building links.
    package private(set) var rawPairs: [(name: String, value: String?)] = []

    package init() {}

    /// Parses a raw query string. Pairs that are not valid UTF-8 after decoding are reported as an error.
    package init(parsing query: String?) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        let valid = query.withUTF8Buffer { bytes -> Bool in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "&") { end += 1 }
                if end > start, !addPair(UnsafeBufferPointer(rebasing: bytes[start..<end])) { return false }
                start = end + 1
            }
            return true
        }
        if !valid { throw APIError.invalidParameter("Query parameters must be valid UTF-8.") }
    }

    /// Adds one `name=value` pair (still encoded); false when it does not decode to UTF-8.
    private mutating func addPair(_ pair: UnsafeBufferPointer<UInt8>) -> Bool {
        let equals = pair.firstIndex(of: UInt8(ascii: "="))
        let rawName = UnsafeBufferPointer(rebasing: pair[..<(equals ?? pair.count)])
        let rawValue = equals.map { UnsafeBufferPointer(rebasing: pair[($0 + 1)...]) }
        rawPairs.append((String(decoding: rawName, as: UTF8.self), rawValue.map { String(decoding: $0, as: UTF8.self) }))
        guard let name = PercentDecoding.decode(bytes: rawName, plusIsSpace: true),
              let value = PercentDecoding.decode(bytes: rawValue ?? UnsafeBufferPointer(start: nil, count: 0), plusIsSpace: true)
        else { return false }
        if !name.isEmpty { add(name: name, value: value) }
        return true
    }

    private mutating func add(name: String, value: String) {
        // PHP: `base[key]…` makes an array; `.` and space in the base name become `_`.
        let parts = name.withUTF8Buffer { bytes -> (base: String, key: String, nested: Bool)? in
            guard let open = bytes.firstIndex(of: UInt8(ascii: "[")), open != 0,
                  let close = bytes[open...].firstIndex(of: UInt8(ascii: "]")) else { return nil }
            return (String(decoding: UnsafeBufferPointer(rebasing: bytes[..<open]), as: UTF8.self),
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[(open + 1)..<close]), as: UTF8.self),
                    close + 1 < bytes.count && bytes[close + 1] == UInt8(ascii: "["))
        }
        guard let parts else {
            set(phpName(name), .string(value))
            return
        }
        let base = phpName(parts.base)
        let key = parts.key
        let nested = parts.nested
        var members: [(key: String, value: String)] = []
        var wasNested = false
        if let existing = items.first(where: { $0.name == base })?.value, case .array(let current, let n) = existing {
            members = current
            wasNested = n
        }
        if key.isEmpty {
            members.append((String(members.count), value))
        } else if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
        set(base, .array(members, nested: wasNested || nested))
    }

    private mutating func set(_ name: String, _ value: Value) {
        if let index = items.firstIndex(where: { $0.name == name }) {
            items[index].value = value
        } else {
            items.append((name, value))
        }
    }

    private func phpName(_ name: String) -> String {
        guard name.containsUTF8Byte(0x2E) || name.containsUTF8Byte(0x20) else { return name }
        return String(decoding: name.utf8.map { $0 == 0x2E || $0 == 0x20 ? 0x5F : $0 }, as: UTF8.self)
    }

    /// The value of `name`, if sent.
    package subscript(_ name: String) -> Value? {
        items.first { $0.name == name }?.value
    }

    /// Whether `name` was sent at all (even empty).
    package func contains(_ name: String) -> Bool { self[name] != nil }

    /// A scalar parameter; an array where a string is expected is a 400 (PHP 8 would crash, DECISIONS #23).
    package func string(_ name: String) throws(APIError) -> String? {
        switch self[name] {
        case nil: return nil
        case .string(let value): return value
        case .array: throw APIError.invalidParameter("The parameter \(name) must be a string.")
        }
    }

    /// An array parameter such as `filter[…]`; a scalar, or deeper nesting, is a 400 (DECISIONS #23).
    package func array(_ name: String) throws(APIError) -> [(key: String, value: String)] {
        switch self[name] {
        case nil: return []
        case .string: throw APIError.invalidParameter("The parameter \(name) must be an array, e.g. \(name)[limit]=10.")
        case .array(let members, let nested):
            if nested { throw APIError.invalidParameter("The parameter \(name) cannot be nested.") }
            return members
        }
    }
}
