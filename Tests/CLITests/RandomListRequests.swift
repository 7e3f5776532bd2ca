import TestSupport

/// Random list and count request targets for ``MemoryBoundTests``: every value a client may vary in
/// `filter[orderby]`, `filter[order]`, `fields`, `filter[q]`, the date bounds, `filter[in]` and `filter[role]`,
/// valid and invalid, so that almost no two requests carry the same query string.
struct RandomListRequests {
    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    /// A list request whose `filter[orderby]` is a random list of known and unknown keys, in a random direction;
    /// half of them ask only for ids (both ways of reading a customers page, and less JSON to encode).
    mutating func orderby() -> String {
        let (path, keys) = random.pick(Self.endpoints)
        let fields = random.chance(50) ? ["fields=id"] : []
        return "/wc-api/v2/\(path)?" + (orderParameters(keys) + [limit()] + fields).joined(separator: "&")
    }

    /// A list or count request with random `fields`, search, date bounds, `filter[in]` and page window, and
    /// sometimes a random order and role.
    mutating func filters() -> String {
        let (path, keys) = random.pick(Self.endpoints)
        var parameters: [String] = []
        let count = random.chance(20)
        if !count, random.chance(70) {
            parameters.append("fields=" + list(of: Self.fields, separator: "%2C", upTo: 6))
        }
        if random.chance(50) { parameters.append("filter%5Bq%5D=" + search()) }
        for bound in ["created_at_min", "created_at_max", "updated_at_min", "updated_at_max"] where random.chance(30) {
            parameters.append("filter%5B\(bound)%5D=" + date())
        }
        if random.chance(30) {
            let ids = (0..<random.int(in: 1...40)).map { _ in String(random.int(in: 1...400)) }
            parameters.append("filter%5Bin%5D=" + ids.joined(separator: "%2C"))
        }
        if random.chance(30) { parameters += orderParameters(keys) }
        if random.chance(20) { parameters.append("filter%5Brole%5D=" + random.pick(["customer", word(), "administrator"])) }
        parameters.append(limit())
        if random.chance(40) { parameters.append("page=\(random.int(in: 1...6))") }
        return "/wc-api/v2/\(path)\(count ? "/count" : "")?" + parameters.joined(separator: "&")
    }

    /// The list paths and the orderby keys their API knows (some only by name), plus keys nobody knows.
    private static let endpoints: [(String, [String])] = [
        ("customers", ["registered", "user_registered", "email", "user_email", "ID", "id", "login", "user_login",
                       "display_name", "nicename", "post_count", "meta_value", "bogus"]),
        ("products", ["date", "post_date", "modified", "post_modified", "ID", "id", "title", "post_title", "name",
                      "post_name", "rand", "menu_order", "bogus"]),
        ("orders", ["date", "post_date", "modified", "post_modified", "ID", "id", "title", "name", "rand", "bogus"]),
    ]

    /// Field names of the three objects, and some no object has.
    private static let fields = ["id", "email", "first_name", "last_name", "username", "billing_address",
        "billing_address.city", "shipping_address.country", "title", "sku", "price", "status", "total", "line_items",
        "customer", "created_at", "updated_at", "orders_count", "nothing", "billing_address.nothing"]

    /// A small page (1 to 3 rows), rarely all rows: the load is about statements, not about encoding JSON in a
    /// debug build, which otherwise costs most of the run.
    private mutating func limit() -> String {
        "filter%5Blimit%5D=" + (random.chance(2) ? "-1" : String(random.int(in: 1...3)))
    }

    private mutating func orderParameters(_ keys: [String]) -> [String] {
        var parameters = ["filter%5Borderby%5D=" + list(of: keys, separator: random.pick(["%20", "%2C", "+"]), upTo: 6)]
        if random.chance(70) { parameters.append("filter%5Border%5D=" + random.pick(["ASC", "DESC", "asc", "desc", word()])) }
        return parameters
    }

    /// Up to `upTo` entries (known ones, sometimes random words), joined.
    private mutating func list(of known: [String], separator: String, upTo limit: Int) -> String {
        (0..<random.int(in: 1...limit)).map { _ in random.chance(85) ? random.pick(known) : word() }
            .joined(separator: separator)
    }

    private mutating func word() -> String {
        random.text(from: ["a", "e", "o", "r", "s", "t", "n", "x", "1", "7"], count: random.int(in: 1...8))
    }

    private mutating func search() -> String {
        switch random.below(5) {
        case 0: "%2A" + word() + "%2A"
        case 1: word() + "%40example.com"
        case 2: String(random.int(in: 1...400))
        case 3: (0..<random.int(in: 1...5)).map { _ in word() }.joined(separator: "%20")
        default: word() + random.pick(["", "%2A"])
        }
    }

    private mutating func date() -> String {
        if random.chance(10) { return word() }
        let day = "20\(random.int(in: 10...30))-\(pad(random.int(in: 1...12)))-\(pad(random.int(in: 1...28)))"
        return random.chance(50) ? day : day + "T\(pad(random.int(in: 0...23))):\(pad(random.int(in: 0...59))):00Z"
    }

    private func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
