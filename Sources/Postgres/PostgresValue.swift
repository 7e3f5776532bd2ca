/// A parameter value for a `$n` placeholder; every case is sent to the server in text format.
///
/// The server converts the text to the placeholder's type (`$1::int8`, or the type it infers), so integers and
/// reals are written the way PostgreSQL reads them back: `Int64.description` and the shortest round-tripping
/// `Double.description` (`inf`, `-inf` and `nan` are accepted by `float8in`).
package enum PostgresValue: Sendable, Hashable {
    /// SQL NULL (a null parameter pointer).
    case null
    /// Text, sent as UTF-8. PostgreSQL text cannot hold a NUL character; binding one throws.
    case text(String)
    /// A 64-bit integer.
    case integer(Int64)
    /// A double-precision float.
    case real(Double)

    /// The text sent to the server, or nil for NULL.
    var textFormat: String? {
        switch self {
        case .null: return nil
        case .text(let value): return value
        case .integer(let value): return value.description
        case .real(let value): return value.description
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByNilLiteral
{
    /// `"text"` in a parameter list.
    package init(stringLiteral value: String) { self = .text(value) }
    /// `42` in a parameter list.
    package init(integerLiteral value: Int64) { self = .integer(value) }
    /// `1.5` in a parameter list.
    package init(floatLiteral value: Double) { self = .real(value) }
    /// `nil` in a parameter list.
    package init(nilLiteral: ()) { self = .null }
}
