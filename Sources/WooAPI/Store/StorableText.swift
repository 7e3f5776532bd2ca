import SQLite
import Storage

extension SQLValue {
    /// The value as `dialect` can store it: over PostgreSQL, text without NUL characters, which its `text` type
    /// cannot hold (a bind fails with 22021, and the request with a 500); anything else, and everything over SQLite,
    /// as it is. Dropping them matches what the real store keeps: WordPress's `sanitize_text_field` (PHP's
    /// `strip_tags`) and `wp_kses` (`wp_kses_no_null`) remove NUL before a value reaches MySQL. SQLite keeps the
    /// text as given, as it always has.
    func storable(in dialect: SQLDialect) -> SQLValue {
        guard dialect == .postgres, let text = stringValue, text.utf8.contains(0) else { return self }
        return .text(String(decoding: text.utf8.filter { $0 != 0 }, as: UTF8.self))
    }
}
