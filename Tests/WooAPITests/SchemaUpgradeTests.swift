import Foundation
import SQLite
import Storage
import TestSupport
import WooAPI
import XCTest

/// A store written by schema version 1 is upgraded in place to version 2 when it is opened: customers and keys
/// stay, the placeholder orders table is replaced by the real one, and the order triggers work.
final class SchemaUpgradeTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func versionOneStore() throws -> String {
        let path = directory.appendingPathComponent("v1.sqlite").path
        let db = try Database(path: path)
        try db.transaction(.immediate) { db in try db.execute(sql: schemaVersion1) }
        try db.execute(sql: """
            INSERT INTO users (username, email, password_hash, created_at, updated_at) VALUES ('old', 'old@example.com', 'x', 1, 1);
            INSERT INTO posts (type) VALUES ('product');
            """)
        XCTAssertEqual(try db.sqlite!.userVersion(), 1)
        return path
    }

    func testVersionOneStoreIsUpgradedOnOpen() throws {
        let path = try versionOneStore()
        let store = try Store(path: path)
        defer { store.close() }
        let (version, columns, customers, posts) = try store.read { db in
            (try db.sqlite!.userVersion(),
             try db.query("""
                 SELECT name FROM pragma_table_info('orders') UNION ALL SELECT name FROM pragma_table_info('products')
                 UNION ALL SELECT name FROM pragma_table_info('order_items')
                 """).compactMap { $0[0].stringValue },
             try db.query("SELECT count(*) FROM users WHERE role = 'customer'").first?[0].intValue,
             try db.query("SELECT count(*) FROM posts").first?[0].intValue)
        }
        XCTAssertEqual(version, Store.schemaVersion)
        XCTAssertTrue(columns.contains("order_key"))
        // Version 3: variable products and variation lines.
        for column in ["type", "parent_id", "menu_order", "attributes", "trash_status", "variation_id", "meta"] {
            XCTAssertTrue(columns.contains(column), column)
        }
        XCTAssertTrue(columns.contains("billing_email"))
        XCTAssertEqual(customers, 1)
        XCTAssertEqual(posts, 1)
    }

    func testUpgradedStoreServesOrdersWithLiveFigures() throws {
        let api = try LiveAPI(databasePath: try versionOneStore())
        let product = try api.request("POST", "/wc-api/v2/products", json: #"{"product":{"title":"W","regular_price":"5"}}"#)
        XCTAssertEqual(product.status, 201)
        let order = try api.request("POST", "/wc-api/v2/orders", json: #"""
            {"order":{"customer_id":2,"status":"completed","line_items":[{"product_id":2,"quantity":3}]}}
            """#)
        XCTAssertEqual(order.status, 201, order.text)
        let created = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(order.body)) as? [String: Any])?["order"] as? [String: Any])
        XCTAssertEqual(created["id"] as? Int, 3, "post ids continue after the version-1 product's")
        let customer = try api.request("GET", "/wc-api/v2/customers/2")
        let object = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(customer.body)) as? [String: Any])?["customer"] as? [String: Any])
        XCTAssertEqual(object["orders_count"] as? Int, 1)
        XCTAssertEqual(object["total_spent"] as? String, "15.00")
        XCTAssertEqual(object["last_order_id"] as? Int, 3)
    }

    /// The schema objects of a store: each index's and trigger's SQL, each table's and view's columns.
    private func schemaObjects(_ db: Database) throws -> [String] {
        try db.query("SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name").map { row in
            let (type, name, sql) = (row[0].stringValue!, row[1].stringValue!, row[2].stringValue!)
            guard type == "table" else { return "\(type) \(name): \(sql)" }
            let columns = try db.query("SELECT name, type, \"notnull\" FROM pragma_table_info(?)", [.text(name)])
                .map { "\($0[0].stringValue!) \($0[1].stringValue!) \($0[2].intValue!)" }
            return "table \(name): " + columns.joined(separator: ", ")
        }
    }

    func testAnUpgradedStoreHasExactlyTheSchemaOfANewOne() throws {
        let upgraded = try Store(path: try versionOneStore())
        defer { upgraded.close() }
        let fresh = try Store(path: directory.appendingPathComponent("new.sqlite").path)
        defer { fresh.close() }
        let a = try upgraded.read { try schemaObjects($0) }, b = try fresh.read { try schemaObjects($0) }
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y) }
        XCTAssertTrue(b.contains { $0.hasPrefix("index users_staff_email:") })
        XCTAssertFalse(b.contains { $0.hasPrefix("table users_search_pending") || $0.hasPrefix("index users_role_email") })
    }

    /// Version 5 replaces version 4's search backlog table by the change log: users a version-4 store still had
    /// pending are indexed by the upgrade, and later writes are found through the log.
    func testVersionFourPendingSearchUsersAreIndexedByTheUpgrade() throws {
        let path = directory.appendingPathComponent("v4.sqlite").path
        do {
            let db = try database(atVersion: 4, path: path)
            try db.execute(sql: """
                INSERT INTO users (username, email, password_hash, created_at, updated_at) VALUES ('late', 'late.one@example.com', 'x', 1, 1);
                """)
            XCTAssertEqual(try db.query("SELECT count(*) FROM users_search_pending")[0][0].intValue, 1, "written after the upgrade to version 4, not indexed yet")
        }
        let store = try Store(path: path)
        defer { store.close() }
        let (indexed, progress, last) = try store.read { db in
            (try db.query("SELECT rowid FROM users_search WHERE users_search MATCH ?", [.text(SearchIndex.matchQuery("late.one@"))]).map { $0[0].intValue! },
             try db.query("SELECT seq FROM search_progress")[0][0].intValue!,
             try db.query("SELECT max(seq) FROM user_list_changes")[0][0].intValue!)
        }
        XCTAssertEqual(indexed.count, 1)
        XCTAssertEqual(progress, last, "everything logged before the upgrade is indexed")
    }

    /// Version 6 rebuilds the search index with the email alone where it holds the login: a version-5 store's
    /// users are found by login and by email after the upgrade, logged changes not yet indexed included, and later
    /// changes replay with the same text (the schema's expression is ``SearchIndex/textSQL``).
    func testVersionFiveSearchIndexIsRebuiltWithTheNewTexts() throws {
        XCTAssertTrue(Store.schemaSQL.contains(SearchIndex.textSQL), "the upgrade and the replay index the same text")
        let path = directory.appendingPathComponent("v5.sqlite").path
        do {
            let db = try database(atVersion: 5, path: path)
            try db.execute(sql: """
                INSERT INTO users (username, email, password_hash, created_at, updated_at) VALUES ('Jo.Smith', 'jo.smith@example.com', 'x', 1, 1);
                INSERT INTO users (username, email, password_hash, created_at, updated_at) VALUES ('zebra42', 'other@example.com', 'x', 1, 1);
                INSERT INTO users_search (rowid, text) SELECT id, username || char(10) || email FROM users WHERE id = 2;
                UPDATE search_progress SET seq = (SELECT min(seq) FROM user_list_changes);
                """)  // version 5's text for the first user; the second is in the backlog
        }
        let store = try Store(path: path)
        defer { store.close() }
        func matches(_ literal: String) throws -> [Int] {
            try store.read { db in
                try db.query("SELECT rowid FROM users_search WHERE users_search MATCH ? ORDER BY rowid",
                             [.text(SearchIndex.matchQuery(literal))]).map { $0[0].intValue! }
            }
        }
        XCTAssertEqual(try matches("jo.smi"), [2], "a login held by the email: indexed by the email")
        XCTAssertEqual(try matches("ebra4"), [3], "a login the email does not hold: indexed with it")
        XCTAssertEqual(try matches("other@"), [3])
        XCTAssertEqual(try store.read { db in try SearchIndex.backlog(in: db) }, 0, "the rebuild took the backlog")
        // A change replays through the same text: the old one is deleted, the new one found.
        _ = try store.writeAndWait { db in
            try db.execute("UPDATE users SET username = 'lion77' WHERE id = 2")
            try db.execute("UPDATE users SET email = 'zebra42@example.com' WHERE id = 3")
            while try SearchIndex.catchUp(in: db) {}
        }
        XCTAssertEqual(try matches("lion7"), [2])
        XCTAssertEqual(try matches("jo.smi"), [2], "still the email's")
        XCTAssertEqual(try matches("other@"), [], "the old email's text is gone")
        XCTAssertEqual(try matches("ebra42@"), [3])
        XCTAssertEqual(try store.read { db in try db.query("SELECT count(*) FROM users_search WHERE users_search MATCH '\"ebr\"'")[0][0].intValue }, 1)
    }

    /// A store at `path` with the schema a store of `version` had: version 1, then each later `-- @since` section of
    /// schema.sql in its own transaction, as the releases between wrote them, and that version number.
    private func database(atVersion version: Int, path: String) throws -> Database {
        let db = try Database(path: path)
        try db.transaction(.immediate) { db in try db.execute(sql: schemaVersion1) }
        let schema = Store.schemaSQL
        for section in 2...version {
            let start = schema.range(of: "-- @since \(section) ")!
            let end = schema.range(of: "-- @end", range: start.upperBound..<schema.endIndex)!
            // Version 2 first drops version 1's placeholder orders table (Store.migrations does the same).
            let drop = section == 2 ? "DROP TRIGGER IF EXISTS orders_stats_insert; DROP TRIGGER IF EXISTS orders_stats_delete; DROP TRIGGER IF EXISTS orders_stats_update; DROP INDEX IF EXISTS orders_customer; DROP TABLE IF EXISTS orders;" : ""
            try db.transaction(.immediate) { db in try db.execute(sql: drop + String(schema[start.lowerBound..<end.lowerBound])) }
        }
        try db.execute(sql: "PRAGMA user_version = \(version)")
        return db
    }
}
