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
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: "=")
            let rawName = equals.map { pair[..<$0] } ?? pair
            let rawValue = equals.map { pair[pair.index(after: $0)...] }
            rawPairs.append((String(rawName), rawValue.map(String.init)))
            guard let name = PercentDecoding.decode(rawName, plusIsSpace: true),
                  let value = PercentDecoding.decode(rawValue ?? "", plusIsSpace: true) else {
                throw APIError.invalidParameter("Query parameters must be valid UTF-8.")
            }
            if name.isEmpty { continue }
            add(name: name, value: value)
        }
    }

    private mutating func add(name: String, value: String) {
        // PHP: `base[key]…` makes an array; `.` and space in the base name become `_`.
        let utf8 = name.utf8
        guard let open = utf8.firstIndex(of: UInt8(ascii: "[")), open != utf8.startIndex,
              let close = utf8[open...].firstIndex(of: UInt8(ascii: "]")) else {
            set(phpName(name), .string(value))
            return
        }
        let base = phpName(String(name[..<open]))
        let key = String(name[name.index(after: open)..<close])
        let nested = name[name.index(after: close)...].hasPrefix("[")
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
        guard name.utf8.contains(where: { $0 == 0x2E || $0 == 0x20 }) else { return name }
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
