import Foundation
import Postgres
import SQLite

/// One statement about a schema that both engines can make, e.g. `users: column email citext not null default ''`.
///
/// Each engine's catalog is read into a set of these in one vocabulary (PostgreSQL's type names, normalised
/// expressions), so two schemas compare as two sets and a difference reads as a sentence naming the object.
struct SchemaFact: Hashable, Comparable, CustomStringConvertible {
    /// The table the fact is about.
    let table: String
    /// What is true of it: `table`, `columns a, b`, `column …`, `primary key (…)`, `unique (…)`, `index …`,
    /// `foreign key …`, `check …`.
    let detail: String

    var description: String { "\(table): \(detail)" }

    static func < (lhs: SchemaFact, rhs: SchemaFact) -> Bool { lhs.description < rhs.description }
}

/// Text normalisation shared by both readers, so the same SQL written for either engine reads the same.
enum SchemaText {
    /// A default value as both engines print it: PostgreSQL's casts removed (`''::citext` → `''`, `'-1'::integer`
    /// → `-1`), a quoted number unquoted.
    static func normalisedDefault(_ text: String?) -> String? {
        guard let text else { return nil }
        var value = removingCasts(text).trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2,
           Double(value.dropFirst().dropLast()) != nil {
            value = String(value.dropFirst().dropLast())
        }
        return value
    }

    /// An index key or predicate: casts, parentheses and white space removed, lower case. SQLite keeps the text as
    /// written and PostgreSQL prints it back with casts and parentheses; what is left is the expression itself.
    static func normalisedExpression(_ text: String) -> String {
        removingCasts(text).lowercased().filter { !$0.isWhitespace && $0 != "(" && $0 != ")" && $0 != "\"" }
    }

    /// A column name without the double quotes PostgreSQL prints around keywords (`"position"`, `"timestamp"`).
    static func unquoted(_ name: String) -> String {
        name.filter { $0 != "\"" }
    }

    /// The quoted literals of a CHECK constraint, in order (`'read'`, `'write'`, …).
    static func literals(_ text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "'(?:[^']|'')*'")
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    /// The text without PostgreSQL casts (`::text`, `::double precision`, `::bigint[]`).
    static func removingCasts(_ text: String) -> String {
        let pattern = try! NSRegularExpression(
            pattern: "::(double precision|character varying|timestamp with time zone|[A-Za-z_][A-Za-z0-9_]*)(\\[\\])?")
        return pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                withTemplate: "")
    }

    /// The parts of `text` between top-level commas (not inside parentheses or quotes), trimmed.
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0, quoted = false
        for character in text {
            if character == "'" { quoted.toggle() }
            if !quoted && character == "(" { depth += 1 }
            if !quoted && character == ")" { depth -= 1 }
            if !quoted && depth == 0 && character == "," {
                parts.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
        return parts.filter { !$0.isEmpty }
    }

    /// The text between the parenthesis at `open` and the one that closes it, and the text after that.
    static func parenthesised(_ text: String, from open: String.Index) -> (inside: String, after: String) {
        var depth = 0, quoted = false, index = open
        while index < text.endIndex {
            let character = text[index]
            if character == "'" { quoted.toggle() }
            if !quoted && character == "(" { depth += 1 }
            if !quoted && character == ")" {
                depth -= 1
                if depth == 0 {
                    return (String(text[text.index(after: open)..<index]), String(text[text.index(after: index)...]))
                }
            }
            index = text.index(after: index)
        }
        return (String(text[text.index(after: open)...]), "")
    }

    /// SQL text without its `--` comments (which in sqlite_master's copy of a CREATE TABLE may hold commas,
    /// parentheses and apostrophes).
    static func withoutComments(_ text: String) -> String {
        var result = "", quoted = false, index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "'" { quoted.toggle() }
            if !quoted && character == "-" && text[index...].hasPrefix("--") {
                index = text[index...].firstIndex(of: "\n") ?? text.endIndex
                continue
            }
            result.append(character)
            index = text.index(after: index)
        }
        return result
    }

    /// One index's fact detail, the same for both engines: name, uniqueness, method when not a B-tree, key
    /// columns or expressions, included columns, predicate.
    static func indexDetail(name: String, unique: Bool, method: String = "btree", keys: [String],
                            included: [String] = [], predicate: String?) -> String {
        var detail = "index \(name)"
        if unique { detail += " unique" }
        if method != "btree" { detail += " using \(method)" }
        detail += " (\(keys.map(normalisedExpression).joined(separator: ", ")))"
        if !included.isEmpty { detail += " include (\(included.joined(separator: ", ")))" }
        if let predicate { detail += " where \(normalisedExpression(predicate))" }
        return detail
    }

    /// One column's fact detail: name, type, nullability, default.
    static func columnDetail(name: String, type: String, notNull: Bool, defaultValue: String?) -> String {
        var detail = "column \(name) \(type)"
        if notNull { detail += " not null" }
        if let defaultValue = normalisedDefault(defaultValue) { detail += " default \(defaultValue)" }
        return detail
    }

    /// A foreign key's fact detail; PostgreSQL's and SQLite's "no action" is left out.
    static func foreignKeyDetail(columns: [String], table: String, referenced: [String], onDelete: String,
                                 onUpdate: String) -> String {
        var detail = "foreign key (\(columns.joined(separator: ", "))) references \(table) "
            + "(\(referenced.joined(separator: ", ")))"
        if onDelete != "no action" { detail += " on delete \(onDelete)" }
        if onUpdate != "no action" { detail += " on update \(onUpdate)" }
        return detail
    }
}

/// Reads an SQLite database's schema into facts: `sqlite_master`, `PRAGMA table_info`, `index_list`, `index_info`
/// and `foreign_key_list`, and the CREATE statements' text for what no pragma tells (a column's collation and
/// CHECK, an index's expressions and predicate).
enum SQLiteSchemaReader {
    static func facts(_ db: Database) throws -> Set<SchemaFact> {
        var facts: Set<SchemaFact> = []
        let tables = try db.query("""
            SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
            """)
        for table in tables {
            let name = table[0].stringValue ?? "", sql = table[1].stringValue ?? ""
            var details = ["table"]
            let definitions = columnDefinitions(sql)
            let columns = try db.query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)",
                                       [.text(name)])
            details.append("columns " + columns.map { $0[0].stringValue ?? "" }.joined(separator: ", "))
            var primaryKey: [(position: Int, name: String)] = []
            for column in columns {
                let columnName = column[0].stringValue ?? ""
                let definition = definitions[columnName.lowercased()] ?? ""
                let pk = column[4].intValue ?? 0
                if pk > 0 { primaryKey.append((pk, columnName)) }
                // A primary key column is NOT NULL in this schema (an INTEGER one is the rowid; the others are in
                // WITHOUT ROWID tables, which enforce it) although the pragma reports it nullable.
                details.append(SchemaText.columnDetail(
                    name: columnName, type: mappedType(column[1].stringValue ?? "", definition: definition),
                    notNull: column[2].intValue == 1 || pk > 0, defaultValue: column[3].stringValue))
                let checkPattern = "\\bCHECK\\s*\\("
                if let check = definition.range(of: checkPattern, options: [.regularExpression, .caseInsensitive]) {
                    let open = definition.index(before: check.upperBound)
                    let clause = SchemaText.parenthesised(definition, from: open).inside
                    details.append("check \(columnName) in (\(SchemaText.literals(clause).joined(separator: ", ")))")
                }
            }
            if !primaryKey.isEmpty {
                let names = primaryKey.sorted { $0.position < $1.position }.map(\.name)
                details.append("primary key (\(names.joined(separator: ", ")))")
            }
            details += try indexes(of: name, in: db)
            details += try foreignKeys(of: name, in: db)
            facts.formUnion(details.map { SchemaFact(table: name, detail: $0) })
        }
        return facts
    }

    /// PostgreSQL's name for an SQLite column type (the mapping schema.postgres.sql follows); an unmapped type
    /// keeps its SQLite name and so differs from whatever PostgreSQL has.
    static func mappedType(_ declared: String, definition: String) -> String {
        switch declared.uppercased() {
        case "INTEGER": return "bigint"
        case "REAL": return "double precision"
        case "TEXT":
            return definition.range(of: "COLLATE NOCASE", options: .caseInsensitive) != nil ? "citext" : "text"
        case "": return "(no type)"
        default: return "sqlite \(declared)"
        }
    }

    /// Each column's definition text in a CREATE TABLE statement, by lower-cased column name.
    static func columnDefinitions(_ sql: String) -> [String: String] {
        let text = SchemaText.withoutComments(sql)
        guard let open = text.firstIndex(of: "(") else { return [:] }
        var definitions: [String: String] = [:]
        let constraintWords: Set<String> = ["primary", "unique", "check", "foreign", "constraint"]
        for part in SchemaText.splitTopLevel(SchemaText.parenthesised(text, from: open).inside) {
            let first = part.prefix { !$0.isWhitespace }.lowercased()
            if !constraintWords.contains(first) { definitions[first] = part }
        }
        return definitions
    }

    private static func indexes(of table: String, in db: Database) throws -> [String] {
        var details: [String] = []
        for index in try db.query("SELECT name, \"unique\", origin FROM pragma_index_list(?)", [.text(table)]) {
            let name = index[0].stringValue ?? "", unique = index[1].intValue == 1
            switch index[2].stringValue {
            case "pk":
                continue  // from table_info, as for rowid tables
            case "u":
                let columns = try db.query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [.text(name)])
                details.append("unique (\(columns.map { $0[0].stringValue ?? "" }.joined(separator: ", ")))")
            default:
                let sql = try db.query("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                                       [.text(name)]).first?[0].stringValue ?? ""
                details.append(indexDetail(name: name, unique: unique, sql: sql))
            }
        }
        return details
    }

    /// An index's detail from its CREATE INDEX text: `… ON table (keys) [WHERE predicate]`.
    static func indexDetail(name: String, unique: Bool, sql: String) -> String {
        let text = SchemaText.withoutComments(sql)
        guard let on = text.range(of: " ON ", options: .caseInsensitive),
              let open = text[on.upperBound...].firstIndex(of: "(") else {
            return "index \(name) (unparsed: \(sql))"
        }
        let (keys, after) = SchemaText.parenthesised(text, from: open)
        var predicate: String?
        if let whereRange = after.range(of: "WHERE", options: .caseInsensitive) {
            predicate = String(after[whereRange.upperBound...])
        }
        return SchemaText.indexDetail(name: name, unique: unique, keys: SchemaText.splitTopLevel(keys),
                                      predicate: predicate)
    }

    private static func foreignKeys(of table: String, in db: Database) throws -> [String] {
        let rows = try db.query("""
            SELECT id, "table", "from", "to", on_delete, on_update FROM pragma_foreign_key_list(?) ORDER BY id, seq
            """, [.text(table)])
        return Dictionary(grouping: rows) { $0[0].intValue ?? 0 }.values.map { key in
            SchemaText.foreignKeyDetail(
                columns: key.map { $0[2].stringValue ?? "" }, table: key[0][1].stringValue ?? "",
                referenced: key.map { $0[3].stringValue ?? "" },
                onDelete: (key[0][4].stringValue ?? "").lowercased(),
                onUpdate: (key[0][5].stringValue ?? "").lowercased())
        }
    }
}

/// Reads the current PostgreSQL schema (`current_schema()`) into facts from `information_schema` and the
/// catalogs, in the same vocabulary as ``SQLiteSchemaReader``.
enum PostgresSchemaReader {
    static func facts(_ db: PostgresConnection) throws -> Set<SchemaFact> {
        var facts: Set<SchemaFact> = []
        let tables = try db.execute("""
            SELECT table_name FROM information_schema.tables \
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
            """)
        for row in 0..<tables.rowCount {
            let name = tables.value(row: row, column: 0) ?? ""
            var details = ["table"]
            let columns = try db.execute("""
                SELECT column_name, udt_name, is_nullable, column_default FROM information_schema.columns \
                WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
                """, [.text(name)])
            details.append("columns " + (0..<columns.rowCount).map { columns.value(row: $0, column: 0) ?? "" }
                .joined(separator: ", "))
            for column in 0..<columns.rowCount {
                details.append(SchemaText.columnDetail(
                    name: columns.value(row: column, column: 0) ?? "",
                    type: typeName(columns.value(row: column, column: 1) ?? ""),
                    notNull: columns.value(row: column, column: 2) == "NO",
                    defaultValue: columns.value(row: column, column: 3)))
            }
            details += try indexes(of: name, in: db)
            details += try constraints(of: name, in: db)
            facts.formUnion(details.map { SchemaFact(table: name, detail: $0) })
        }
        return facts
    }

    /// The type names schema.sql's types map to; any other keeps PostgreSQL's internal name.
    static func typeName(_ udtName: String) -> String {
        switch udtName {
        case "int8": return "bigint"
        case "float8": return "double precision"
        case "text", "citext": return udtName
        default: return "postgres \(udtName)"
        }
    }

    private static func indexes(of table: String, in db: PostgresConnection) throws -> [String] {
        let indexes = try db.execute("""
            SELECT i.relname, ix.indisunique, ix.indisprimary, ix.indnkeyatts, ix.indnatts, am.amname, \
                   pg_get_expr(ix.indpred, ix.indrelid, true), \
                   EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid \
                           AND c.conrelid = ix.indrelid AND c.contype IN ('p', 'u')), \
                   ix.indexrelid \
            FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
            JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam \
            WHERE n.nspname = current_schema() AND t.relname = $1 ORDER BY i.relname
            """, [.text(table)])
        var details: [String] = []
        for row in 0..<indexes.rowCount {
            let keyCount = try indexes.int64(row: row, column: 3) ?? 0
            let allCount = try indexes.int64(row: row, column: 4) ?? 0
            let columns = try db.execute(
                "SELECT pg_get_indexdef($1::oid, k, true) FROM generate_series(1, $2::int) k ORDER BY k",
                [.text(indexes.value(row: row, column: 8) ?? "0"), .integer(allCount)])
            let definitions = (0..<columns.rowCount).map { columns.value(row: $0, column: 0) ?? "" }
            let keys = definitions.prefix(Int(keyCount)).map(SchemaText.unquoted)
            let included = definitions.dropFirst(Int(keyCount)).map(SchemaText.unquoted)
            let isPrimary = try indexes.bool(row: row, column: 2) == true
            let isConstraint = try indexes.bool(row: row, column: 7) == true
            if isPrimary {
                details.append("primary key (\(keys.joined(separator: ", ")))")
            } else if isConstraint {
                details.append("unique (\(keys.joined(separator: ", ")))")
            } else {
                details.append(SchemaText.indexDetail(
                    name: indexes.value(row: row, column: 0) ?? "",
                    unique: try indexes.bool(row: row, column: 1) == true,
                    method: indexes.value(row: row, column: 5) ?? "", keys: keys, included: included,
                    predicate: indexes.value(row: row, column: 6)))
            }
        }
        return details
    }

    private static func constraints(of table: String, in db: PostgresConnection) throws -> [String] {
        let actions = ["a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"]
        let rows = try db.execute("""
            SELECT c.contype, pg_get_constraintdef(c.oid), \
                   (SELECT string_agg(a.attname, ', ' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) \
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), \
                   c.confrelid::regclass::text, \
                   (SELECT string_agg(a.attname, ', ' ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) \
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n), \
                   c.confdeltype, c.confupdtype \
            FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype IN ('c', 'f') ORDER BY c.conname
            """, [.text(table)])
        return (0..<rows.rowCount).map { row in
            let columns = rows.value(row: row, column: 2) ?? ""
            if rows.value(row: row, column: 0) == "c" {
                let literals = SchemaText.literals(SchemaText.removingCasts(rows.value(row: row, column: 1) ?? ""))
                return "check \(columns) in (\(literals.joined(separator: ", ")))"
            }
            return SchemaText.foreignKeyDetail(
                columns: columns.components(separatedBy: ", "), table: rows.value(row: row, column: 3) ?? "",
                referenced: (rows.value(row: row, column: 4) ?? "").components(separatedBy: ", "),
                onDelete: actions[rows.value(row: row, column: 5) ?? ""] ?? "?",
                onUpdate: actions[rows.value(row: row, column: 6) ?? ""] ?? "?")
        }
    }
}
