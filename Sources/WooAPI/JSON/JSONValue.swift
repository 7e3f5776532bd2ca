/// A parsed JSON value, with PHP `json_decode` number semantics (every number is a Double).
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    package var isNull: Bool { if case .null = self { true } else { false } }
    package var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    package var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    package var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    package var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    package var doubleValue: Double? { if case .number(let n) = self { n } else { nil } }

    /// The number as an Int when it is integral and in range (5.0 → 5; 5.5, 1e30 → nil).
    package var intValue: Int? {
        guard case .number(let n) = self, n.isFinite, n.rounded(.towardZero) == n,
              n >= -9.223372036854775e18, n <= 9.223372036854775e18 else { return nil }
        return Int(n)
    }

    /// A member of an object value.
    package subscript(key: String) -> JSONValue? { objectValue?[key] }
}

/// A JSON object's members in order; on lookup the last duplicate wins, as PHP's does.
package struct JSONObject: Sendable, Equatable {
    package var members: [(key: String, value: JSONValue)]

    package init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    package subscript(key: String) -> JSONValue? {
        for member in members.reversed() where member.key == key { return member.value }
        return nil
    }

    package func contains(_ key: String) -> Bool { members.contains { $0.key == key } }
    package var keys: [String] { members.map(\.key) }

    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
