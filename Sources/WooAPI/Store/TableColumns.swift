/// A table's column list as data: an `Int` enum whose cases are the columns in SELECT and bind order, so a case's
/// raw value is its result index (known at compile time) and its SQL name is the case name in snake case. SELECT
/// lists, INSERT placeholders and UPDATE assignments derive from the cases, never from hand-counted offsets.
///
/// The repositories build their `SQL` constants from these once, in static lets; a second engine (PostgreSQL)
/// reuses the same lists with its own placeholder syntax.
protocol TableColumns: CaseIterable, RawRepresentable, Sendable where RawValue == Int, AllCases == [Self] {}

extension TableColumns {
    /// The column's result index in a statement that selects every case in order.
    var index: Int { rawValue }

    /// The column's 1-based bind parameter in a statement that binds every case in order.
    var parameter: Int { rawValue + 1 }

    /// The SQL name: `lastOrderID` → `last_order_id`, `billingAddress1` → `billing_address_1`.
    var name: String { Self.snakeCase(String(describing: self)) }

    /// `a, b, c` for `columns` (every case by default), each name after `prefix` (`u.`).
    static func list(_ columns: [Self] = allCases, prefix: String = "") -> String {
        columns.map { prefix + $0.name }.joined(separator: ", ")
    }

    /// `?1, ?2, …` for every case.
    static var placeholders: String {
        allCases.map { "?\($0.parameter)" }.joined(separator: ", ")
    }

    /// `b = ?2, c = ?3` for `columns`, each bound at its own ``parameter`` (an UPDATE that binds every case).
    static func assignments(_ columns: [Self]) -> String {
        columns.map { "\($0.name) = ?\($0.parameter)" }.joined(separator: ", ")
    }

    /// camelCase to snake_case, a run of capitals (`ID`, `IP`) and a run of digits each being one word.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        var previous: Character?
        for character in name {
            if let previous {
                let startsWord = (character.isUppercase && !previous.isUppercase)
                    || (character.isNumber && !previous.isNumber)
                if startsWord { out.append("_") }
            }
            out += character.lowercased()
            previous = character
        }
        return out
    }
}
