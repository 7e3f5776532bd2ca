import Foundation
import SQLite
import Storage
import TestSupport
import WooAPI
import XCTest

/// `wc-api-server seed` at scale (issue 11): what it stores must be what the API and the schema's triggers would.
final class SeedTests: XCTestCase {
    private var directory: URL!
    private var path: String { directory.appendingPathComponent("store.sqlite").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func seed(_ arguments: [String]) throws -> String {
        let result = try runServerBinary(["seed", "--database", path] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    private func int(_ db: Database, _ sql: String) throws -> Int {
        try XCTUnwrap(db.query(sql).first?[0].intValue, sql)
    }

    func testSeededStoreIsConsistentWithTheTriggersAndTheAPIRules() throws {
        let summary = try seed(["--customers", "3000", "--orders", "5000", "--products", "20"])
        XCTAssertTrue(summary.hasPrefix("seeded 3000 customers, 20 products, 5000 orders into \(path) in "), summary)
        XCTAssertTrue(summary.contains(" MB"), summary)
        let walBytes = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        XCTAssertEqual(walBytes, 0, "checkpointed: the main file holds everything")
        let db = try Database(path: path)

        // Counts, unique names carrying the id, same-second registrations.
        XCTAssertEqual(try int(db, "SELECT count(*) FROM users WHERE role = 'customer'"), 3000)
        XCTAssertEqual(try int(db, "SELECT users FROM role_counts WHERE role = 'customer'"), 3000)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM products"), 20)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders"), 5000)
        XCTAssertEqual(try int(db, "SELECT count(DISTINCT lower(email)) FROM users"), 3001)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM users WHERE role = 'customer' AND (username <> lower(first_name) || '.' || lower(last_name) || id OR email <> username || '@example.com' OR billing_email <> email)"), 0)
        XCTAssertGreaterThan(try int(db, "SELECT count(*) FROM (SELECT created_at FROM users GROUP BY created_at HAVING count(*) > 1)"), 50)
        XCTAssertEqual(try int(db, "SELECT count(DISTINCT password_hash) FROM users WHERE role = 'customer'"), 3000)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM users WHERE role = 'customer' AND password_hash NOT LIKE 'sha256$%'"), 0)
        // Every product kind and order status a benchmark lists.
        XCTAssertGreaterThan(try int(db, "SELECT count(*) FROM products WHERE downloadable = 1 AND virtual = 1"), 0)
        XCTAssertGreaterThan(try int(db, "SELECT count(*) FROM products WHERE downloadable = 0"), 0)
        XCTAssertEqual(try int(db, "SELECT count(DISTINCT status) FROM orders"), 6)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders WHERE customer_id <> 0 AND customer_id NOT IN (SELECT id FROM users)"), 0)
        XCTAssertGreaterThan(try int(db, "SELECT count(*) FROM orders WHERE customer_id = 0"), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders o JOIN users u ON u.id = o.customer_id WHERE o.created_at < u.created_at"), 0)

        // Totals: each line is price × quantity, each order the sum of its lines (products and shipping).
        XCTAssertEqual(try int(db, """
            SELECT count(*) FROM order_items i JOIN products p ON p.id = i.product_id
            WHERE i.type = 'line_item' AND (abs(i.total - CAST(p.price AS REAL) * i.quantity) > 0.0001 OR i.subtotal <> i.total
                  OR i.name <> p.title OR i.quantity NOT BETWEEN 1 AND 3)
            """), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM (SELECT order_id FROM order_items WHERE type = 'line_item' GROUP BY order_id HAVING count(*) NOT BETWEEN 1 AND 4)"), 0)
        XCTAssertEqual(try int(db, "SELECT count(DISTINCT order_id) FROM order_items"), 5000)
        XCTAssertEqual(try int(db, """
            SELECT count(*) FROM orders o
            WHERE o.total_cents <> CAST(round((SELECT sum(i.total) FROM order_items i WHERE i.order_id = o.id) * 100) AS INTEGER)
               OR abs(o.total - (SELECT sum(i.total) FROM order_items i WHERE i.order_id = o.id)) > 0.001
            """), 0)

        // Customer figures: the aggregate over each customer's orders (customers §3.3)...
        XCTAssertGreaterThan(try int(db, "SELECT count(*) FROM users WHERE orders_count > 1"), 100)
        XCTAssertEqual(try int(db, """
            SELECT count(*) FROM users u WHERE
                u.orders_count <> (SELECT count(*) FROM orders o WHERE o.customer_id = u.id AND o.status <> 'trash')
             OR u.total_spent_cents <> (SELECT coalesce(sum(o.total_cents), 0) FROM orders o WHERE o.customer_id = u.id
                                         AND o.status IN ('processing', 'completed'))
             OR u.last_order_id IS NOT (SELECT max(o.id) FROM orders o WHERE o.customer_id = u.id AND o.status <> 'trash')
             OR u.last_order_date IS NOT (SELECT o.created_at FROM orders o WHERE o.customer_id = u.id AND o.status <> 'trash'
                                          ORDER BY o.id DESC LIMIT 1)
            """), 0)
        // ...and exactly what the schema's own triggers compute: make them recompute every customer and compare.
        let figures = "SELECT id, orders_count, total_spent_cents, last_order_id, last_order_date FROM users ORDER BY id"
        let seeded = try db.query(figures).map { $0.values }
        try db.execute(sql: "UPDATE orders SET status = status")
        XCTAssertEqual(try db.query(figures).map { $0.values }, seeded)

        // Download permissions: one per file of each downloadable line of a processing or completed order, no other.
        let expected = """
            SELECT o.id, f.product_id, f.download_id, o.customer_id, o.billing_email, o.order_key,
                   CASE WHEN p.download_limit < 0 THEN '' ELSE CAST(p.download_limit * i.quantity AS TEXT) END
            FROM orders o JOIN order_items i ON i.order_id = o.id AND i.type = 'line_item'
            JOIN products p ON p.id = i.product_id AND p.downloadable = 1
            JOIN product_downloads f ON f.product_id = p.id
            WHERE o.status IN ('processing', 'completed')
            """
        let granted = """
            SELECT order_id, product_id, download_id, user_id, user_email, order_key, downloads_remaining FROM download_permissions
            """
        XCTAssertGreaterThan(try int(db, "SELECT count(*) FROM download_permissions"), 100)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM (\(expected))"), try int(db, "SELECT count(*) FROM download_permissions"))
        XCTAssertEqual(try int(db, "SELECT count(*) FROM (\(expected) EXCEPT \(granted))"), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM (\(granted) EXCEPT \(expected))"), 0)
        XCTAssertEqual(try int(db, """
            SELECT count(*) FROM download_permissions d JOIN orders o ON o.id = d.order_id JOIN products p ON p.id = d.product_id
            WHERE d.access_granted <> o.created_at
               OR d.access_expires IS NOT (CASE WHEN p.download_expiry > 0
                   THEN o.created_at - o.created_at % 86400 + p.download_expiry * 86400 END)
            """), 0)

        // The once-per-order effects of the status (products-orders §5.3): dates, sales, the refund post.
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders WHERE (status = 'completed') <> (completed_at IS NOT NULL)"), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders WHERE status = 'completed' AND paid_at IS NULL"), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders WHERE status IN ('pending', 'cancelled', 'refunded', 'on-hold') AND paid_at IS NOT NULL"), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders WHERE (status IN ('processing', 'completed')) <> downloads_granted"), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders WHERE (status IN ('processing', 'completed', 'on-hold')) <> sales_recorded"), 0)
        XCTAssertEqual(try int(db, """
            SELECT count(*) FROM products p WHERE p.total_sales <> (SELECT coalesce(sum(i.quantity), 0) FROM order_items i
                JOIN orders o ON o.id = i.order_id WHERE i.product_id = p.id AND i.type = 'line_item'
                AND o.status IN ('processing', 'completed', 'on-hold'))
            """), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders o JOIN posts p ON p.id = o.id AND p.type = 'shop_order'"), 5000)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM posts WHERE type = 'shop_order_refund'"),
                       try int(db, "SELECT count(*) FROM orders WHERE status = 'refunded'"))
        XCTAssertEqual(try int(db, "SELECT count(*) FROM posts WHERE type = 'shop_order_refund' AND id - 1 NOT IN (SELECT id FROM orders WHERE status = 'refunded')"), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM posts WHERE id NOT IN (SELECT id FROM orders UNION ALL SELECT id FROM products) AND type <> 'shop_order_refund'"), 0)

        // A normal store: intact, keys consistent, the figures trigger back as the schema has it.
        XCTAssertEqual(try db.query("PRAGMA integrity_check").first?[0].stringValue, "ok")
        // The users search index (contentless FTS5 trigrams, schema version 5) is intact and finds every user whose
        // login or email holds a term (it may find a few more: the exact LIKE runs on what it finds).
        try db.execute(sql: "INSERT INTO users_search (users_search) VALUES ('integrity-check')")
        let match = #"SELECT rowid FROM users_search WHERE users_search MATCH '"smi" AND "mit" AND "ith"'"#
        XCTAssertGreaterThan(try int(db, "SELECT count(*) FROM (\(match))"), 0)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM users WHERE (username LIKE '%smith%' OR email LIKE '%smith%') AND id NOT IN (\(match))"), 0)
        XCTAssertTrue(try db.query("PRAGMA foreign_key_check").isEmpty)
        XCTAssertEqual(try db.sqlite?.journalMode(), "wal")
        let fresh = try SQLite.Database(path: directory.appendingPathComponent("fresh.sqlite").path)
        try Store.prepare(fresh)
        let schema = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        XCTAssertEqual(try db.query(schema).map { $0.values }, try fresh.query(schema).map { $0.values })
        // The secondary indexes the seed dropped and built again after its rows are the schema's, one for one, and
        // complete (integrity_check above compares every index with its table).
        let indexes = "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('users', 'orders', 'order_items', 'download_permissions') ORDER BY name"
        XCTAssertEqual(try db.query(indexes).map { $0.values }, try fresh.query(indexes).map { $0.values })
        XCTAssertGreaterThanOrEqual(try db.query(indexes).count, 14)
        // Orders came in without change-log entries: the log was restarted past them (one entry changing nothing), so
        // order anchors rebuild; the customers' log likewise, with the search index marked as caught up.
        XCTAssertEqual(try int(db, "SELECT count(*) FROM order_list_changes"), 1)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM order_list_changes WHERE delta = 0 AND id = 0"), 1)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM user_list_changes"), 1)
        XCTAssertEqual(try int(db, "SELECT seq FROM search_progress"), try int(db, "SELECT max(seq) FROM user_list_changes"))
    }

    /// A seeded order equals the one `POST /orders` writes from the same customer, lines, status and payment method:
    /// every stored column but its id, key, times and client, its lines, and its download permissions.
    func testSeededOrdersMatchOrdersCreatedThroughTheAPI() throws {
        _ = try seed(["--customers", "40", "--orders", "400", "--products", "9"])
        let db = try Database(path: path)
        // One order per status, preferring ones with a downloadable line, plus a guest order.
        var picks = try db.query("""
            SELECT (SELECT o.id FROM orders o WHERE o.status = s.status AND o.customer_id <> 0 ORDER BY EXISTS (SELECT 1
                    FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.order_id = o.id AND p.downloadable) DESC, o.id)
            FROM (SELECT DISTINCT status FROM orders) s
            """).compactMap { $0[0].int64Value }
        picks += try db.query("SELECT id FROM orders WHERE customer_id = 0 AND status = 'completed' LIMIT 1").compactMap { $0[0].int64Value }
        XCTAssertEqual(picks.count, 7)
        let api = try LiveAPI(databasePath: path)
        defer { api.stop() }
        let ignored: Set<String> = ["id", "order_key", "created_at", "updated_at", "paid_at", "completed_at", "customer_ip",
                                    "customer_user_agent"]
        func row(_ id: Int64) throws -> [String: SQLiteValue] {
            let found = try XCTUnwrap(db.query("SELECT * FROM orders WHERE id = ?", [.integer(id)]).first)
            var values: [String: SQLiteValue] = [:]
            for (index, name) in found.columnNames.enumerated() where !ignored.contains(name) { values[name] = found.values[index] }
            values["paid"] = .integer(found.values[found.columnNames.firstIndex(of: "paid_at")!] == .null ? 0 : 1)
            values["completed"] = .integer(found.values[found.columnNames.firstIndex(of: "completed_at")!] == .null ? 0 : 1)
            return values
        }
        func items(_ id: Int64) throws -> [[SQLiteValue]] {
            try db.query("SELECT type, name, product_id, quantity, tax_class, method_id, subtotal, total, variation_id, meta FROM order_items WHERE order_id = ? ORDER BY id", [.integer(id)]).map { $0.values }
        }
        func permissions(_ id: Int64) throws -> [[SQLiteValue]] {
            try db.query("SELECT download_id, product_id, user_id, user_email, downloads_remaining, access_expires IS NULL, download_count FROM download_permissions WHERE order_id = ? ORDER BY id", [.integer(id)]).map { $0.values }
        }
        for id in picks {
            let order = try row(id)
            func text(_ key: String) -> String { order[key]?.stringValue ?? "" }
            func address(_ prefix: String, _ keys: [String]) -> [String: String] {
                Dictionary(uniqueKeysWithValues: keys.map { ($0, text(prefix + $0)) })
            }
            let lines = try items(id)
            let body: [String: Any] = ["order": [
                "customer_id": order["customer_id"]?.int64Value ?? 0,
                "status": text("status"),
                "billing_address": address("billing_", Address.billingKeys),
                "shipping_address": address("shipping_", Address.shippingKeys),
                "payment_details": ["method_id": text("payment_method"), "method_title": text("payment_method_title")],
                "line_items": lines.filter { $0[0].stringValue == "line_item" }.map {
                    ["product_id": $0[2].int64Value ?? 0, "quantity": $0[3].int64Value ?? 0]
                },
                "shipping_lines": lines.filter { $0[0].stringValue == "shipping" }.map {
                    ["method_id": $0[5].stringValue ?? "", "method_title": $0[1].stringValue ?? "", "total": $0[7].doubleValue ?? 0]
                },
            ]]
            let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
            let response = try api.request("POST", "/wc-api/v2/orders", json: json)
            XCTAssertEqual(response.status, 201, response.text)
            let created = try XCTUnwrap(((try response.json() as? [String: Any])?["order"] as? [String: Any])?["id"] as? Int)
            XCTAssertEqual(try row(Int64(created)), order, "order \(id) (\(text("status")))")
            XCTAssertEqual(try items(Int64(created)), lines, "order \(id)")
            XCTAssertEqual(try permissions(Int64(created)), try permissions(id), "order \(id)")
            if text("status") == "refunded" {
                XCTAssertEqual(try db.query("SELECT type FROM posts WHERE id = ?", [.integer(Int64(created) + 1)]).first?[0].stringValue,
                               "shop_order_refund")
            }
        }
        // The API serves the seeded store: counts and a customer's figures.
        let count = try api.request("GET", "/wc-api/v2/orders/count?status=any")
        XCTAssertEqual(count.status, 200, count.text)
        let customerID = try int(db, "SELECT id FROM users WHERE orders_count > 0 ORDER BY id LIMIT 1")
        let customer = try api.request("GET", "/wc-api/v2/customers/\(customerID)")
        XCTAssertEqual(customer.status, 200, customer.text)
        let object = try XCTUnwrap((try customer.json() as? [String: Any])?["customer"] as? [String: Any])
        XCTAssertEqual(object["orders_count"] as? Int, try int(db, "SELECT count(*) FROM orders WHERE customer_id = \(customerID)"))
    }

    /// `--customers` alone, then again (names stay unique), then `--orders` alone for the customers already there.
    func testSeedingTwiceAndOrdersForExistingCustomers() throws {
        XCTAssertTrue(try seed(["--customers", "30"]).hasPrefix("seeded 30 customers, 0 products, 0 orders"))
        // The last customer deleted: its id (31) is never given again, as AUTOINCREMENT promises the API.
        try Database(path: path).execute(sql: "DELETE FROM users WHERE id = 31")
        _ = try seed(["--customers", "31"])
        XCTAssertTrue(try seed(["--orders", "60"]).hasPrefix("seeded 0 customers, 50 products, 60 orders"))
        _ = try seed(["--orders", "10", "--products", "2"])
        let db = try Database(path: path)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM users WHERE role = 'customer'"), 60)
        XCTAssertEqual(try int(db, "SELECT count(DISTINCT email) FROM users"), 61)
        XCTAssertEqual(try int(db, "SELECT min(id) FROM users WHERE id > 30"), 32)
        XCTAssertEqual(try int(db, "SELECT max(id) FROM users"), 62)
        XCTAssertEqual(try int(db, "SELECT seq FROM sqlite_sequence WHERE name = 'users'"), 62)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM products"), 52)
        XCTAssertEqual(try int(db, "SELECT count(DISTINCT sku) FROM products"), 52)
        XCTAssertEqual(try int(db, "SELECT count(*) FROM orders"), 70)
        XCTAssertEqual(try int(db, "SELECT sum(orders_count) FROM users"),
                       try int(db, "SELECT count(*) FROM orders WHERE customer_id <> 0"))
        XCTAssertEqual(try runServerBinary(["seed", "--database", path]).status, 2)
        XCTAssertEqual(try runServerBinary(["seed", "--database", path, "--orders", "-1"]).status, 2)
    }
}
