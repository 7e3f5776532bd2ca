import Foundation
import SQLite
import Storage
import TestSupport

// The plain queries of the three lists, written from their documented semantics and nothing else (customers §6.1,
// §6.2, listing §1, listing §2, products-orders §2.7, §4.9): ``ListPlanEquivalenceTests`` compares every page the API
// serves with these, so a faster plan (page anchors, new indexes, a search index) is judged against the text of
// the rules rather than against the code it replaces. Nothing here calls the API's query types.

/// One list or count request: its parameters as decoded names and values, in order (a repeated name keeps its
/// last value, as PHP's `$_GET` does).
struct ListRequest: CustomStringConvertible {
    /// `customers`, `orders` or `products`.
    var path: String
    var parameters: [(name: String, value: String)] = []

    init(_ path: String) { self.path = path }

    mutating func add(_ name: String, _ value: String) { parameters.append((name, value)) }

    /// The last value sent for `name`.
    func value(_ name: String) -> String? { parameters.last { $0.name == name }?.value }

    /// The last value of `filter[key]`, when not empty.
    func filter(_ key: String) -> String? { value("filter[\(key)]").flatMap { $0.isEmpty ? nil : $0 } }

    /// The query string, every byte outside the unreserved set percent-encoded.
    var query: String { parameters.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&") }

    /// The list's target (`/wc-api/v2/<path>?<query>`), or the count's.
    func target(count: Bool = false) -> String { "/wc-api/v2/\(path)\(count ? "/count" : "")?\(query)" }

    /// The request with every value as a Swift literal, so a failure can be pasted back.
    var description: String {
        "GET /\(path)?" + parameters.map { "\($0.name)=\(swiftLiteral($0.value))" }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// A plain query: `SELECT <alias>.id FROM <table> WHERE … ORDER BY … [LIMIT … OFFSET …]` and its count.
struct PlainListQuery {
    /// `users u`, `orders o`, `products p`.
    var table: String
    var alias: String
    var conditions: [String] = []
    var arguments: [SQLiteValue] = []
    var order: String = ""
    /// nil: every row (`filter[limit]=-1`).
    var limit: Int? = 10
    var offset = 0

    var whereSQL: String { conditions.isEmpty ? "1" : conditions.joined(separator: " AND ") }

    /// Every matching id in list order, ignoring the page window.
    func allIDs(in db: Database) throws -> [Int] {
        try db.makeStatement("SELECT \(alias).id FROM \(table) WHERE \(whereSQL) ORDER BY \(order)")
            .map(arguments) { Int($0.int64(at: 0)) }
    }

    /// The ids of the requested page, in list order.
    func pageIDs(in db: Database) throws -> [Int] {
        guard let limit else { return try allIDs(in: db) }
        return try db.makeStatement("SELECT \(alias).id FROM \(table) WHERE \(whereSQL) ORDER BY \(order) LIMIT ? OFFSET ?")
            .map(arguments + [.integer(Int64(limit)), .integer(Int64(offset))]) { Int($0.int64(at: 0)) }
    }

    func count(in db: Database) throws -> Int {
        try db.makeStatement("SELECT count(*) FROM \(table) WHERE \(whereSQL)").first(arguments) { $0.int(at: 0) } ?? 0
    }

    /// `X-WC-TotalPages` for `total` rows: 1 without a page size, else ceil(total ÷ size) (listing §3, decisions #12).
    func totalPages(total: Int) -> Int {
        guard let limit else { return 1 }
        return (total + limit - 1) / limit
    }

    /// Reads `filter[limit]`, `page` and `filter[offset]` (listing §1): an empty or zero limit is 10, -1 all rows;
    /// offset = limit × (page − 1) unless a non-zero `filter[offset]` replaces it. The generator sends valid values only.
    mutating func readWindow(_ request: ListRequest) {
        limit = 10
        if let text = request.filter("limit"), let number = Int(text) {
            limit = number == -1 ? nil : (number == 0 ? 10 : number)
        }
        let page = request.value("page").flatMap { $0.isEmpty ? nil : Int($0) } ?? 1
        offset = (limit ?? 0) * (page - 1)
        if let text = request.filter("offset"), text != "0", let number = Int(text) { offset = number }
    }
}

/// Text helpers shared by the oracles: PHP-`trim`-like trimming of ASCII whitespace and NUL, and `LIKE` escaping.
enum OracleText {
    static func trimmed(_ text: some StringProtocol) -> String {
        let bytes = Array(text.utf8)
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) || byte == 0 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// `%`, `_` and `\` made literal for `LIKE … ESCAPE '\'`.
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            if character == "%" || character == "_" || character == "\\" { out += "\\" }
            out.unicodeScalars.append(character)
        }
        return out
    }

    /// A date bound as listing §2 reads it: `YYYY-MM-DD`, optionally `T`/space and `HH:MM[:SS[.fff]]`, optionally
    /// `Z` or an offset that is ignored; anything else is 1970-01-01 00:00:00 (0).
    static func dateBound(_ text: String) -> Int64 {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return 0 }
        func group(_ index: Int) -> Int? {
            guard let range = Range(match.range(at: index), in: text) else { return nil }
            return Int(text[range])
        }
        guard let year = group(1), let month = group(2), let day = group(3), (1...12).contains(month), (1...31).contains(day)
        else { return 0 }
        let (hour, minute, second) = (group(4) ?? 0, group(5) ?? 0, group(6) ?? 0)
        guard hour < 24, minute < 60, second < 60 else { return 0 }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Day overflow (Feb 30) rolls over as PHP's strtotime does; the generator does not send such days.
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { return 0 }
        return Int64(date.timeIntervalSince1970)
    }
}

/// `GET /customers` as a plain user query (customers §6.1, §6.2, listing §1, listing §2).
enum CustomerListOracle {
    static func query(_ request: ListRequest) -> PlainListQuery {
        var plain = PlainListQuery(table: "users u", alias: "u")
        plain.readWindow(request)
        // Role: a comma list of slugs a user must all have; empty means customer.
        var roles = ["customer"]
        if let text = request.filter("role") {
            let list = text.split(separator: ",").map { OracleText.trimmed($0) }.filter { !$0.isEmpty }
            if !list.isEmpty { roles = list }
        }
        if Set(roles).count > 1 {
            plain.conditions.append("0")
        } else {
            plain.conditions.append("u.role = ?")
            plain.arguments.append(.text(roles[0]))
        }
        if let raw = request.filter("q") {
            let term = OracleText.trimmed(raw)
            if !term.isEmpty { appendSearch(term, to: &plain) }
        }
        if let text = request.filter("created_at_min") {
            plain.conditions.append("u.created_at >= ?")
            plain.arguments.append(.integer(OracleText.dateBound(text)))
        }
        if let text = request.filter("created_at_max") {
            plain.conditions.append("u.created_at <= ?")
            plain.arguments.append(.integer(OracleText.dateBound(text)))
        }
        var ascending = true
        if let text = request.filter("order") { ascending = text.lowercased() == "asc" }
        var keys = ["u.created_at"]
        if let text = request.filter("orderby") {
            let named = text.split(whereSeparator: { $0 == "," || $0 == " " }).map { name -> String in
                switch name {
                case "registered", "user_registered": "u.created_at"
                case "email", "user_email": "u.email"
                case "ID", "id": "u.id"
                default: "u.username"
                }
            }
            keys = []
            for key in named where !keys.contains(key) { keys.append(key) }
            if keys.isEmpty { keys = ["u.username"] }
        }
        let direction = ascending ? "ASC" : "DESC"
        plain.order = keys.map { "\($0) \(direction)" }.joined(separator: ", ") + ", u.id ASC"
        return plain
    }

    /// customers §6.2: one leading and one trailing `*` are wildcards; `@` searches the email only, ASCII digits
    /// the login and the id, `http(s)://` the URL (none here), anything else login and email; exact without `*`.
    static func appendSearch(_ term: String, to plain: inout PlainListQuery) {
        var text = Substring(term)
        let leading = text.hasPrefix("*")
        if leading { text.removeFirst() }
        let trailing = text.hasSuffix("*")
        if trailing { text.removeLast() }
        let wildcard = leading || trailing
        let value: SQLiteValue = .text(wildcard ? (leading ? "%" : "") + OracleText.likeEscaped(String(text)) + (trailing ? "%" : "")
                                                : String(text))
        func match(_ column: String) -> String { wildcard ? "\(column) LIKE ? ESCAPE '\\'" : "\(column) = ?" }
        if text.contains("@") {
            plain.conditions.append(match("u.email"))
            plain.arguments.append(value)
        } else if !text.isEmpty && text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            if let id = Int64(text) {
                plain.conditions.append("(\(match("u.username")) OR u.id = ?)")
                plain.arguments += [value, .integer(id)]
            } else {
                plain.conditions.append(match("u.username"))  // no id has 20 digits
                plain.arguments.append(value)
            }
        } else if text.hasPrefix("http://") || text.hasPrefix("https://") {
            plain.conditions.append("0")
        } else {
            plain.conditions.append("(\(match("u.username")) OR \(match("u.email")))")
            plain.arguments += [value, value]
        }
    }
}

/// `GET /orders` and `GET /products` as plain WordPress post queries (products-orders §2.7, §4.9, listing §1, listing §2).
enum PostListOracle {
    static let orderStatuses: Set<String> = ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"]

    static func orders(_ request: ListRequest) -> PlainListQuery {
        var plain = PlainListQuery(table: "orders o", alias: "o")
        // `status`: each entry becomes `wc-<entry>`, so only registered statuses match (never trash);
        // `filter[post_status]` replaces it unless it names `any`.
        var statuses: [String]?
        if let text = request.value("status"), !text.isEmpty {
            statuses = text.split(separator: ",").map { OracleText.trimmed($0) }.filter { !$0.isEmpty }
                .map { $0.hasPrefix("wc-") ? String($0.dropFirst(3)) : $0 }.filter { orderStatuses.contains($0) }
        }
        if let text = request.filter("post_status") {
            let list = text.split(separator: ",").map { OracleText.trimmed($0) }.filter { !$0.isEmpty }
            if !list.contains("any") { statuses = list.map { $0.hasPrefix("wc-") ? String($0.dropFirst(3)) : $0 } }
        }
        appendCommon(request, statuses: statuses, to: &plain, columns: [:])
        return plain
    }

    static func products(_ request: ListRequest) -> PlainListQuery {
        var plain = PlainListQuery(table: "products p", alias: "p")
        if let category = request.filter("category"), category != "uncategorized" { plain.conditions.append("0") }
        var statuses: [String]? = ["publish"]
        if let text = request.filter("post_status") {
            let list = text.split(separator: ",").map { OracleText.trimmed($0) }.filter { !$0.isEmpty }
            statuses = list.contains("any") ? nil : list
        }
        appendCommon(request, statuses: statuses, to: &plain,
                     columns: ["title": "title", "post_title": "title", "name": "slug", "post_name": "slug"])
        let typeText = request.value("type").flatMap { $0.isEmpty ? nil : $0 } ?? request.filter("type")
        if let typeText {
            let types = typeText.split(separator: ",").map { OracleText.trimmed($0) }.filter { $0 == "simple" || $0 == "variable" }
            plain.conditions.append(types.isEmpty ? "0" : "p.type IN (\(types.map { _ in "?" }.joined(separator: ", ")))")
            plain.arguments += types.map { .text($0) }
        }
        if let sku = request.filter("sku") {
            // A SKU lookup reaches variations too; otherwise variations are no products of their own.
            plain.conditions.append("p.sku = ?")
            plain.arguments.append(.text(sku))
        } else {
            plain.conditions.append("p.type <> 'variation'")
        }
        if let text = request.filter("q") {
            for word in text.split(separator: " ") {
                let pattern = "%" + OracleText.likeEscaped(String(word)) + "%"
                plain.conditions.append("(p.title LIKE ? ESCAPE '\\' OR p.short_description LIKE ? ESCAPE '\\' OR p.description LIKE ? ESCAPE '\\')")
                plain.arguments += [.text(pattern), .text(pattern), .text(pattern)]
            }
        }
        return plain
    }

    /// Statuses (nil: all but trash), `filter[in]`, the four date bounds, the page window and the order: date,
    /// modified, id (plus `columns`), unknown keys ignored, newest first unless `filter[order]` is `asc` in any
    /// case, ties by id in the same direction.
    private static func appendCommon(_ request: ListRequest, statuses: [String]?, to plain: inout PlainListQuery,
                                     columns: [String: String]) {
        let a = plain.alias
        plain.readWindow(request)
        if let statuses {
            plain.conditions.append(statuses.isEmpty ? "0" : "\(a).status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))")
            plain.arguments += statuses.map { .text($0) }
        } else {
            plain.conditions.append("\(a).status <> 'trash'")
        }
        if let text = request.filter("in") {
            let ids = text.split(separator: ",").compactMap { Int64(OracleText.trimmed($0)) }.filter { $0.magnitude < 1 << 53 }
            plain.conditions.append(ids.isEmpty ? "0" : "\(a).id IN (\(ids.map(String.init).joined(separator: ", ")))")
        }
        for (key, column, op) in [("created_at_min", "created_at", ">="), ("created_at_max", "created_at", "<="),
                                  ("updated_at_min", "updated_at", ">="), ("updated_at_max", "updated_at", "<=")] {
            if let text = request.filter(key) {
                plain.conditions.append("\(a).\(column) \(op) ?")
                plain.arguments.append(.integer(OracleText.dateBound(text)))
            }
        }
        let sortable = ["date": "created_at", "post_date": "created_at", "modified": "updated_at",
                        "post_modified": "updated_at", "ID": "id", "id": "id"].merging(columns) { $1 }
        var keys: [String] = []
        if let text = request.filter("orderby") {
            for name in text.split(separator: " ") {
                if let column = sortable[String(name)], !keys.contains(column) { keys.append(column) }
            }
        }
        if keys.isEmpty { keys = ["created_at"] }
        let direction = request.filter("order")?.uppercased() == "ASC" ? "ASC" : "DESC"
        plain.order = keys.map { "\(a).\($0) \(direction)" }.joined(separator: ", ") + ", \(a).id \(direction)"
    }
}
