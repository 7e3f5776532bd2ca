/// A parsed JSON value, with PHP `json_decode` number semantics (every number is a Double, so large integers lose precision).
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Whether this is JSON `null`.
    package var isNull: Bool { if case .null = self { true } else { false } }

    /// The string, or nil unless this is a string.
    package var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    /// The object, or nil unless this is an object.
    package var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }

    /// The elements, or nil unless this is an array.
    package var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    /// The boolean, or nil unless this is `true` / `false`.
    package var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }

    /// The number, or nil unless this is a number.
    package var doubleValue: Double? { if case .number(let n) = self { n } else { nil } }

    /// The number as an Int when it is integral and in Int's range (5.0 → 5; 5.5, 1e30 → nil).
    package var intValue: Int? {
        // -2^63 is exactly representable; 2^63 is the first value out of range.
        guard case .number(let n) = self, n.isFinite, n.rounded(.towardZero) == n,
              n >= -0x1p63, n < 0x1p63 else { return nil }
        return Int(n)
    }

    /// The member `key` (the last one, if duplicated) of an object value; nil for a missing key or a non-object.
    package subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { o[key] } else { nil }
    }
}

/// A JSON object's members in document order, duplicates kept; on lookup the last duplicate wins, as in PHP.
package struct JSONObject: Sendable, Equatable {
    /// Every member as written, in order, including duplicate keys.
    package var members: [(key: String, value: JSONValue)]

    /// An object with `members` in the given order.
    package init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    /// The value of the last member named `key`, or nil.
    package subscript(key: String) -> JSONValue? {
        var i = members.endIndex
        while i > members.startIndex {
            i -= 1
            if members[i].key == key { return members[i].value }
        }
        return nil
    }

    /// Whether any member is named `key`.
    package func contains(_ key: String) -> Bool { members.contains { $0.key == key } }

    /// The distinct keys in order of first appearance (a PHP array's key order after `json_decode`).
    package var keys: [String] {
        var result: [String] = []
        result.reserveCapacity(members.count)
        if members.count <= 16 {
            for member in members where !result.contains(member.key) { result.append(member.key) }
        } else {
            // A hostile body may hold many thousands of keys: stay linear.
            var seen = Set<String>(minimumCapacity: members.count)
            for member in members where seen.insert(member.key).inserted { result.append(member.key) }
        }
        return result
    }

    /// Whether both objects have the same members (keys and values) in the same order.
    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (l, r) in zip(lhs.members, rhs.members) where l.key != r.key || l.value != r.value { return false }
        return true
    }
}
