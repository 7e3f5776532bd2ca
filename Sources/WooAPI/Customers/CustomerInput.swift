import Foundation
import HTTP

/// The writable fields of a `customer` object in a create or update body (customers §4.1, §7.2), type-checked.
///
/// A key that is absent or `null` is "not given". Strings are taken as sent; numbers and booleans become the
/// strings PHP would store (`94103` → `"94103"`, `true` → `"1"`, `false` → `""`); an array or object where text
/// is expected is a 400 (a real store would store it, then break on output).
package struct CustomerInput: Sendable, Equatable {
    package var email: String?
    package var username: String?
    package var password: String?
    package var firstName: String?
    package var lastName: String?
    /// The given billing fields.
    package var billing = Address(.billing)
    /// The given shipping fields.
    package var shipping = Address(.shipping)

    package init() {}

    /// Reads the fields of `object`; unknown keys are ignored, as on the real store.
    package init(_ object: JSONObject) throws(APIError) {
        email = try Self.text(object["email"], "email")
        username = try Self.text(object["username"], "username")
        password = try Self.text(object["password"], "password")
        firstName = try Self.text(object["first_name"], "first_name").map(Sanitize.textField)
        lastName = try Self.text(object["last_name"], "last_name").map(Sanitize.textField)
        billing = try Self.address(object["billing_address"], "billing_address", .billing)
        shipping = try Self.address(object["shipping_address"], "shipping_address", .shipping)
    }

    private static func address(_ value: JSONValue?, _ name: String, _ kind: Address.Kind) throws(APIError) -> Address {
        var result = Address(kind)
        guard let value, !value.isNull else { return result }
        guard let object = value.objectValue else {
            if case .array(let items) = value, items.isEmpty { return result }  // PHP's empty array
            throw APIError.invalidData("\(name) must be an object.")
        }
        for (index, key) in kind.keys.enumerated() {
            if let text = try text(object[key], "\(name).\(key)") { result[index] = text }
        }
        return result
    }

    /// A scalar as the text PHP would store; nil for absent or null.
    static func text(_ value: JSONValue?, _ name: @autoclosure () -> String) throws(APIError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .bool(let flag)?: return flag ? "1" : ""
        case .number(let number)?:
            if let integer = value?.intValue { return String(integer) }
            return number.description
        case .array?, .object?:
            throw APIError.invalidData("\(name()) must be a string.")
        }
    }
}
