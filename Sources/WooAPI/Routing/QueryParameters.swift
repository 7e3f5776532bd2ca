import HTTP

/// A query string parsed the way PHP fills `$_GET`, minus its quirks we fix (decisions #25: decoded once,
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
    /// The raw `name=value` pairs as sent (still encoded), repeats included.
    package private(set) var rawPairs: [(name: String, value: String?)] = []
    /// Whether a later pair overwrote an earlier one (a repeated name or array key, or a scalar turned into an
    /// array or back); only then does ``uniqueRawPairs`` differ from ``rawPairs``.
    package private(set) var hasRepeats = false

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
        guard let parts = Self.arrayParts(name) else {
            if set(phpName(name), .string(value)) { hasRepeats = true }
            return
        }
        let base = phpName(parts.base)
        let key = parts.key
        var members: [(key: String, value: String)] = []
        var wasNested = false
        switch items.first(where: { $0.name == base })?.value {
        case .array(let current, let n)?:
            members = current
            wasNested = n
        case .string?:
            hasRepeats = true  // PHP replaces the scalar with the array
        case nil:
            break
        }
        if key.isEmpty {
            members.append((String(members.count), value))
        } else if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
            hasRepeats = true
        } else {
            members.append((key, value))
        }
        set(base, .array(members, nested: wasNested || parts.nested))
    }

    /// PHP's reading of `base[key]…`: the base name (before PHP's `.`/space rule), the first key, and whether
    /// another `[` follows; nil for a scalar name.
    private static func arrayParts(_ name: String) -> (base: String, key: String, nested: Bool)? {
        name.withUTF8Buffer { bytes -> (base: String, key: String, nested: Bool)? in
            guard let open = bytes.firstIndex(of: UInt8(ascii: "[")), open != 0,
                  let close = bytes[open...].firstIndex(of: UInt8(ascii: "]")) else { return nil }
            return (String(decoding: UnsafeBufferPointer(rebasing: bytes[..<open]), as: UTF8.self),
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[(open + 1)..<close]), as: UTF8.self),
                    close + 1 < bytes.count && bytes[close + 1] == UInt8(ascii: "["))
        }
    }

    /// Sets `name`; true when it was already there (its first position is kept, as PHP's array keeps it).
    @discardableResult
    private mutating func set(_ name: String, _ value: Value) -> Bool {
        if let index = items.firstIndex(where: { $0.name == name }) {
            items[index].value = value
            return true
        }
        items.append((name, value))
        return false
    }

    /// The raw pairs as PHP's `$_GET` holds them, for building links: a repeated parameter (a scalar, or one
    /// `name[key]` of an array) once, at its first position, with its last raw text; a scalar later sent as an
    /// array (or back) takes the place of the first pair of that name. `name[]` pairs all stay. Without repeats
    /// this is ``rawPairs`` itself, with no copy.
    package var uniqueRawPairs: [(name: String, value: String?)] {
        hasRepeats ? lastWinsRawPairs() : rawPairs
    }

    private func lastWinsRawPairs() -> [(name: String, value: String?)] {
        var kept: [(name: String, value: String?)?] = []
        var scalarAt: [String: Int] = [:]                                // base → its scalar pair
        var arrayAt: [String: [(member: String?, index: Int)]] = [:]     // base → its array pairs
        var memberAt: [String: Int] = [:]                                // member (`base` NUL rest) → its pair
        for pair in rawPairs {
            guard let name = PercentDecoding.decode(pair.name, plusIsSpace: true), !name.isEmpty else {
                kept.append(pair)  // not a parameter: carried as sent
                continue
            }
            guard let parts = Self.arrayParts(name) else {
                let base = phpName(name)
                if let index = scalarAt[base] {
                    kept[index] = pair
                } else if let members = arrayAt.removeValue(forKey: base) {
                    for entry in members {
                        kept[entry.index] = nil
                        if let member = entry.member { memberAt[member] = nil }
                    }
                    kept[members[0].index] = pair
                    scalarAt[base] = members[0].index
                } else {
                    scalarAt[base] = kept.count
                    kept.append(pair)
                }
                continue
            }
            let base = phpName(parts.base)
            // A nested name is told apart by everything after the base, so `a[x][y]` and `a[x][z]` both stay.
            let rest = parts.nested
                ? String(Substring(name.utf8.dropFirst(parts.base.utf8.count))) : "[" + parts.key + "]"
            let member = parts.key.isEmpty ? nil : base + "\u{0}" + rest
            if let member, let index = memberAt[member] {
                kept[index] = pair
                continue
            }
            let index: Int
            if let scalar = scalarAt.removeValue(forKey: base) {
                index = scalar
                kept[index] = pair
            } else {
                index = kept.count
                kept.append(pair)
            }
            arrayAt[base, default: []].append((member, index))
            if let member { memberAt[member] = index }
        }
        return kept.compactMap { $0 }
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

    /// A scalar parameter; an array where a string is expected is a 400 (PHP 8 would crash, decisions #23).
    package func string(_ name: String) throws(APIError) -> String? {
        switch self[name] {
        case nil: return nil
        case .string(let value): return value
        case .array: throw APIError.invalidParameter("The parameter \(name) must be a string.")
        }
    }

    /// An array parameter such as `filter[…]`; a scalar, or deeper nesting, is a 400 (decisions #23).
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
