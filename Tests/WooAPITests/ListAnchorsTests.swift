import Foundation
import SQLite
import Storage
import WooAPI
import XCTest

/// Anchored pages and totals (listing §5) must equal the plain query's, in every order, before and after every kind of
/// write, and when the change log has moved past the anchors.
final class ListAnchorsTests: XCTestCase {
    private var directory: URL!
    private var store: Store!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-anchors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("s.sqlite").path)
    }

    override func tearDown() {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private func insert(_ count: Int, createdAt: @escaping @Sendable (Int) -> Int64, tag: String) throws {
        _ = try store.writeAndWait { db in
            for n in 0..<count {
                let email = "\(tag)\(n)@example.com"
                let customer = NewCustomer(username: "\(tag)\(n)", email: email, passwordHash: "x", firstName: "", lastName: "",
                                           billing: Array(repeating: "", count: 11), shipping: Array(repeating: "", count: 9))
                _ = try CustomerRepository.insert(customer, now: createdAt(n), in: db)
            }
        }
    }

    /// The ids and total of one page, through the anchors or (nil) through the plain query.
    private func page(_ anchors: UserListAnchors?, _ parameters: String) throws -> String {
        let query = try CustomerQuery(parameters: QueryParameters(parsing: parameters))
        return try store.read { db in
            try db.transaction(.deferred) { db in
                var writer = JSONWriter()
                writer.beginArray()
                let total = try CustomerRepository.writeList(query, fields: FieldFilter("id"), anchors: anchors, in: db, to: &writer)
                writer.endArray()
                return String(decoding: writer.bytes, as: UTF8.self) + " total \(total)"
            }
        }
    }

    /// Every order, both directions, with and without registration bounds, at pages around anchor boundaries
    /// (every 16th row by registration and id, every 64th by email and login: pages of 7 cross them) and past the
    /// end.
    private func assertSamePages(_ anchors: UserListAnchors, pages: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let orders = ["registered", "email", "display_name", "ID"]
        let bounds = ["", "&filter[created_at_min]=1970-01-12T13:46:45Z", "&filter[created_at_max]=1970-01-12T13:48:00Z",
                      "&filter[created_at_min]=1970-01-12T13:46:50Z&filter[created_at_max]=1970-01-12T13:50:00Z"]
        for orderby in orders {
            for direction in ["ASC", "DESC"] {
                for bound in bounds where bound.isEmpty || orderby == "registered" || orderby == "email" {
                    for number in [1, 2, 9, 10, 19, 37, 73, pages - 1, pages, pages + 1] where number >= 1 {
                        let parameters = "filter[limit]=7&page=\(number)&filter[orderby]=\(orderby)&filter[order]=\(direction)" + bound
                        XCTAssertEqual(try page(anchors, parameters), try page(nil, parameters), parameters, file: file, line: line)
                    }
                }
            }
        }
    }

    /// Pages past offset 1,000 start from an anchor without bounds: customers walk the unique username and email
    /// indexes, another role its partial (role, …) indexes (schema version 5). Both must equal the plain query
    /// through inserts, deletes, key changes, role changes and users without an email (who sort first by email).
    func testDeepPagesOfCustomersAndAnotherRoleMatchPlainPagesThroughWrites() throws {
        try insert(1_300, createdAt: { 2_000_000 + Int64($0 / 4) }, tag: "c")
        try insert(1_250, createdAt: { 2_000_000 + Int64($0 / 4) }, tag: "m")
        _ = try store.writeAndWait { db in
            try db.execute("UPDATE users SET role = 'shop_manager' WHERE username LIKE 'm%'")
            try db.execute("UPDATE users SET email = '' WHERE id % 97 = 0")
        }
        let anchors = UserListAnchors()
        func assertDeepPages(_ step: String) throws {
            for role in ["customer", "shop_manager"] {
                for orderby in ["registered", "email", "display_name", "ID"] {
                    for direction in ["ASC", "DESC"] {
                        for number in [143, 144, 150, 151, 172, 178, 179, 200] {
                            let parameters = "filter[role]=\(role)&filter[limit]=7&page=\(number)&filter[orderby]=\(orderby)&filter[order]=\(direction)"
                            XCTAssertEqual(try page(anchors, parameters), try page(nil, parameters), step + ": " + parameters)
                        }
                    }
                }
            }
        }
        try assertDeepPages("built")
        XCTAssertEqual(anchors.count, 16, "every order of both roles was anchored")
        try insert(90, createdAt: { 1_000_000 + Int64($0) }, tag: "d")  // back-dated: before every anchor
        _ = try store.writeAndWait { db in
            for id: Int64 in [3, 4, 64, 65, 1_400, 2_000] { _ = try CustomerRepository.delete(id: id, in: db) }
            try db.execute("UPDATE users SET email = 'a' || email WHERE id % 11 = 0 AND email <> ''")
            try db.execute("UPDATE users SET email = '' WHERE id % 89 = 0")
            try db.execute("UPDATE users SET username = 'z' || username WHERE id % 13 = 0")
            try db.execute("UPDATE users SET role = 'shop_manager' WHERE id % 29 = 0 AND role = 'customer'")
            try db.execute("UPDATE users SET role = 'customer' WHERE id % 31 = 0 AND role = 'shop_manager'")
        }
        try assertDeepPages("after writes")
    }

    /// A registration window in another order (email, login, id) wider than ``CustomerListPlan/smallWindow`` pages
    /// through anchors of its own, kept by the change log's registration dates: rows entering and leaving the
    /// window (inserts, deletes, registration dates moved across a bound, role changes) and moving in the order.
    func testWindowPagesInOtherOrdersMatchPlainPagesThroughWrites() throws {
        try insert(6_000, createdAt: { 1_000_000 + Int64($0 / 3) }, tag: "w")  // ties: three per second
        let anchors = UserListAnchors()
        let windows = [  // n ≥ 1,500; n ≤ 5,102; both (registration 1,000,500 … 1,001,700)
            "&filter[created_at_min]=1970-01-12T13:55:00Z", "&filter[created_at_max]=1970-01-12T14:15:00Z",
            "&filter[created_at_min]=1970-01-12T13:55:00Z&filter[created_at_max]=1970-01-12T14:15:00Z",
        ]
        func assertWindowPages(_ step: String) throws {
            for orderby in ["email", "display_name", "ID"] {
                for direction in ["ASC", "DESC"] {
                    for window in windows {
                        for number in [1, 2, 150, 200, 300, 301, 455, 514, 515, 700] {
                            let parameters = "filter[limit]=7&page=\(number)&filter[orderby]=\(orderby)&filter[order]=\(direction)" + window
                            XCTAssertEqual(try page(anchors, parameters), try page(nil, parameters), step + ": " + parameters)
                        }
                    }
                }
            }
        }
        try assertWindowPages("built")
        XCTAssertGreaterThanOrEqual(anchors.count, 18, "each order × direction × window was anchored")
        try insert(200, createdAt: { 1_000_600 + Int64($0) }, tag: "in")  // inside every window
        try insert(50, createdAt: { 900_000 + Int64($0) }, tag: "early")  // before the minimum
        _ = try store.writeAndWait { db in
            for id: Int64 in [2, 1_600, 1_601, 3_000, 5_000, 5_999] { _ = try CustomerRepository.delete(id: id, in: db) }
            try db.execute("UPDATE users SET email = 'a' || email WHERE id % 11 = 0")
            try db.execute("UPDATE users SET username = 'z' || username WHERE id % 13 = 0")
            try db.execute("UPDATE users SET created_at = 1000100 WHERE id % 17 = 0")  // leaves the min windows
            try db.execute("UPDATE users SET created_at = 1000800 WHERE id % 19 = 0")  // enters every window
            try db.execute("UPDATE users SET role = 'subscriber' WHERE id % 23 = 0")
        }
        try assertWindowPages("after writes")
    }

    /// Past the registry's capacity the least recently used set goes: windows paged once each do not push out the
    /// role's own sets, which every request keeps using.
    func testManyWindowsEvictTheLeastRecentlyUsedSets() throws {
        try insert(3_000, createdAt: { 1_000_000 + Int64($0 / 3) }, tag: "e")
        let anchors = UserListAnchors()
        let deep = "filter[limit]=10&page=120&filter[orderby]=email"
        let formatter = ISO8601DateFormatter()
        for k in 0..<(UserListAnchors.capacity + 10) {
            _ = try page(anchors, deep)  // the role's email anchors, used between every window
            let start = formatter.string(from: Date(timeIntervalSince1970: 1_000_000 + Double(k)))
            let parameters = deep + "&filter[created_at_min]=" + start
            XCTAssertEqual(try page(anchors, parameters), try page(nil, parameters), parameters)
        }
        XCTAssertEqual(anchors.count, UserListAnchors.capacity)
        let email = ListOrder(column: "email", isText: true, ascending: true, tiesAscending: true)
        XCTAssertTrue(anchors.has(UserListPartition("customer"), email), "the role's set stayed")
        XCTAssertFalse(anchors.has(UserListPartition("customer", createdMin: 1_000_000), email), "the oldest window went")
    }

    /// A search's sorted matches are remembered while the change log stands still, so paging through them reads
    /// the page's rows only; any write to a logged column (an insert, a delete, an email, login, registration or
    /// role change) moves the log on and the matches are read again. Equal to the matches read afresh throughout.
    func testRememberedSearchesFollowWrites() throws {
        try insert(3_000, createdAt: { 1_000_000 + Int64($0 / 3) }, tag: "s")  // "*s12*": s12, s120…, s1200…
        let anchors = UserListAnchors()
        func assertSearchPages(_ step: String) throws {
            for term in ["*s12*", "s29*", "*s5"] {
                for orderby in ["email", "display_name", "registered", "ID"] {
                    for direction in ["ASC", "DESC"] {
                        for number in [1, 2, 15, 16, 40] {
                            let parameters = "filter[q]=\(term)&filter[limit]=7&page=\(number)&filter[orderby]=\(orderby)&filter[order]=\(direction)"
                            XCTAssertEqual(try page(anchors, parameters), try page(nil, parameters), step + ": " + parameters)
                        }
                    }
                }
            }
        }
        try assertSearchPages("read")
        XCTAssertEqual(anchors.rememberedCount, UserListAnchors.rememberedLists, "the last 16 of 24 searches are kept")
        try assertSearchPages("remembered")
        try insert(30, createdAt: { 1_000_500 + Int64($0) }, tag: "s12x")
        try assertSearchPages("after inserts")
        _ = try store.writeAndWait { db in
            for id: Int64 in [14, 122, 1_201, 1_250] { _ = try CustomerRepository.delete(id: id, in: db) }
            try db.execute("UPDATE users SET email = 's12' || email WHERE id % 97 = 0")
            try db.execute("UPDATE users SET username = 'zz' || username WHERE id % 7 = 0")
            try db.execute("UPDATE users SET created_at = created_at - 999 WHERE id % 11 = 0")
            try db.execute("UPDATE users SET role = 'subscriber' WHERE id % 13 = 0")
        }
        try assertSearchPages("after changes")
    }

    func testRolesWithoutUsersAreNotRemembered() throws {
        try insert(40, createdAt: { 1_000_000 + Int64($0) }, tag: "a")
        let anchors = UserListAnchors()
        for role in ["customer"] + (0..<50).map({ "made-up-\($0)" }) {
            _ = try page(anchors, "filter[role]=\(role)&filter[limit]=1&page=1200")
        }
        XCTAssertEqual(anchors.count, 1, "only `customer` has users to anchor")
    }

    func testAnchoredPagesMatchPlainPagesThroughWrites() throws {
        // Many registration-time ties, so the id tie-break matters.
        try insert(700, createdAt: { 1_000_000 + Int64($0 / 3) }, tag: "a")
        let anchors = UserListAnchors()
        try assertSamePages(anchors, pages: 100)
        // Appends (newer customers) land at the end of the registration order and inside the others.
        try insert(300, createdAt: { 2_000_000 + Int64($0) }, tag: "b")
        try assertSamePages(anchors, pages: 143)
        // Customers registered in the past land inside every order.
        try insert(5, createdAt: { _ in 1_000_010 }, tag: "c")
        try assertSamePages(anchors, pages: 144)
        // Deletes (anchor rows among them) shift everything after them.
        _ = try store.writeAndWait { db in
            for id: Int64 in [2, 5, 50, 65, 66, 129, 500] { _ = try CustomerRepository.delete(id: id, in: db) }
        }
        try assertSamePages(anchors, pages: 144)
        // A changed email or login moves the row in its order; a changed role takes it out of the list.
        _ = try store.writeAndWait { db in
            try db.execute("UPDATE users SET email = 'zzz' || email WHERE id % 13 = 0")
            try db.execute("UPDATE users SET username = '0' || username WHERE id % 17 = 0")
            try db.execute("UPDATE users SET created_at = created_at - 500 WHERE id % 19 = 0")
            try db.execute("UPDATE users SET role = 'subscriber' WHERE id % 23 = 0")
        }
        try assertSamePages(anchors, pages: 144)
        XCTAssertGreaterThan(anchors.count, 4, "the orders were anchored, not paged plainly")
    }

    func testAnchorsOlderThanTheChangeLogAreRebuilt() throws {
        try insert(300, createdAt: { 1_000_000 + Int64($0) }, tag: "a")
        let anchors = UserListAnchors()
        try assertSamePages(anchors, pages: 45)
        // More changes than the log keeps (16,384 entries): the anchors cannot replay them and must be rebuilt.
        try insert(300, createdAt: { 900_000 + Int64($0) }, tag: "b")
        _ = try store.writeAndWait { db in
            for _ in 0..<28 {
                try db.execute("UPDATE users SET email = email || 'x' WHERE role = 'customer'")
                // The log keeps what the search index has not taken yet (SearchIndex); here it takes everything.
                try SearchIndex.catchUp(limit: .max, in: db)
            }
        }
        let logged = try store.read { db in try db.query("SELECT count(*) FROM user_list_changes")[0][0].intValue! }
        XCTAssert((16_384..<16_384 + 256).contains(logged), "the log keeps its last 16,384 entries, pruned 256 at a time: \(logged)")
        try assertSamePages(anchors, pages: 88)
    }

    func testTheLogKeepsEveryEntryTheSearchIndexHasNotTaken() throws {
        try insert(300, createdAt: { 1_000_000 + Int64($0) }, tag: "a")
        // 300 inserts and 2 × 300 entries for each of 60 email changes: past the 16,384 the log otherwise keeps.
        _ = try store.writeAndWait { db in
            try SearchIndex.catchUp(limit: .max, in: db)
            for _ in 0..<60 { try db.execute("UPDATE users SET email = email || 'y' WHERE role = 'customer'") }
        }
        let (logged, pending) = try store.read { db in
            (try db.query("SELECT count(*) FROM user_list_changes")[0][0].intValue!, try SearchIndex.pendingIDs(limit: .max - 1, in: db)!.count)
        }
        XCTAssertEqual(logged, 36_000, "nothing the search index still needs is pruned")
        XCTAssertEqual(pending, 36_000)
        // Once the index has taken them, the next prune keeps its usual 16,384 (+ up to 255) entries.
        _ = try store.writeAndWait { db in
            try SearchIndex.catchUp(limit: .max, in: db)
            try db.execute("UPDATE users SET email = email || 'z' WHERE role = 'customer'")
        }
        let after = try store.read { db in try db.query("SELECT count(*) FROM user_list_changes")[0][0].intValue! }
        XCTAssert((16_384..<16_384 + 256).contains(after), "pruned once the index caught up: \(after)")
        let found = try store.read { db in
            try db.query("SELECT count(*) FROM users_search WHERE users_search MATCH ?",
                         [.text(SearchIndex.matchQuery(".com" + String(repeating: "y", count: 60)))])[0][0].intValue!
        }
        XCTAssertEqual(found, 300, "the index holds every user's email as of its last catch-up")
    }

    /// The store's search indexer takes the backlog by itself once writes pause (Store.startSearchIndexer).
    func testTheStoreIndexesNewUsersOnceWritesPause() throws {
        try insert(50, createdAt: { 1_000_000 + Int64($0) }, tag: "p")
        let deadline = Date().addingTimeInterval(5)
        var backlog = try store.read { db in try SearchIndex.backlog(in: db) }
        while backlog > 0 && Date() < deadline {
            usleep(50_000)
            backlog = try store.read { db in try SearchIndex.backlog(in: db) }
        }
        XCTAssertEqual(backlog, 0, "indexed within a few tenths of a second of the last write")
        let (found, users) = try store.read { db in
            (try db.query("SELECT count(*) FROM users_search WHERE users_search MATCH ?", [.text(SearchIndex.matchQuery("@example.com"))])[0][0].intValue!,
             try db.query("SELECT count(*) FROM users WHERE email LIKE '%@example.com'")[0][0].intValue!)
        }
        XCTAssertEqual(found, users, "the 50 new customers and the administrator")
        // Segment merging (done while writes pause, FTS5's automerge being off) ends, and keeps every user findable.
        try insert(50, createdAt: { 1_000_100 + Int64($0) }, tag: "q")
        let steps = try store.writeAndWait { db in
            try SearchIndex.catchUp(limit: .max, in: db)
            var steps = 0
            while try SearchIndex.merge(in: db) { steps += 1 }
            return steps
        }
        XCTAssertLessThan(steps, 100)
        let afterMerge = try store.read { db in
            try db.query("SELECT count(*) FROM users_search WHERE users_search MATCH ?", [.text(SearchIndex.matchQuery("@example.com"))])[0][0].intValue!
        }
        XCTAssertEqual(afterMerge, users + 50)
    }

    func testRoleCountsFollowInsertsDeletesAndRoleChanges() throws {
        try insert(10, createdAt: { Int64($0) }, tag: "r")
        let counts = { [store] in
            try store!.read { db in
                try db.query("SELECT role, users FROM role_counts ORDER BY role").map { "\($0[0].stringValue!)=\($0[1].intValue!)" }
            }
        }
        XCTAssertEqual(try counts(), ["administrator=1", "customer=10"])
        _ = try store.writeAndWait { db in
            try db.execute("UPDATE users SET role = 'shop_manager' WHERE id = 2")
            _ = try CustomerRepository.delete(id: 3, in: db)
        }
        XCTAssertEqual(try counts(), ["administrator=1", "customer=8", "shop_manager=1"])
    }
}
