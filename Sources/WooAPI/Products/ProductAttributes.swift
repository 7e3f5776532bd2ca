import Foundation

/// One attribute of a product (products-orders §7.2): a custom (non-taxonomy) attribute as `WC_Product_Attribute` keeps it.
package struct ProductAttribute: Sendable, Equatable {
    /// The name as the client gave it ("Size"); also the output's `slug` (custom attributes have no taxonomy).
    package var name: String
    package var position: Int64
    package var visible: Bool
    /// Whether variations choose a value of this attribute.
    package var variation: Bool
    package var options: [String]

    /// The attribute's key: `sanitize_title` of its name ("T-Shirt Color" → "t-shirt-color"). Variations store their
    /// value under it and the real store keys the product's attribute array by it.
    package var key: String { Sanitize.title(name) }
}

/// A variation's value for one of its parent's variation attributes; `""` means "any".
package struct VariationValue: Sendable, Equatable {
    package var key: String
    package var value: String
}

/// Attribute input and storage (products-orders §7.2, §7.3): reading `attributes` from a product or variation body, and the
/// JSON text of the `products.attributes` column.
enum ProductAttributes {
    /// `attributes` of a product body (`save_product_meta`): entries without `name`, or (custom attributes)
    /// without `options`, are skipped; a later entry with the same key replaces an earlier one in its place; the
    /// list is sorted by position, ties kept in order. nil when `attributes` is not a list.
    static func parse(_ value: JSONValue) throws(APIError) -> [ProductAttribute] {
        let entries: [JSONValue]
        switch value {
        case .array(let items): entries = items
        case .object(let members): entries = members.members.map(\.value)
        default: throw APIError.invalidData("attributes must be a list.")
        }
        var result: [ProductAttribute] = []
        for entry in entries {
            guard let object = entry.objectValue else { throw APIError.invalidData("attributes entries must be objects.") }
            guard let name = try CustomerInput.text(object["name"], "attributes.name"),
                  let optionsValue = object["options"], !optionsValue.isNull else { continue }
            var options: [String] = []
            switch optionsValue {
            case .array(let items):
                for item in items {
                    guard let text = try CustomerInput.text(item, "attributes.options") else { continue }
                    options += split(text, clean: false)
                }
            default:
                guard let text = try CustomerInput.text(optionsValue, "attributes.options") else { continue }
                options = split(text, clean: true)
            }
            let position = try object["position"].map { value throws(APIError) -> Int64 in
                guard let number = PHPInt.intval(value) else { throw APIError.invalidData("attributes.position must be an integer.") }
                return number == .min ? .max : abs(number)
            } ?? 0
            let attribute = ProductAttribute(
                name: name, position: position, visible: isTruthy(object["visible"]),
                variation: isTruthy(object["variation"]), options: options)
            if let index = result.firstIndex(where: { $0.key == attribute.key }) {
                result[index] = attribute
            } else {
                result.append(attribute)
            }
        }
        // A stable sort by position, as PHP 8's uasort keeps ties in order.
        return result.enumerated().sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }.map(\.element)
    }

    /// A variation's `attributes` (`save_variations`): for each entry with a `name` whose key is one of the
    /// parent's variation attributes, the `option` (`wc_clean`ed; `""` when absent). Other entries are ignored.
    static func parseValues(_ value: JSONValue) throws(APIError) -> [(name: String, option: String)] {
        let entries: [JSONValue]
        switch value {
        case .array(let items): entries = items
        case .object(let members): entries = members.members.map(\.value)
        default: throw APIError.invalidData("variations.attributes must be a list.")
        }
        var result: [(name: String, option: String)] = []
        for entry in entries {
            guard let object = entry.objectValue else {
                throw APIError.invalidData("variations.attributes entries must be objects.")
            }
            guard let name = try CustomerInput.text(object["name"], "variations.attributes.name") else { continue }
            let option = try CustomerInput.text(object["option"], "variations.attributes.option").map(Sanitize.textField) ?? ""
            result.append((name, option))
        }
        return result
    }

    /// The values a variation keeps for `parent`'s variation attributes, from the named options given.
    static func values(_ given: [(name: String, option: String)], parent: [ProductAttribute]) -> [VariationValue] {
        var result: [VariationValue] = []
        for (name, option) in given {
            let key = Sanitize.title(name)
            guard parent.contains(where: { $0.key == key && $0.variation }) else { continue }
            if let index = result.firstIndex(where: { $0.key == key }) {
                result[index].value = option
            } else {
                result.append(VariationValue(key: key, value: option))
            }
        }
        return result
    }

    /// What a variation shows for its parent's variation attributes, in the parent's order: its value, or `""`
    /// (any) when it set none (`wc_get_product_variation_attributes`).
    static func effectiveValues(_ stored: [VariationValue], parent: [ProductAttribute]) -> [VariationValue] {
        parent.filter(\.variation).map { attribute in
            let key = attribute.key
            return VariationValue(key: key, value: stored.first { $0.key == key }?.value ?? "")
        }
    }

    /// A variation's title (`generate_product_title`): the parent's title, plus " - " and its non-empty values
    /// joined by ", " when it has fewer than three attributes (and, with two, neither key holds a dash).
    static func variationTitle(parentTitle: String, values: [VariationValue]) -> String {
        var include = values.count < 3
        if include && values.count > 1 && values.contains(where: { $0.key.contains("-") }) { include = false }
        let suffix = include ? values.map(\.value).filter { !$0.isEmpty }.joined(separator: ", ") : ""
        return suffix.isEmpty ? parentTitle : parentTitle + " - " + suffix
    }

    /// Options as the real store reads them back: split on `|`, trimmed, empty ones dropped.
    private static func split(_ text: String, clean: Bool) -> [String] {
        text.split(separator: "|", omittingEmptySubsequences: false).compactMap { part -> String? in
            let value = clean ? Sanitize.textField(String(part)) : String(part).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
    }

    /// PHP truthiness of a JSON value (`isset($x) && $x`): absent, null, false, 0, "" and "0" are false.
    static func isTruthy(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case .number(let number)?: return number != 0
        case .string(let text)?: return !text.isEmpty && text != "0"
        case .array(let items)?: return !items.isEmpty
        case .object(let object)?: return !object.members.isEmpty
        }
    }

    // MARK: Storage

    /// The column text of a product's attributes.
    static func encode(_ attributes: [ProductAttribute]) -> String {
        if attributes.isEmpty { return "[]" }
        let items: [JSONValue] = attributes.map { a in
            .object(JSONObject([
                ("name", .string(a.name)), ("position", .number(Double(a.position))), ("visible", .bool(a.visible)),
                ("variation", .bool(a.variation)), ("options", .array(a.options.map { .string($0) })),
            ]))
        }
        return JSONWriter.arrayText(items)
    }

    /// The column text of a variation's values.
    static func encode(_ values: [VariationValue]) -> String {
        if values.isEmpty { return "[]" }
        return JSONWriter.arrayText(values.map { .array([.string($0.key), .string($0.value)]) })
    }

    /// Reads the column: a product's attributes, or a variation's values (by shape).
    static func decode(_ text: String) -> (attributes: [ProductAttribute], values: [VariationValue]) {
        guard text != "[]", let items = (try? JSONParser.parse(Array(text.utf8)))?.arrayValue else { return ([], []) }
        var attributes: [ProductAttribute] = []
        var values: [VariationValue] = []
        for item in items {
            if let pair = item.arrayValue, pair.count == 2, let key = pair[0].stringValue, let value = pair[1].stringValue {
                values.append(VariationValue(key: key, value: value))
            } else if let object = item.objectValue, let name = object["name"]?.stringValue {
                attributes.append(ProductAttribute(
                    name: name, position: Int64(object["position"]?.doubleValue ?? 0),
                    visible: object["visible"]?.boolValue ?? false, variation: object["variation"]?.boolValue ?? false,
                    options: object["options"]?.arrayValue?.compactMap(\.stringValue) ?? []))
            }
        }
        return (attributes, values)
    }
}
