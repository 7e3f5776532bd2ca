/// The `fields` query parameter (customers §3.5): which top-level keys, and which children of objects, to output.
///
/// `fields=id,billing_address.city` keeps `id`, and `billing_address` with only `city`. Items are not trimmed.
/// A `parent.child` rule replaces an earlier rule for the same parent, and the children kept in any filtered
/// object are the union of all rules' children. An object left with no child, or a response object left with
/// no key, is written as `[]`, as PHP encodes an empty array.
package struct FieldFilter: Sendable, Equatable {
    /// What to do with one key.
    package enum Inclusion: Equatable {
        case excluded
        case whole
        /// Keep the key, but only these children of its object value.
        case children
    }

    private var names: Set<String> = []
    private var parents: Set<String> = []
    private var children: Set<String> = []

    /// Parses `fields`; nil when absent or empty (no filtering).
    package init?(_ fields: String?) {
        guard let fields, !fields.isEmpty else { return nil }
        var rules: [String: String] = [:]
        for item in fields.split(separator: ",", omittingEmptySubsequences: false) {
            names.insert(String(item))
            let parts = item.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count > 1 { rules[String(parts[0])] = String(parts[1]) }
        }
        parents = Set(rules.keys)
        children = Set(rules.values)
    }

    /// How to treat `key`; `isObject` says whether its value is an object (only objects are sub-filtered).
    package func inclusion(of key: String, isObject: Bool) -> Inclusion {
        if isObject && parents.contains(key) { return .children }
        return names.contains(key) ? .whole : .excluded
    }

    /// Whether a child of a sub-filtered object is kept.
    package func keepsChild(_ key: String) -> Bool { children.contains(key) }
}

extension JSONWriter {
    /// Writes an object of `members`, filtered by `fields` when given (customers §3.5): for each kept member its key,
    /// then `value(index, rule, &writer)` writes its value, with `rule` = `fields` for an object whose children are
    /// filtered and nil for a whole value. An object left with no member is `[]`, as PHP encodes an emptied array.
    mutating func filteredObject(
        _ members: [(name: String, isObject: Bool)], fields: FieldFilter?,
        _ value: (_ index: Int, _ rule: FieldFilter?, _ writer: inout JSONWriter) -> Void
    ) {
        guard let fields else {
            beginObject()
            for index in members.indices {
                key(members[index].name)
                value(index, nil, &self)
            }
            endObject()
            return
        }
        let inclusions = members.map { fields.inclusion(of: $0.name, isObject: $0.isObject) }
        guard inclusions.contains(where: { $0 != .excluded }) else {
            beginArray()
            endArray()
            return
        }
        beginObject()
        for (index, inclusion) in inclusions.enumerated() where inclusion != .excluded {
            key(members[index].name)
            value(index, inclusion == .children ? fields : nil, &self)
        }
        endObject()
    }
}
