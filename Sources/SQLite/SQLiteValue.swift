/// A value in one of SQLite's five storage classes, used for bound arguments and column reads.
package enum SQLiteValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null
}

extension SQLiteValue {
    /// Wraps any convertible Swift value (`Int`, `String?`, `[UInt8]`, `Bool`, ...).
    package init(_ value: some SQLiteValueConvertible) {
        self = value.sqliteValue
    }

    /// True when the value is SQL NULL.
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The integer payload, or nil for any other storage class (no lossy conversion).
    package var int64Value: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The integer payload as `Int`, or nil for any other storage class.
    package var intValue: Int? {
        int64Value.map { Int($0) }
    }

    /// The real payload; integers are widened to `Double` (REAL-affinity columns may store either).
    package var doubleValue: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The text payload, or nil for any other storage class.
    package var stringValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The blob payload, or nil for any other storage class.
    package var blobValue: [UInt8]? {
        if case .blob(let value) = self { return value }
        return nil
    }

    /// SQLite truthiness for integer columns used as booleans (non-zero is true); nil when not an integer.
    package var boolValue: Bool? {
        int64Value.map { $0 != 0 }
    }
}

extension SQLiteValue: CustomStringConvertible {
    /// A short debugging form that reports the storage class and size, never the payload itself.
    package var description: String {
        switch self {
        case .integer: return "INTEGER"
        case .real: return "REAL"
        case .text(let value): return "TEXT(\(value.utf8.count) bytes)"
        case .blob(let value): return "BLOB(\(value.count) bytes)"
        case .null: return "NULL"
        }
    }
}

extension SQLiteValue: CustomDebugStringConvertible {
    /// The full payload, for debugging and test failure messages only (may contain user data).
    package var debugDescription: String {
        switch self {
        case .integer(let value): return ".integer(\(value))"
        case .real(let value): return ".real(\(value))"
        case .text(let value): return ".text(\(String(reflecting: value)))"
        case .blob(let value): return ".blob(\(value))"
        case .null: return ".null"
        }
    }
}

extension SQLiteValue: ExpressibleByIntegerLiteral {
    /// Creates an `.integer` from an integer literal.
    package init(integerLiteral value: Int64) { self = .integer(value) }
}

extension SQLiteValue: ExpressibleByFloatLiteral {
    /// Creates a `.real` from a floating-point literal.
    package init(floatLiteral value: Double) { self = .real(value) }
}

extension SQLiteValue: ExpressibleByStringLiteral {
    /// Creates a `.text` from a string literal.
    package init(stringLiteral value: String) { self = .text(value) }
}

extension SQLiteValue: ExpressibleByBooleanLiteral {
    /// Creates `.integer(1)` or `.integer(0)` from a boolean literal.
    package init(booleanLiteral value: Bool) { self = .integer(value ? 1 : 0) }
}

extension SQLiteValue: ExpressibleByNilLiteral {
    /// Creates `.null` from `nil`.
    package init(nilLiteral: ()) { self = .null }
}

/// A Swift type that can be bound as a SQLite argument.
package protocol SQLiteValueConvertible {
    /// The SQLite representation of this value.
    var sqliteValue: SQLiteValue { get }
}

extension SQLiteValue: SQLiteValueConvertible {
    /// Returns `self`.
    package var sqliteValue: SQLiteValue { self }
}

extension Int: SQLiteValueConvertible {
    /// `.integer` (Int is 64-bit on all supported platforms).
    package var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Int64: SQLiteValueConvertible {
    /// `.integer`.
    package var sqliteValue: SQLiteValue { .integer(self) }
}

extension Int32: SQLiteValueConvertible {
    /// `.integer`.
    package var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Double: SQLiteValueConvertible {
    /// `.real`.
    package var sqliteValue: SQLiteValue { .real(self) }
}

extension Bool: SQLiteValueConvertible {
    /// `.integer(1)` or `.integer(0)`.
    package var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }
}

extension String: SQLiteValueConvertible {
    /// `.text`.
    package var sqliteValue: SQLiteValue { .text(self) }
}

extension Substring: SQLiteValueConvertible {
    /// `.text`.
    package var sqliteValue: SQLiteValue { .text(String(self)) }
}

extension Array: SQLiteValueConvertible where Element == UInt8 {
    /// `.blob`.
    package var sqliteValue: SQLiteValue { .blob(self) }
}

extension Optional: SQLiteValueConvertible where Wrapped: SQLiteValueConvertible {
    /// The wrapped value's representation, or `.null` for nil.
    package var sqliteValue: SQLiteValue {
        switch self {
        case .some(let value): return value.sqliteValue
        case .none: return .null
        }
    }
}
