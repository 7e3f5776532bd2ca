import Foundation
import SQLite
import Storage
import TestSupport
import WooAPI
import XCTest

/// Issue 11's equivalence tests: for every list shape, the page the API serves (ids in order, `X-WC-Total`,
/// `X-WC-TotalPages`, and `/count`) equals what the plain query of ``ListPlanOracles`` returns, on random stores
/// from fixed seeds — thousands of rows, same-second ties, mixed-case and wildcard-laden text, several roles and
/// statuses — while rows are created, deleted and updated between pages, through the API and by direct SQL on the
/// store file (another connection, as another process would write: WAL, triggers keep the counters exact).
///
/// Today's code *is* the plain query, so these pass on it; they are here to judge the planned rewrite (page anchors
/// for every order, new indexes, a trigram index for `*term*`, prefix ranges for `term*`, counts from anchors, a
/// change log). A failure prints the seed and the request, so it reproduces.
final class ListPlanEquivalenceTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    /// A second connection to the store file, for the oracles and the direct writes.
    private var db: Database!
    private var comparisons = 0
    /// Comparisons whose page held rows: a suite whose requests all matched nothing would prove little.
    private var nonEmpty = 0
    private var mismatches = EquivalenceMismatches()

    override func setUpWithError() throws {
        try XCTSkipIf(TestBackend.isPostgres, "SQLite by nature: the oracles and the direct writes go through a second "
                      + "connection to the store's SQLite file, and the oracles' SQL relies on SQLite's ASCII-folding "
                      + "LIKE and NOCASE")
        try super.setUpWithError()
        db = try Database(path: api.store.path)
        comparisons = 0
        nonEmpty = 0
        mismatches = EquivalenceMismatches()
    }

    override func tearDown() {
        db = nil
        super.tearDown()
    }

    // MARK: Customers

    func testCustomerListsEqualThePlainQueryWhileTheStoreChanges() throws {
        let seed: UInt64 = 0x11_C057
        var rng = SeededRandom(seed: seed)
        var text = StoreText()
        try insertCustomers(4_000, rng: &rng, text: &text)
        for round in 0..<7 {
            if round > 0 { try mutateCustomers(operations: 40, rng: &rng, text: &text) }
            let rows = try customerRows()
            for index in 0..<120 {
                let request = randomCustomerRequest(rows: rows, rng: &rng)
                try compare(request, CustomerListOracle.query(request), key: "customers",
                            context: "seed \(hex(seed)) round \(round) request \(index)")
            }
        }
        // Every special search term at least once, on a whole list and on a later page of another order.
        for (index, term) in Self.edgeTerms.enumerated() {
            for window in [[("filter[limit]", "-1")], [("filter[orderby]", "email"), ("filter[order]", "desc"),
                                                       ("filter[limit]", "5"), ("page", "2")]] {
                var request = ListRequest("customers")
                request.add("fields", "id")
                request.add("filter[q]", term)
                for (name, value) in window { request.add(name, value) }
                try compare(request, CustomerListOracle.query(request), key: "customers",
                            context: "seed \(hex(seed)) edge term \(index)")
            }
        }
        mismatches.finish("customers")
        print("ListPlanEquivalenceTests: customers: \(comparisons) comparisons (\(nonEmpty) with rows), seed \(hex(seed))")
    }

    func testCustomerPagesWalkedByLinkNextConcatenateToThePlainList() throws {
        let seed: UInt64 = 0x11_3A1C
        var rng = SeededRandom(seed: seed)
        var text = StoreText()
        try insertCustomers(3_000, rng: &rng, text: &text)
        let shapes: [[(String, String)]] = [
            [],
            [("filter[order]", "desc")],
            [("filter[orderby]", "email"), ("fields", "id")],
            [("filter[orderby]", "login"), ("filter[order]", "DESC"), ("fields", "id")],
            [("filter[orderby]", "registered,email"), ("filter[order]", "asc"), ("fields", "id")],
            [("filter[q]", "*a*"), ("fields", "id")],
            [("filter[role]", "subscriber"), ("filter[orderby]", "id"), ("filter[order]", "desc")],
        ]
        for (index, shape) in shapes.enumerated() {
            var request = ListRequest("customers")
            for (name, value) in shape { request.add(name, value) }
            request.add("filter[limit]", String(rng.pick([16, 31, 64, 100, 100])))
            try walk(request, oracle: CustomerListOracle.query, key: "customers",
                     context: "seed \(hex(seed)) walk \(index)", mutate: nil)
        }
        // The same walks with writes between pages: each page must equal the plain query at the time it is asked.
        for (index, shape) in shapes.enumerated() where index % 2 == 0 {
            var request = ListRequest("customers")
            for (name, value) in shape { request.add(name, value) }
            request.add("filter[limit]", String(rng.pick([32, 50, 64])))
            try walk(request, oracle: CustomerListOracle.query, key: "customers",
                     context: "seed \(hex(seed)) changing walk \(index)") { rng in
                try self.mutateCustomers(operations: 3, rng: &rng, text: &text)
            }
        }
        mismatches.finish("customer walks")
        print("ListPlanEquivalenceTests: customer walks: \(comparisons) comparisons (\(nonEmpty) with rows), seed \(hex(seed))")
    }

    /// One write, then the same deep page of every order and direction, again and again: whatever a plan keeps
    /// between requests (anchors, a change log) must follow each single insert, delete and update.
    func testEveryCustomerOrderFollowsSingleWrites() throws {
        let seed: UInt64 = 0x11_5196
        var rng = SeededRandom(seed: seed)
        var text = StoreText()
        try insertCustomers(3_000, rng: &rng, text: &text)
        // Ids only for every key and direction; then the default list as full objects (the server's own fast
        // path, rows from its cache) and another role's default list.
        let shapes = ["registered", "email", "login", "id", "email,registered"].flatMap { key in
            ["asc", "desc"].map { [("fields", "id"), ("filter[orderby]", key), ("filter[order]", $0)] }
        } + [[], [("fields", "id"), ("filter[role]", "subscriber")]]
        for step in 0..<60 {
            try mutateCustomers(operations: 1, rng: &rng, text: &text)
            let total = try CustomerListOracle.query(ListRequest("customers")).count(in: db)
            for (index, shape) in shapes.enumerated() {
                var request = ListRequest("customers")
                for (name, value) in shape { request.add(name, value) }
                let limit = shape.isEmpty ? rng.pick([5, 16, 20]) : rng.pick([16, 20, 33, 64])
                request.add("filter[limit]", String(limit))
                // The subscribers' list is shorter: some of its pages are beyond the end.
                request.add("page", String(rng.int(in: 1...max(1, (total + limit - 1) / limit))))
                try compare(request, CustomerListOracle.query(request), key: "customers",
                            context: "seed \(hex(seed)) step \(step) shape \(index)", checkCount: index == 0)
            }
        }
        mismatches.finish("customer single writes")
        print("ListPlanEquivalenceTests: customer single writes: \(comparisons) comparisons (\(nonEmpty) with rows), seed \(hex(seed))")
    }

    // MARK: Orders

    func testOrderListsEqualThePlainQueryWhileTheStoreChanges() throws {
        let seed: UInt64 = 0x11_04DE
        var rng = SeededRandom(seed: seed)
        try insertOrders(2_000, rng: &rng)
        for round in 0..<4 {
            if round > 0 { try mutateOrders(operations: 30, rng: &rng) }
            let rows = try db.query("SELECT id, created_at, updated_at FROM orders")
            let ids = rows.map { $0[0].intValue ?? 0 }
            let times = rows.map { ($0[1].int64Value ?? 0, $0[2].int64Value ?? 0) }
            for index in 0..<100 {
                let request = randomOrderRequest(ids: ids, times: times, rng: &rng)
                try compare(request, PostListOracle.orders(request), key: "orders",
                            context: "seed \(hex(seed)) round \(round) request \(index)",
                            checkCount: request.value("status") != "any")
            }
        }
        var request = ListRequest("orders")
        request.add("filter[limit]", "40")
        request.add("fields", "id")
        try walk(request, oracle: PostListOracle.orders, key: "orders", context: "seed \(hex(seed)) walk") { rng in
            try self.mutateOrders(operations: 2, rng: &rng)
        }
        mismatches.finish("orders")
        print("ListPlanEquivalenceTests: orders: \(comparisons) comparisons (\(nonEmpty) with rows), seed \(hex(seed))")
    }

    // MARK: Products

    func testProductListsEqualThePlainQueryWhileTheStoreChanges() throws {
        let seed: UInt64 = 0x11_960D
        var rng = SeededRandom(seed: seed)
        var text = StoreText()
        try insertProducts(1_200, rng: &rng, text: &text)
        for round in 0..<4 {
            if round > 0 { try mutateProducts(operations: 30, rng: &rng, text: &text) }
            let rows = try productRows()
            for index in 0..<80 {
                let request = randomProductRequest(rows: rows, rng: &rng)
                try compare(request, PostListOracle.products(request), key: "products",
                            context: "seed \(hex(seed)) round \(round) request \(index)")
            }
        }
        // Every special search word at least once, alone and after a common one.
        for (index, word) in Self.productEdgeWords.enumerated() {
            for q in [word, "widget \(word)"] {
                var request = ListRequest("products")
                request.add("fields", "id")
                request.add("filter[post_status]", "any")
                request.add("filter[q]", q)
                // Totals cover every match; a product page costs a tree load per row, so ids are compared on 60.
                request.add("filter[orderby]", "title")
                request.add("filter[limit]", "60")
                try compare(request, PostListOracle.products(request), key: "products", context: "seed \(hex(seed)) edge word \(index)")
            }
        }
        var request = ListRequest("products")
        request.add("filter[post_status]", "any")
        request.add("filter[orderby]", "title")
        request.add("filter[limit]", "33")
        request.add("fields", "id")
        try walk(request, oracle: PostListOracle.products, key: "products", context: "seed \(hex(seed)) walk", mutate: nil)
        mismatches.finish("products")
        print("ListPlanEquivalenceTests: products: \(comparisons) comparisons (\(nonEmpty) with rows), seed \(hex(seed))")
    }

    // MARK: Comparing

    /// Sends `request` and its count, and checks ids, totals and the count against `plain` run now.
    @discardableResult
    private func compare(_ request: ListRequest, _ plain: PlainListQuery, key: String, context: String,
                         checkCount: Bool = true, target: String? = nil) throws -> TestResponse {
        comparisons += 1
        let expectedTotal = try plain.count(in: db)
        let expected = try plain.pageIDs(in: db)
        if !expected.isEmpty { nonEmpty += 1 }
        let response = try api.request("GET", target ?? request.target())
        guard response.status == 200 else {
            mismatches.check(false, "\(context): \(request) answered \(response.status): \(response.text.prefix(300))")
            return response
        }
        let objects = try rows(response, key)
        let got = objects.map { ($0["id"] as? Int) ?? -1 }
        let total = response.header("X-WC-Total").flatMap { Int($0) } ?? -1
        let pages = response.header("X-WC-TotalPages").flatMap { Int($0) } ?? -1
        let expectedPages = plain.totalPages(total: expectedTotal)
        mismatches.check(got == expected && total == expectedTotal && pages == expectedPages, """
            \(context): \(request)
              plain: total \(expectedTotal), pages \(expectedPages), \(summary(expected, against: got))
              API:   total \(total), pages \(pages), \(summary(got, against: expected))
              plain SQL: SELECT id FROM \(plain.table) WHERE \(plain.whereSQL) ORDER BY \(plain.order) \
            [limit \(plain.limit.map(String.init) ?? "none") offset \(plain.offset)] with \(plain.arguments)
            """)
        if key == "customers", request.value("fields") == nil { try checkCustomerObjects(objects, request: request, context: context) }
        if checkCount {
            let count = try api.request("GET", request.target(count: true))
            mismatches.check(count.status == 200 && count.text == "{\"count\":\(expectedTotal)}",
                             "\(context): count of \(request): plain \(expectedTotal), API \(count.status) \(count.text)")
        }
        return response
    }

    /// Full customer objects must show the row as it is now (a cached copy of an updated row would not).
    private func checkCustomerObjects(_ objects: [[String: Any]], request: ListRequest, context: String) throws {
        for object in objects {
            guard let id = object["id"] as? Int else { continue }
            let row = try db.query("SELECT email, username, role, created_at FROM users WHERE id = ?", [.integer(Int64(id))]).first
            let expected = row.map { [$0[0].stringValue ?? "", $0[1].stringValue ?? "", $0[2].stringValue ?? "",
                                      APIDate.format($0[3].int64Value ?? 0)] }
            let got = [object["email"], object["username"], object["role"], object["created_at"]].map { ($0 as? String) ?? "?" }
            mismatches.check(expected == got, "\(context): \(request): customer \(id) is \(got), the row is \(expected ?? [])")
        }
    }

    /// Follows `Link: rel="next"` from page 1 of `first`, comparing every page with the plain query at the time;
    /// without writes between pages, the pages together must be the plain query's whole list.
    private func walk(_ first: ListRequest, oracle: (ListRequest) -> PlainListQuery, key: String, context: String,
                      mutate: ((inout SeededRandom) throws -> Void)?) throws {
        var rng = SeededRandom(seed: UInt64(truncatingIfNeeded: context.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        let whole = try oracle(first).allIDs(in: db)
        var seen: [Int] = []
        var request = first
        var target = first.target()
        var page = 1
        while true {
            let response = try compare(request, oracle(request), key: key, context: "\(context) page \(page)",
                                       checkCount: page == 1, target: target)
            seen += try rows(response, key).map { ($0["id"] as? Int) ?? -1 }
            guard let next = response.headerValues("Link").first(where: { $0.hasSuffix("rel=\"next\"") }) else { break }
            // `<http://127.0.0.1:<port>/wc-api/v2/…&page=N>; rel="next"`: the link is sent as it is.
            guard let open = next.firstIndex(of: "<"), let close = next.firstIndex(of: ">"),
                  let path = next[next.index(after: open)..<close].range(of: "/wc-api/v2/"),
                  let number = next[..<close].split(separator: "=").last.flatMap({ Int($0) }) else {
                return XCTFail("\(context): unreadable next link \(next)")
            }
            XCTAssertEqual(number, page + 1, "\(context): \(next)")
            target = String(next[path.lowerBound..<close])
            page = number
            request = first
            request.add("page", String(page))
            if let mutate { try mutate(&rng) }
            if page > 400 { return XCTFail("\(context): more than 400 pages") }
        }
        if mutate == nil {
            mismatches.check(seen == whole, "\(context): \(first) walked \(page) pages: \(summary(seen, against: whole)); plain \(summary(whole, against: seen))")
        }
    }

    private func rows(_ response: TestResponse, _ key: String) throws -> [[String: Any]] {
        let object = try? response.json() as? [String: Any]
        return try XCTUnwrap(object?[key] as? [[String: Any]], "no \(key) list: \(response.text.prefix(300))")
    }

    /// The count and the first difference, enough to see what went wrong without thousands of ids.
    private func summary(_ ids: [Int], against other: [Int]) -> String {
        let index = zip(ids, other).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(ids.count, other.count)
        let window = ids[max(0, index - 3)..<min(ids.count, index + 5)].map(String.init).joined(separator: ",")
        return "\(ids.count) ids, first \(ids.prefix(3)), at index \(index): [\(window)]"
    }

    private func hex(_ seed: UInt64) -> String { "0x" + String(seed, radix: 16, uppercase: true) }

    // MARK: The page window

    /// `filter[limit]` (1…100, sometimes -1, 0 or none), then a page that is the first, the last, a deep one or
    /// beyond the end, sometimes `filter[offset]`; full objects only on small pages (JSON in a debug build is slow).
    private func addWindow(to request: inout ListRequest, total: Int, rng: inout SeededRandom) {
        let full = request.value("fields") == nil
        var limit = 10
        switch rng.below(20) {
        case 0 where !full: request.add("filter[limit]", "-1"); limit = -1
        case 1: request.add("filter[limit]", "0")
        case 2: break
        case 3...8: limit = rng.int(in: 1...9); request.add("filter[limit]", String(limit))
        default: limit = full ? rng.int(in: 1...20) : rng.int(in: 10...100); request.add("filter[limit]", String(limit))
        }
        let pages = limit > 0 ? max(1, (total + limit - 1) / limit) : 1
        switch rng.below(20) {
        case 0...4: if rng.chance(30) { request.add("page", "1") }
        case 5...8: request.add("page", String(pages))
        case 9...10: request.add("page", String(pages + rng.int(in: 1...3)))
        default: request.add("page", String(rng.int(in: 1...pages)))
        }
        if rng.chance(12) { request.add("filter[offset]", String(rng.int(in: 0...(total + 5)))) }
    }

    // MARK: Customer store

    private static let roles = ["customer", "customer", "customer", "customer", "customer", "customer", "customer",
                                "customer", "subscriber", "subscriber", "administrator", "shop_manager"]
    private static let base: Int64 = 1_577_836_800  // 2020-01-01T00:00:00Z

    private static let insertUser = """
        INSERT INTO users (username, email, password_hash, role, created_at, updated_at, first_name, last_name)
        VALUES (?, ?, '!', ?, ?, ?, ?, ?)
        """

    /// `count` users in groups sharing a second (2–20 rows for half of them), ids not in time order for a fifth.
    private func insertCustomers(_ count: Int, rng: inout SeededRandom, text: inout StoreText) throws {
        var times: [Int64] = []
        var time = Self.base
        while times.count < count {
            let group = rng.chance(50) ? 1 : rng.int(in: 2...20)
            times += Array(repeating: time, count: min(group, count - times.count))
            time += Int64(rng.int(in: 1...300))
        }
        for index in times.indices where rng.chance(20) { times.swapAt(index, rng.below(times.count)) }
        try db.transaction(.immediate) { db in
            let statement = try db.makeStatement(Self.insertUser)
            for createdAt in times {
                try statement.execute([.text(text.username(&rng)), .text(text.email(&rng)), .text(rng.pick(Self.roles)),
                                       .integer(createdAt), .integer(createdAt), .text(text.name(&rng)), .text(text.name(&rng))])
            }
        }
    }

    private struct CustomerRow {
        var id: Int
        var username: String
        var email: String
        var role: String
        var createdAt: Int64
    }

    private func customerRows() throws -> [CustomerRow] {
        try db.query("SELECT id, username, email, role, created_at FROM users ORDER BY id").map {
            CustomerRow(id: $0[0].intValue ?? 0, username: $0[1].stringValue ?? "", email: $0[2].stringValue ?? "",
                        role: $0[3].stringValue ?? "", createdAt: $0[4].int64Value ?? 0)
        }
    }

    /// Creates, deletes and updates customers through the API and by SQL, so every order's positions shift.
    private func mutateCustomers(operations: Int, rng: inout SeededRandom, text: inout StoreText) throws {
        let rows = try customerRows().filter { $0.id != 1 }  // user 1 owns the test's keys
        guard !rows.isEmpty else { return }
        let times = rows.map(\.createdAt)
        func someTime() -> Int64 { rng.chance(70) ? rng.pick(times) : Self.base + Int64(rng.int(in: 0...300_000)) }
        for _ in 0..<operations {
            let row = rng.pick(rows)
            switch rng.below(10) {
            case 0:
                let email = text.apiEmail(&rng), username = text.apiUsername(&rng)
                let created = try api.createCustomer(["email": email, "username": username])
                if rng.chance(60), let id = created["id"] as? Int {
                    try db.execute("UPDATE users SET created_at = ? WHERE id = ?", [.integer(someTime()), .integer(Int64(id))])
                }
            case 1:
                let response = try api.request("DELETE", "/wc-api/v2/customers/\(row.id)")
                XCTAssertTrue([200, 404].contains(response.status), "delete \(row.id): \(response.text)")
            case 2:
                if row.role == "customer" {
                    let response = try api.request("PUT", "/wc-api/v2/customers/\(row.id)",
                                                   json: "{\"customer\":{\"email\":\"\(text.apiEmail(&rng))\"}}")
                    XCTAssertTrue([200, 404].contains(response.status), "update \(row.id): \(response.text)")
                }
            case 3:
                try db.execute(Self.insertUser, [.text(text.username(&rng)), .text(text.email(&rng)), .text(rng.pick(Self.roles)),
                                                 .integer(someTime()), .integer(0), .text(""), .text("")])
            case 4:
                let ids = (0..<rng.int(in: 1...4)).map { _ in Int64(rng.pick(rows).id) }
                try db.execute("DELETE FROM users WHERE id IN (?, ?, ?, ?)", (0..<4).map { .integer(ids[$0 % ids.count]) })
            case 5: try db.execute("UPDATE users SET email = ? WHERE id = ?", [.text(text.email(&rng)), .integer(Int64(row.id))])
            case 6: try db.execute("UPDATE users SET username = ? WHERE id = ?", [.text(text.username(&rng)), .integer(Int64(row.id))])
            case 7: try db.execute("UPDATE users SET role = ? WHERE id = ?", [.text(rng.pick(Self.roles)), .integer(Int64(row.id))])
            default:
                try db.execute("UPDATE users SET created_at = ? WHERE id = ?", [.integer(someTime()), .integer(Int64(row.id))])
            }
        }
    }

    // MARK: Customer requests

    private func randomCustomerRequest(rows: [CustomerRow], rng: inout SeededRandom) -> ListRequest {
        var request = ListRequest("customers")
        if rng.chance(75) { request.add("fields", "id") }
        if rng.chance(30) {
            request.add("filter[role]", rng.pick(["customer", "subscriber", "administrator", "shop_manager", "Customer",
                                                  "nobody", "customer,subscriber", "customer, customer", " subscriber ", ",", ""]))
        }
        if rng.chance(45) { request.add("filter[q]", customerTerm(rows: rows, rng: &rng)) }
        addDateBounds(to: &request, names: ["created_at"], times: rows.map(\.createdAt), rng: &rng)
        if rng.chance(65) {
            let keys = (0..<rng.int(in: 1...3)).map { _ in
                rng.pick(["registered", "user_registered", "email", "user_email", "ID", "id", "login", "user_login",
                          "display_name", "nicename", "bogus", "registered", "email", "login"])
            }
            request.add("filter[orderby]", rng.chance(10) ? rng.pick(["", ",", " "]) : keys.joined(separator: rng.pick([",", " ", ", "])))
        }
        if rng.chance(60) { request.add("filter[order]", rng.pick(["asc", "ASC", "Asc", "desc", "DESC", "", "bogus"])) }
        addWindow(to: &request, total: (try? CustomerListOracle.query(request).count(in: db)) ?? 0, rng: &rng)
        return request
    }

    /// A search term: a whole login or email (exact, case changed), a slice of one as `*t*`, `t*`, `*t` or exact,
    /// an id, one or two characters, or text with `%`, `_`, `\`, `@`, `http://`, non-ASCII and padding.
    private func customerTerm(rows: [CustomerRow], rng: inout SeededRandom) -> String {
        let row = rng.pick(rows)
        func wrap(_ term: String) -> String {
            switch rng.below(10) {
            case 0...3: "*\(term)*"
            case 4...5: "\(term)*"
            case 6...7: "*\(term)"
            default: term
            }
        }
        func slice(_ text: String, _ lengths: ClosedRange<Int>) -> String {
            let characters = Array(text)
            guard !characters.isEmpty else { return "" }
            let length = min(characters.count, rng.int(in: lengths))
            let start = rng.below(characters.count - length + 1)
            return String(characters[start..<start + length])
        }
        switch rng.below(14) {
        case 0: return StoreText.caseChanged(row.username, &rng)
        case 1: return StoreText.caseChanged(row.email, &rng)
        case 2, 3: return wrap(StoreText.caseChanged(slice(row.username, 1...6), &rng))
        case 4, 5: return wrap(slice(row.email, 1...8))
        case 6: return wrap(rng.chance(20) ? "00\(row.id)" : String(row.id))
        case 7: return wrap(slice(row.username, 1...2))
        case 8: return wrap(rng.pick(["%", "_", "\\", "%_", "a%", "_a", "a\\", "\\%", "1_", "%\\_"]))
        case 9: return rng.pick(["*", "**", "***", "*a*b*", "a*b", "http://example.com", "https://x*", "*http://*", "@", "*@*",
                                 "*@", "*.*", "*.com", "*@example.com", "*EXAMPLE*", "99999999999999999999", "*12345678901234567890*"])
        case 10: return wrap(rng.pick(["é", "É", "ß", "SS", "Ω", "ω", "中", "😀", "٣", "ü", "Ü", "straße", "STRASSE"]))
        case 11: return rng.pick([" ", "  \t", "\n"]) + wrap(slice(row.username, 2...4)) + rng.pick(["", " ", "\r\n"])
        case 12: return wrap(slice(row.username, 3...3))
        default: return wrap(String(rng.int(in: 1...99)))
        }
    }

    /// Terms each rule of customers §6.2 treats apart, and text a search index could fold differently from `LIKE`
    /// and `NOCASE` (which fold ASCII letters only).
    private static let edgeTerms = [
        "*", "**", "***", "*a*", "a*", "*a", "a", "*ab*", "ab*", "*ab", "*abc*", "*ABC*", "*joh*", "JOHN*", "*DOE",
        "*%*", "*_*", "*\\*", "%", "_", "\\", "*a%*", "*_a*", "*x%y*", "*a_b*", "*@*", "@", "*@example.com", "*@EXAMPLE.COM",
        "*.com", "*.*", "1", "2", "42", "*42*", "42*", "*7", "007", "0", "99999999999999999999", "http://example.com",
        "https://*", "*http*", "*é*", "*É*", "*ß*", "*SS*", "*ω*", "*Ω*", "*中*", "*😀*", "*٣*", "٣", "*ü*", "*Ü*",
        " *a* ", "\t*jo*\n", "*a*b*", "a*b", "*a b*", "* *",
    ]

    /// Sometimes a minimum, a maximum or both on each of `names`: an existing second (ties at the bound), one
    /// off it, a date alone (midnight), minutes only, an offset that is ignored, text that reads as 1970, or an
    /// empty range.
    private func addDateBounds(to request: inout ListRequest, names: [String], times: [Int64], rng: inout SeededRandom) {
        guard !times.isEmpty else { return }
        for name in names where rng.chance(30) {
            func bound() -> String {
                let time = rng.pick(times) + Int64(rng.pick([0, 0, 0, -1, 1]))
                let text = APIDate.format(time)
                switch rng.below(12) {
                case 0: return String(text.prefix(10))
                case 1: return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
                case 2: return String(text.dropLast()) + "+02:00"
                case 3: return rng.pick(["yesterday", "2020-13-01", "garbage"])
                default: return text
                }
            }
            switch rng.below(3) {
            case 0: request.add("filter[\(name)_min]", bound())
            case 1: request.add("filter[\(name)_max]", bound())
            default:
                let (a, b) = (bound(), bound())
                request.add("filter[\(name)_min]", a)
                request.add("filter[\(name)_max]", b)
            }
        }
    }

    // MARK: Order store

    private static let orderStatuses = ["pending", "processing", "processing", "on-hold", "completed", "completed",
                                        "completed", "cancelled", "refunded", "failed", "trash"]

    private func insertOrders(_ count: Int, rng: inout SeededRandom) throws {
        let times = tiedTimes(count, rng: &rng)
        try db.transaction(.immediate) { db in
            for createdAt in times {
                try insertOrder(createdAt: createdAt, updatedAt: updatedTime(createdAt, rng: &rng), rng: &rng, in: db)
                // Other posts take ids from the same sequence: gaps between order ids.
                if rng.chance(10) { try db.execute("INSERT INTO posts (type) VALUES ('product')") }
            }
        }
    }

    private func insertOrder(createdAt: Int64, updatedAt: Int64, rng: inout SeededRandom, in db: Database) throws {
        try db.execute("INSERT INTO posts (type) VALUES ('shop_order')")
        try db.execute("INSERT INTO orders (id, status, created_at, updated_at, order_key) VALUES (?, ?, ?, ?, 'wc_order_x')",
                       [.integer(try db.lastInsertRowID()), .text(rng.pick(Self.orderStatuses)), .integer(createdAt), .integer(updatedAt)])
    }

    /// `count` creation times in groups sharing a second, a fifth of them out of id order.
    private func tiedTimes(_ count: Int, rng: inout SeededRandom) -> [Int64] {
        var times: [Int64] = []
        var time = Self.base
        while times.count < count {
            let group = rng.chance(50) ? 1 : rng.int(in: 2...20)
            times += Array(repeating: time, count: min(group, count - times.count))
            time += Int64(rng.int(in: 1...300))
        }
        for index in times.indices where rng.chance(20) { times.swapAt(index, rng.below(times.count)) }
        return times
    }

    /// A modification time: the creation time, a shared "bulk edit" second, or later.
    private func updatedTime(_ createdAt: Int64, rng: inout SeededRandom) -> Int64 {
        switch rng.below(4) {
        case 0: createdAt
        case 1: Self.base + 86_400 * Int64(rng.int(in: 1...4))
        default: createdAt + Int64(rng.int(in: 0...200_000))
        }
    }

    private func mutateOrders(operations: Int, rng: inout SeededRandom) throws {
        let rows = try db.query("SELECT id, created_at, updated_at FROM orders").map { ($0[0].int64Value ?? 0, $0[1].int64Value ?? 0, $0[2].int64Value ?? 0) }
        guard !rows.isEmpty else { return }
        for _ in 0..<operations {
            let row = rng.pick(rows)
            let tie = rng.pick(rows)
            switch rng.below(9) {
            case 0:
                let response = try api.request("POST", "/wc-api/v2/orders",
                                               json: "{\"order\":{\"status\":\"\(rng.pick(["pending", "processing", "completed", "on-hold"]))\"}}")
                XCTAssertEqual(response.status, 201, response.text)
            case 1:
                let response = try api.request("DELETE", "/wc-api/v2/orders/\(row.0)" + (rng.chance(50) ? "?force=true" : ""))
                XCTAssertTrue([200, 202, 404].contains(response.status), "delete order \(row.0): \(response.text)")
            case 2: try insertOrder(createdAt: tie.1, updatedAt: tie.2, rng: &rng, in: db)
            case 3: try db.execute("DELETE FROM orders WHERE id = ?", [.integer(row.0)])
            case 4, 5: try db.execute("UPDATE orders SET status = ? WHERE id = ?", [.text(rng.pick(Self.orderStatuses)), .integer(row.0)])
            case 6: try db.execute("UPDATE orders SET created_at = ? WHERE id = ?", [.integer(tie.1), .integer(row.0)])
            default: try db.execute("UPDATE orders SET updated_at = ? WHERE id = ?", [.integer(rng.chance(50) ? tie.2 : tie.1), .integer(row.0)])
            }
        }
    }

    // MARK: Post requests (orders; products add their own filters)

    private func randomPostRequest(_ path: String, ids: [Int], rng: inout SeededRandom) -> ListRequest {
        var request = ListRequest(path)
        if rng.chance(85) { request.add("fields", "id") }
        if path == "orders", rng.chance(25) {
            let entries = (0..<rng.int(in: 1...3)).map { _ in
                rng.pick(["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash",
                          "wc-completed", "wc-pending", " processing ", "bogus", "any"])
            }
            request.add("status", entries.joined(separator: ","))
        }
        if rng.chance(15) {
            request.add("filter[post_status]", rng.pick(path == "orders"
                ? ["any", "trash", "completed", "wc-processing", "pending,trash", "bogus", "any,trash", "completed, on-hold", ","]
                : ["any", "draft", "publish,private", "trash", "pending,draft", "bogus", "any,trash", "private", ","]))
        }
        if rng.chance(10), !ids.isEmpty {
            var entries = (0..<rng.int(in: 1...40)).map { _ in String(rng.pick(ids)) }
            if rng.chance(40) { entries += [rng.pick([" 12", "abc", "-3", "99999999999999999999", "", "9007199254740993"])] }
            request.add("filter[in]", entries.joined(separator: ","))
        }
        return request
    }

    /// The date bounds, order and page window every post list has; `times` are the (created, updated) pairs.
    private func finishPostRequest(_ request: inout ListRequest, times: [(Int64, Int64)], extraKeys: [String],
                                   oracle: (ListRequest) -> PlainListQuery, rng: inout SeededRandom) {
        addDateBounds(to: &request, names: ["created_at"], times: times.map { $0.0 }, rng: &rng)
        addDateBounds(to: &request, names: ["updated_at"], times: times.map { $0.1 }, rng: &rng)
        if rng.chance(60) {
            let keys = (0..<rng.int(in: 1...3)).map { _ in
                rng.pick(["date", "post_date", "modified", "post_modified", "ID", "id", "rand", "menu_order", "bogus",
                          "date", "modified"] + extraKeys)
            }
            request.add("filter[orderby]", keys.joined(separator: " "))
        }
        if rng.chance(60) { request.add("filter[order]", rng.pick(["ASC", "asc", "Asc", "DESC", "desc", "", "bogus"])) }
        addWindow(to: &request, total: (try? oracle(request).count(in: db)) ?? 0, rng: &rng)
    }

    private func randomOrderRequest(ids: [Int], times: [(Int64, Int64)], rng: inout SeededRandom) -> ListRequest {
        var request = randomPostRequest("orders", ids: ids, rng: &rng)
        finishPostRequest(&request, times: times, extraKeys: ["title", "name"], oracle: PostListOracle.orders, rng: &rng)
        return request
    }

    // MARK: Product store

    private static let productStatuses = ["publish", "publish", "publish", "publish", "publish", "publish", "publish",
                                          "draft", "pending", "private", "trash"]

    private struct ProductRow {
        var id: Int
        var title: String
        var sku: String
        var description: String
        var times: (Int64, Int64)
    }

    private static let insertProductSQL = """
        INSERT INTO products (id, title, slug, status, sku, description, short_description, type, parent_id, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    private func insertProducts(_ count: Int, rng: inout SeededRandom, text: inout StoreText) throws {
        let times = tiedTimes(count, rng: &rng)
        try db.transaction(.immediate) { db in
            for createdAt in times {
                try insertProduct(createdAt: createdAt, updatedAt: updatedTime(createdAt, rng: &rng), rng: &rng, text: &text, in: db)
            }
        }
    }

    /// A simple or variable product (with 1–4 variations, which lists leave out unless a SKU names them).
    private func insertProduct(createdAt: Int64, updatedAt: Int64, rng: inout SeededRandom, text: inout StoreText,
                               in db: Database) throws {
        let variable = rng.chance(15)
        let status = rng.pick(Self.productStatuses)
        func insert(type: String, parent: Int64, status: String) throws -> Int64 {
            try db.execute("INSERT INTO posts (type) VALUES (?)", [.text(type == "variation" ? "product_variation" : "product")])
            let id = try db.lastInsertRowID()
            let title = text.title(&rng)
            try db.execute(Self.insertProductSQL, [
                .integer(id), .text(title), .text(status == "draft" && rng.chance(50) ? "" : StoreText.slug(title)),
                .text(status), .text(text.sku(&rng)), .text(text.words(&rng, 0...8)), .text(text.words(&rng, 0...3)),
                .text(type), .integer(parent), .integer(createdAt), .integer(updatedAt),
            ])
            return id
        }
        let id = try insert(type: variable ? "variable" : "simple", parent: 0, status: status)
        if variable {
            for _ in 0..<rng.int(in: 1...4) { _ = try insert(type: "variation", parent: id, status: rng.pick(["publish", "private"])) }
        }
    }

    private func productRows() throws -> [ProductRow] {
        try db.query("SELECT id, title, sku, description, created_at, updated_at FROM products").map {
            ProductRow(id: $0[0].intValue ?? 0, title: $0[1].stringValue ?? "", sku: $0[2].stringValue ?? "",
                       description: $0[3].stringValue ?? "", times: ($0[4].int64Value ?? 0, $0[5].int64Value ?? 0))
        }
    }

    private func mutateProducts(operations: Int, rng: inout SeededRandom, text: inout StoreText) throws {
        let rows = try productRows()
        guard !rows.isEmpty else { return }
        for _ in 0..<operations {
            let row = rng.pick(rows)
            let tie = rng.pick(rows)
            let id = Int64(row.id)
            switch rng.below(11) {
            case 0:
                let body = try JSONSerialization.data(withJSONObject: ["product": ["title": text.title(&rng), "regular_price": "1.50"]])
                let response = try api.request("POST", "/wc-api/v2/products", json: String(decoding: body, as: UTF8.self))
                XCTAssertEqual(response.status, 201, response.text)
            case 1:
                let response = try api.request("DELETE", "/wc-api/v2/products/\(id)" + (rng.chance(40) ? "?force=true" : ""))
                XCTAssertTrue([200, 202, 404].contains(response.status), "delete product \(id): \(response.text)")
            case 2: try insertProduct(createdAt: tie.times.0, updatedAt: tie.times.1, rng: &rng, text: &text, in: db)
            case 3: try db.execute("DELETE FROM products WHERE id = ?", [.integer(id)])
            case 4:
                let title = text.title(&rng)
                try db.execute("UPDATE products SET title = ?, slug = ? WHERE id = ?", [.text(title), .text(StoreText.slug(title)), .integer(id)])
            case 5: try db.execute("UPDATE products SET status = ? WHERE id = ? AND type <> 'variation'", [.text(rng.pick(Self.productStatuses)), .integer(id)])
            case 6: try db.execute("UPDATE products SET created_at = ? WHERE id = ?", [.integer(tie.times.0), .integer(id)])
            case 7: try db.execute("UPDATE products SET updated_at = ? WHERE id = ?", [.integer(tie.times.1), .integer(id)])
            case 8: try db.execute("UPDATE products SET sku = ? WHERE id = ?", [.text(text.sku(&rng)), .integer(id)])
            case 9: try db.execute("UPDATE products SET description = ? WHERE id = ?", [.text(text.words(&rng, 0...8)), .integer(id)])
            default: try db.execute("UPDATE products SET short_description = ?, title = title || ? WHERE id = ?",
                                    [.text(text.words(&rng, 1...3)), .text(rng.pick(["", " %", "_x", " ß"])), .integer(id)])
            }
        }
    }

    /// Words a search index could split, fold or escape differently from `LIKE` (which folds ASCII letters only).
    private static let productEdgeWords = [
        "_", "%", "\\", "50%", "0%", "off_", "f_s", "a\\b", "A\\B", "ß", "SS", "ss", "é", "É", "ω", "Ω", "ab", "a", "AB",
        "中", "中文", "x_y", "WIDGET", "wid", "Straße", "STRASSE", "straße", "Ünïcode", "ÜNÏCODE", "ünïcode", "-", "t-s", "T-SHIRT",
        "100", "10", "0", "%%", "__", "*", "'", "\"",
    ]

    private func randomProductRequest(rows: [ProductRow], rng: inout SeededRandom) -> ListRequest {
        var request = randomPostRequest("products", ids: rows.map(\.id), rng: &rng)
        if rng.chance(15) {
            request.add(rng.chance(50) ? "type" : "filter[type]",
                        rng.pick(["simple", "variable", "simple,variable", "variation", "grouped", "", " simple ", "external,variable"]))
        }
        if rng.chance(5) { request.add("filter[category]", rng.pick(["uncategorized", "shoes"])) }
        if rng.chance(8) {
            let withSKU = rows.filter { !$0.sku.isEmpty }
            request.add("filter[sku]", withSKU.isEmpty || rng.chance(20) ? "nope" : StoreText.caseChanged(rng.pick(withSKU).sku, &rng))
        }
        if rng.chance(35) {
            let row = rng.pick(rows)
            let words = (0..<rng.int(in: 1...3)).map { _ -> String in
                let source = rng.chance(60) ? row.title : row.description
                let characters = Array(source.replacingOccurrences(of: " ", with: ""))
                if rng.chance(30) || characters.isEmpty {
                    return rng.pick(["%", "_", "\\", "50%", "off_", "ß", "SS", "straße", "STRASSE", "é", "É", "ω", "Ω", "ab", "a",
                                     "widget", "WIDGET", "Wid", "中", "x_y", "100"])
                }
                let length = min(characters.count, rng.int(in: 1...6))
                let start = rng.below(characters.count - length + 1)
                return StoreText.caseChanged(String(characters[start..<start + length]), &rng)
            }
            request.add("filter[q]", words.joined(separator: rng.pick([" ", "  "])))
        }
        finishPostRequest(&request, times: rows.map(\.times), extraKeys: ["title", "post_title", "name", "post_name"],
                          oracle: PostListOracle.products, rng: &rng)
        return request
    }
}

/// The text of a random store: logins, emails, names, titles and SKUs made of the characters list plans are most
/// likely to get wrong (mixed case, digits, `_`, `%`, `\`, `.`, non-ASCII), unique where the schema wants it
/// (case-insensitively for ASCII, as `COLLATE NOCASE` compares).
struct StoreText {
    private var usedLogins = Set<String>()
    private var usedEmails = Set<String>()
    private var serial = 0

    static let loginPieces = ["a", "b", "c", "x", "Z", "Q", "m", "o", "j", "john", "Doe", "smith", "al", "AL", "0", "1", "7",
                              "42", "_", "%", "\\", ".", "-", "é", "É", "ß", "Ω", "ω", "中", "😀", "٣", "ü", " "]
    static let localPieces = ["a", "B", "c", "john", "JOHN", "doe", "Mary", "x", "0", "9", "_", "%", "\\", ".", "+", "-", "é", "٣"]
    static let domains = ["example.com", "Example.COM", "mail.test", "a_b.org", "x%y.net", "ünï.de", "EXAMPLE.com"]
    static let words = ["Widget", "widget", "WIDGET", "Gadget", "blue", "Blue", "ß", "Straße", "Ω", "ω", "é", "É", "中文",
                        "50%", "off_sale", "a\\b", "x", "ab", "ABC", "100", "Pro", "pro", "Ünïcode", "tee", "T-Shirt"]

    /// ASCII letters folded to lower case, as `NOCASE` does (other letters are compared as they are).
    static func folded(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// `text` with the case of its letters changed at random (also non-ASCII letters, which `NOCASE` and `LIKE`
    /// do not fold).
    static func caseChanged(_ text: String, _ rng: inout SeededRandom) -> String {
        text.map { character in
            switch rng.below(3) {
            case 0: character.uppercased()
            case 1: character.lowercased()
            default: String(character)
            }
        }.joined()
    }

    mutating func username(_ rng: inout SeededRandom) -> String {
        while true {
            var login: String
            switch rng.below(20) {
            case 0, 1: login = String(rng.int(in: 1...9_999))  // all digits: a search for it also matches the id
            case 2: login = rng.text(from: Self.localPieces, count: rng.int(in: 1...3)) + "@" + rng.pick(Self.domains)
            default: login = rng.text(from: Self.loginPieces, count: rng.int(in: 1...5))
            }
            login = OracleText.trimmed(login)
            if !login.isEmpty, usedLogins.insert(Self.folded(login)).inserted { return login }
        }
    }

    /// A unique email, or (rarely) the empty email users created outside the API may have.
    mutating func email(_ rng: inout SeededRandom) -> String {
        if rng.chance(2) { return "" }
        while true {
            let email = rng.text(from: Self.localPieces, count: rng.int(in: 1...4)) + "@" + rng.pick(Self.domains)
            if usedEmails.insert(Self.folded(email)).inserted { return email }
        }
    }

    /// Values the API's own validation accepts.
    mutating func apiEmail(_ rng: inout SeededRandom) -> String {
        serial += 1
        let email = "Api.\(serial)_" + rng.pick(["x", "Y", "mary"]) + "@Example.com"
        usedEmails.insert(Self.folded(email))
        return email
    }

    mutating func apiUsername(_ rng: inout SeededRandom) -> String {
        serial += 1
        let login = rng.pick(["Api", "api", "API"]) + "_user.\(serial)"
        usedLogins.insert(Self.folded(login))
        return login
    }

    func name(_ rng: inout SeededRandom) -> String { rng.pick(["", "John", "Mary", "Émile", "O'Neil", "李"]) }

    func title(_ rng: inout SeededRandom) -> String { words(&rng, 1...4) }

    func words(_ rng: inout SeededRandom, _ count: ClosedRange<Int>) -> String {
        (0..<rng.int(in: count)).map { _ in rng.pick(Self.words) }.joined(separator: " ")
    }

    /// Empty for many products; otherwise one of a few hundred values, mixed case, so some repeat.
    func sku(_ rng: inout SeededRandom) -> String {
        rng.chance(40) ? "" : rng.pick(["SKU-", "sku-", "Sku_"]) + String(rng.int(in: 1...400))
    }

    /// A slug from a title: lower-case ASCII words joined by `-` (others dropped), so many repeat.
    static func slug(_ title: String) -> String {
        title.lowercased().split(separator: " ").map { word in
            String(word.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
                .map(Character.init))
        }.filter { !$0.isEmpty }.joined(separator: "-")
    }
}
