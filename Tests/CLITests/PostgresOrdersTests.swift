import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import Synchronization
import TestSupport
import XCTest

/// Products, orders and downloads end to end on a PostgreSQL store (issue 12, docs/scale-out.md §3 step 3), as
/// ``PostgresCustomersTests`` does for customers: `keys create` and a real `serve` process on a throw-away
/// cluster's URL, then the same requests against a SQLite store, which must answer with the same statuses, totals,
/// links and bodies byte for byte. Blanked: the server's port, every date (each run's own clock) and the order
/// keys (random). Ids are the same on both: a failed create takes none on either.
final class PostgresOrdersTests: BackEndScriptTestCase {
    /// Simple, variable and downloadable products, SKU lookups, orders with lines by id and by SKU, status changes
    /// that grant downloads and move the customer's figures and the products' sales, line edits, trash and delete,
    /// the customers' orders and downloads, lists with filters and pages: each answer checked on its own, then
    /// compared with SQLite's.
    func testProductsOrdersAndDownloadsAnswerOnPostgreSQLAsOnSQLite() throws {
        let postgres = try runOnBothBackEnds(Self.script)
        func answer(_ method: String, _ path: String) throws -> Exchange { try exchange(method, path, in: postgres) }
        func object(_ method: String, _ path: String, _ name: String) throws -> [String: Any] {
            let exchange = try answer(method, path)
            let json = try JSONSerialization.jsonObject(with: Data(exchange.body.utf8)) as? [String: Any]
            return try XCTUnwrap(json?[name] as? [String: Any], "\(method) \(path): \(exchange.body)")
        }

        // Products: posts 1 (widget), 2 (ebook), 3 (T-shirt) with variations 4–6; a taken SKU is a 400 in any case;
        // a trashed product's SKU is free again.
        let products = postgres.filter { $0.method == "POST" && $0.path == "/products" }
        XCTAssertEqual(products.map(\.status), [201, 201, 201, 400, 201])
        XCTAssertEqual(try object("GET", "/products/3", "product")["variations"].map { ($0 as? [Any])?.count }, 3)
        XCTAssertEqual(try answer("GET", "/products/count").body, #"{"count":3}"#)
        XCTAssertEqual(try answer("GET", "/products?filter%5Bsku%5D=TS-M&fields=id").body, #"{"products":[{"id":5}]}"#)
        XCTAssertEqual(try answer("GET", "/products?filter%5Bq%5D=WIDGET&fields=id").body, #"{"products":[{"id":1}]}"#)
        XCTAssertEqual(try answer("GET", "/products?filter%5Bin%5D=1,3,5&fields=id").body,
                       #"{"products":[{"id":3},{"id":1}]}"#)

        // Orders: posts 7–10; lines by id, by variation and by SKU; figures from the paid ones.
        let orders = postgres.filter { $0.method == "POST" && $0.path == "/orders" }
        XCTAssertEqual(orders.map(\.status), [400, 400, 201, 201, 201, 201])
        let bobsLines = try object("GET", "/orders/9", "order")["line_items"] as? [[String: Any]]
        XCTAssertEqual(bobsLines?.first?["sku"] as? String, "TS-L")
        XCTAssertEqual(bobsLines?.first?["product_id"] as? Int, 6)
        let before = try object("GET", "/customers/2", "customer")
        XCTAssertEqual(before["orders_count"] as? Int, 2)
        XCTAssertEqual(before["total_spent"] as? String, "5.00")
        let after = try object("GET", "/customers/2?after-completed", "customer")
        XCTAssertEqual(after["total_spent"] as? String, "62.00")
        XCTAssertEqual(after["last_order_id"] as? Int, 8)
        XCTAssertEqual(try answer("GET", "/customers/2/downloads?fields=download_id,downloads_remaining").body,
                       #"{"downloads":[{"download_id":"ebook-pdf","downloads_remaining":"3"}]}"#)
        let granted = try answer("GET", "/customers/2/downloads?after-completed&fields=order_id,downloads_remaining")
        XCTAssertEqual(granted.body, #"{"downloads":[{"order_id":7,"downloads_remaining":"6"},"#
                       + #"{"order_id":8,"downloads_remaining":"3"}]}"#)
        XCTAssertEqual(try answer("GET", "/orders/count").body, #"{"count":4}"#)
        XCTAssertEqual(try answer("GET", "/orders/count?status=completed").body, #"{"count":2}"#)
        let page = try answer("GET", "/orders?filter%5Blimit%5D=3&page=2&fields=id")
        XCTAssertEqual(page.total, "4")
        XCTAssertEqual(page.totalPages, "2")
        XCTAssertEqual(page.body, #"{"orders":[{"id":7}]}"#)
        XCTAssertEqual(try object("GET", "/products/1?after-orders", "product")["total_sales"] as? Int, 3)
        let edited = try object("PUT", "/orders/7?lines", "order")
        XCTAssertEqual(edited["total"] as? String, "64.00")  // the shipping line added; the line keeps its total
        XCTAssertEqual(try answer("PUT", "/orders/7?zero").status, 400)

        // Trash and delete.
        XCTAssertEqual(try answer("DELETE", "/orders/8").status, 202)
        XCTAssertEqual(try answer("DELETE", "/orders/10?force=true").status, 200)
        XCTAssertEqual(try answer("GET", "/orders/10").status, 404)
        XCTAssertEqual(try answer("GET", "/orders/count?after-delete").body, #"{"count":2}"#)
        XCTAssertEqual(try answer("GET", "/orders?filter%5Bpost_status%5D=trash&fields=id").body,
                       #"{"orders":[{"id":8}]}"#)
        XCTAssertEqual(try object("GET", "/customers/2?after-delete", "customer")["orders_count"] as? Int, 1)
        XCTAssertEqual(try answer("DELETE", "/customers/3").status, 200)
        XCTAssertEqual(try answer("GET", "/orders/9?after-customer").status, 200)
        let variable = try object("PUT", "/products/3", "product")
        XCTAssertEqual((variable["variations"] as? [[String: Any]])?.compactMap { $0["sku"] as? String },
                       ["TS-S", "TS-M", "TS-XS", "TS-L"])  // by their place in the last list naming them
        XCTAssertEqual(try answer("PUT", "/products/3?taken").status, 400)
        XCTAssertEqual(try answer("DELETE", "/products/3").status, 202)
        XCTAssertEqual(try answer("PUT", "/products/3?restore").status, 200)
        XCTAssertEqual(try answer("GET", "/products/4?restored").status, 200)
        let kept = try answer("GET", "/orders?filter%5Bpost_status%5D=any&fields=id,customer_id&after-customer")
        XCTAssertEqual(kept.body, #"{"orders":[{"id":9,"customer_id":0},{"id":7,"customer_id":2}]}"#)
    }

    /// What SQLite's single writer keeps and PostgreSQL's concurrent writers must keep too, through one server
    /// (four writer connections) on eight client connections at once: one SKU created once (the others the 400 a
    /// single writer gives), one title given a different slug each time, one pending order paid by eight requests
    /// granting its download once and counting its sales once, and product edits racing orders losing no sale.
    func testConcurrentWritesKeepSKUsSlugsGrantsAndSalesExact() throws {
        let database = try cluster.url()
        let key = try CLIKey.create(database: database)
        let server = try ServerProcess(database: database)
        defer {
            server.signal(SIGTERM)
            _ = server.wait(timeout: 10)
        }
        let connections = try (0..<8).map { _ in
            UncheckedAPIConnection(try APIConnection(port: server.port, key: key))
        }
        /// Runs `body` on eight threads at once, each with its connection; the statuses in thread order.
        func together(_ body: @escaping @Sendable (Int, APIConnection) throws -> Int) -> [Int] {
            let statuses = Mutex<[Int: Int]>([:])
            let group = DispatchGroup()
            for (index, connection) in connections.enumerated() {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    let status = (try? body(index, connection.value)) ?? 0
                    statuses.withLock { $0[index] = status }
                }
            }
            XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
            return statuses.withLock { state in (0..<8).map { state[$0] ?? 0 } }
        }
        let main = connections[0].value
        func object(_ response: TestResponse, _ name: String) -> [String: Any]? {
            APIConnection.object(response, name)
        }

        // One SKU, eight creates: one 201.
        let skus = together { _, connection in
            try connection.send("POST", "/products", json: #"{"product":{"title":"Mug","sku":"MUG-1"}}"#).status
        }
        XCTAssertEqual(skus.sorted(), [201] + Array(repeating: 400, count: 7))
        // One title, eight creates: eight slugs.
        let titles = together { _, connection in
            try connection.send("POST", "/products", json: #"{"product":{"title":"Poster","regular_price":"3"}}"#)
                .status
        }
        XCTAssertEqual(titles, Array(repeating: 201, count: 8))
        let posters = try main.send("GET", "/products?filter%5Bq%5D=Poster&filter%5Blimit%5D=-1&fields=permalink")
        let links = ((try posters.json() as? [String: Any])?["products"] as? [[String: Any]])?
            .compactMap { $0["permalink"] as? String } ?? []
        XCTAssertEqual(links.count, 8, posters.text)
        XCTAssertEqual(Set(links).count, 8, "\(links)")

        // A downloadable product, a customer, and one pending order paid by eight requests at once.
        let ebook = try main.send("POST", "/products", json: #"{"product":{"title":"Ebook","regular_price":"5","#
            + #""downloadable":true,"virtual":true,"downloads":[{"id":"ebook-pdf","name":"PDF","#
            + #""file":"https://cdn.example.com/e.pdf"}]}}"#)
        let ebookID = try XCTUnwrap(object(ebook, "product")?["id"] as? Int, ebook.text)
        let buyer = try main.send("POST", "/customers", json: #"{"customer":{"email":"buyer@example.com"}}"#)
        let buyerID = try XCTUnwrap(object(buyer, "customer")?["id"] as? Int, buyer.text)
        let pending = try main.send("POST", "/orders", json: #"{"order":{"customer_id":\#(buyerID),"#
            + #""status":"pending","billing_address":{"email":"buyer@example.com"},"#
            + #""line_items":[{"product_id":\#(ebookID),"quantity":2}]}}"#)
        let orderID = try XCTUnwrap(object(pending, "order")?["id"] as? Int, pending.text)
        let paid = together { index, connection in
            let status = index % 2 == 0 ? "processing" : "completed"
            return try connection.send("PUT", "/orders/\(orderID)", json: #"{"order":{"status":"\#(status)"}}"#)
                .status
        }
        XCTAssertEqual(paid, Array(repeating: 200, count: 8))
        let downloads = try main.send("GET", "/customers/\(buyerID)/downloads?fields=download_id")
        XCTAssertEqual(downloads.text, #"{"downloads":[{"download_id":"ebook-pdf"}]}"#)
        XCTAssertEqual(object(try main.send("GET", "/products/\(ebookID)"), "product")?["total_sales"] as? Int, 2)
        XCTAssertEqual(object(try main.send("GET", "/customers/\(buyerID)"), "customer")?["total_spent"] as? String,
                       "10.00")

        // Paid orders of the ebook racing edits of it: every sale counted.
        let raced = together { index, connection in
            if index % 2 == 0 {
                let edit = #"{"product":{"description":"v\#(index)"}}"#
                return try connection.send("PUT", "/products/\(ebookID)", json: edit).status
            }
            return try connection.send("POST", "/orders", json: #"{"order":{"status":"processing","#
                + #""line_items":[{"product_id":\#(ebookID),"quantity":3}]}}"#).status
        }
        XCTAssertEqual(raced, [200, 201, 200, 201, 200, 201, 200, 201])
        XCTAssertEqual(object(try main.send("GET", "/products/\(ebookID)"), "product")?["total_sales"] as? Int, 14)
        let lines = server.errorOutput.split(separator: "\n").filter { !$0.contains("listening on http://") }
        XCTAssertEqual(lines, [], "the server logged")
    }

    /// `seed` on a PostgreSQL store, twice (a second run adds to the first): the counts asked for, served by a
    /// `serve` process; every customer's figures equal to what its orders make them; the role count, the post
    /// ids and the products' sales consistent with the rows.
    func testSeedWritesAPostgreSQLStore() throws {
        let url = try cluster.url()
        for _ in 0..<2 {
            let seeded = try runServerBinary(["seed", "--database", url, "--customers", "40", "--products", "12",
                                              "--orders", "150"])
            XCTAssertEqual(seeded.status, 0, seeded.stderr)
            XCTAssertTrue(seeded.stdout.hasPrefix("seeded 40 customers, 12 products, 150 orders into "), seeded.stdout)
        }
        let admin = try makeConnection()
        defer { admin.close() }
        func number(_ sql: String) throws -> Int64 { try admin.execute(sql).int64(row: 0, column: 0) ?? -1 }
        XCTAssertEqual(try number("SELECT count(*) FROM users WHERE role = 'customer'"), 80)
        XCTAssertEqual(try number("SELECT coalesce(sum(users), 0) FROM role_counts WHERE role = 'customer'"), 80)
        XCTAssertEqual(try number("SELECT count(*) FROM orders"), 300)
        XCTAssertEqual(try number("SELECT count(*) FROM products"), 24)
        XCTAssertEqual(try number("SELECT count(*) FROM posts"),
                       try number("SELECT 324 + count(*) FROM orders WHERE status = 'refunded'"))
        XCTAssertGreaterThan(try number("SELECT count(*) FROM download_permissions"), 0)
        XCTAssertEqual(try number("""
            SELECT count(*) FROM users u WHERE u.role = 'customer' AND (
              u.orders_count <> (SELECT count(*) FROM orders o WHERE o.customer_id = u.id AND o.status <> 'trash')
              OR u.total_spent_cents <> (SELECT coalesce(sum(o.total_cents), 0) FROM orders o
                                         WHERE o.customer_id = u.id AND o.status IN ('processing', 'completed'))
              OR u.last_order_id IS DISTINCT FROM (SELECT max(o.id) FROM orders o WHERE o.customer_id = u.id))
            """), 0)
        XCTAssertEqual(try number("SELECT count(*) FROM users WHERE orders_count > 0"),
                       try number("SELECT count(DISTINCT customer_id) FROM orders WHERE customer_id <> 0"))
        XCTAssertGreaterThan(try number("SELECT sum(total_sales) FROM products"), 0)

        let key = try CLIKey.create(database: url)
        let server = try ServerProcess(database: url)
        defer {
            server.signal(SIGTERM)
            _ = server.wait(timeout: 10)
        }
        let connection = try APIConnection(port: server.port, key: key)
        XCTAssertEqual(try connection.send("GET", "/customers/count").text, #"{"count":80}"#)
        XCTAssertEqual(try connection.send("GET", "/products/count").text, #"{"count":24}"#)
        XCTAssertEqual(try connection.send("GET", "/orders/count").text, #"{"count":300}"#)
        let page = try connection.send("GET", "/orders?filter%5Blimit%5D=7&page=3")
        XCTAssertEqual(page.status, 200, page.text)
        XCTAssertEqual(page.header("X-WC-Total"), "300")
        XCTAssertEqual(((try page.json() as? [String: Any])?["orders"] as? [Any])?.count, 7)
    }

    // MARK: The script

    private static let script: [Step] = {
        var steps: [(method: String, path: String, json: String?)] = []
        func add(_ method: String, _ path: String, _ json: String? = nil) { steps.append((method, path, json)) }
        add("POST", "/customers", #"{"customer":{"email":"alice@example.com","first_name":"Alice"}}"#)
        add("POST", "/customers", #"{"customer":{"email":"bob@example.com","username":"bob"}}"#)

        // Products: simple, downloadable, variable; a SKU taken in another case.
        add("POST", "/products", #"{"product":{"title":"Widget","sku":"WID-1","regular_price":"19.99","#
            + #""short_description":"A sturdy widget"}}"#)
        add("POST", "/products", #"{"product":{"title":"Ebook","sku":"EBOOK","regular_price":"5.00","#
            + #""downloadable":true,"virtual":true,"download_limit":3,"download_expiry":30,"downloads":[{"#
            + #""id":"ebook-pdf","name":"Ebook PDF","file":"https://cdn.example.com/ebook.pdf"}]}}"#)
        let size = #"{"name":"Size","option":"#
        add("POST", "/products", #"{"product":{"title":"T-Shirt","type":"variable","sku":"TS","attributes":[{"#
            + #""name":"Size","position":0,"visible":true,"variation":true,"options":["S","M","L"]}],"variations":["#
            + #"{"regular_price":"10","sku":"TS-S","attributes":[\#(size)"S"}]},"#
            + #"{"regular_price":"12","sku":"TS-M","attributes":[\#(size)"M"}]},"#
            + #"{"regular_price":"15","sale_price":"13","sku":"TS-L","attributes":[\#(size)"L"}]}]}}"#)
        add("POST", "/products", #"{"product":{"title":"Copy","sku":"wid-1","regular_price":"1"}}"#)
        for path in [
            "/products", "/products/count", "/products/1", "/products/2", "/products/3", "/products/5", "/products/99",
            "/products?filter%5Bsku%5D=TS-M&fields=id", "/products?filter%5Bsku%5D=ts-m&fields=id,sku",
            "/products?filter%5Bq%5D=WIDGET&fields=id", "/products?filter%5Bq%5D=sturdy&fields=id",
            "/products?filter%5Bq%5D=50%25&fields=id", "/products?filter%5Bin%5D=1,3,5&fields=id",
            "/products?type=variable&fields=id", "/products/count?type=simple", "/products/count?type=grouped",
            "/products?filter%5Bcategory%5D=shoes", "/products?filter%5Blimit%5D=2&page=2&fields=id",
            "/products?filter%5Borderby%5D=title&filter%5Border%5D=asc&fields=id,title",
            "/products?filter%5Bpost_status%5D=any&filter%5Blimit%5D=-1&fields=id,type",
            "/products?filter%5Bcreated_at_min%5D=2020-01-01&fields=id",
        ] { add("GET", path) }
        add("PUT", "/products/1", #"{"product":{"sale_price":"17.50"}}"#)

        // Orders: two refused (a product that does not exist, a payment without a method), which take no id on
        // either back end; then alice's pending one (widget × 2, ebook, a variation by id), alice's paid ebook,
        // bob's by SKU, and a guest's on hold with shipping.
        add("POST", "/orders", #"{"order":{"customer_id":2,"line_items":[{"product_id":99,"quantity":1}]}}"#)
        add("POST", "/orders", #"{"order":{"customer_id":2,"payment_details":{"paid":true}}}"#)
        add("POST", "/orders", #"{"order":{"customer_id":2,"status":"pending","line_items":["#
            + #"{"product_id":1,"quantity":2},{"product_id":2,"quantity":2},{"product_id":5,"quantity":1}],"#
            + #""billing_address":{"email":"alice@example.com","first_name":"Alice"}}}"#)
        add("POST", "/orders", #"{"order":{"customer_id":2,"status":"processing","line_items":["#
            + #"{"product_id":2,"quantity":1}],"billing_address":{"email":"alice@example.com"}}}"#)
        add("POST", "/orders", #"{"order":{"customer_id":3,"status":"completed","line_items":["#
            + #"{"sku":"TS-L","quantity":1}],"billing_address":{"email":"bob@example.com"}}}"#)
        add("POST", "/orders", #"{"order":{"status":"on-hold","line_items":[{"sku":"wid-1","quantity":1}],"#
            + #""shipping_lines":[{"method_id":"flat_rate","method_title":"Flat Rate","total":4.5}]}}"#)
        for path in [
            "/customers/2", "/customers/2/orders", "/customers/2/downloads?fields=download_id,downloads_remaining",
            "/customers/2/downloads", "/customers/3/downloads", "/orders/7", "/orders/9",
        ] { add("GET", path) }
        add("PUT", "/orders/7", #"{"order":{"status":"completed"}}"#)
        for path in [
            "/customers/2?after-completed", "/customers/2/orders?after-completed",
            "/customers/2/downloads?after-completed&fields=order_id,downloads_remaining",
            "/orders", "/orders/count", "/orders/count?status=completed", "/orders/count?status=any",
            "/orders?status=completed,processing&fields=id,status", "/orders?filter%5Blimit%5D=3&page=2&fields=id",
            "/orders?filter%5Borderby%5D=id&filter%5Border%5D=asc&fields=id,total",
            "/orders?filter%5Bin%5D=7,9&fields=id", "/orders?filter%5Bcreated_at_min%5D=2020-01-01&fields=id",
            "/orders?filter%5Bupdated_at_max%5D=2020-01-01&fields=id", "/orders/999", "/orders/1",
            "/products/1?after-orders", "/products/5?after-orders", "/orders/statuses",
        ] { add("GET", path) }
        add("PUT", "/orders/7?zero", #"{"order":{"line_items":[{"id":3,"product_id":5,"quantity":0}]}}"#)
        // A new line, then one refused: nothing written, no item id taken (the next line added gets the next id).
        add("PUT", "/orders/7?refused", #"{"order":{"line_items":[{"product_id":4,"quantity":1},"#
            + #"{"product_id":99,"quantity":1}]}}"#)
        add("PUT", "/orders/7?lines", #"{"order":{"line_items":[{"id":1,"product_id":1,"quantity":3}],"#
            + #""shipping_lines":[{"method_id":"flat_rate","method_title":"Flat Rate","total":7}]}}"#)
        add("PUT", "/orders/9", #"{"order":{"status":"refunded"}}"#)
        add("GET", "/customers/3?after-refund")

        // Trash and delete: orders, then products whose lines and files the orders keep pointing at.
        add("DELETE", "/orders/8")
        add("DELETE", "/orders/10?force=true")
        add("DELETE", "/orders/10?again")
        for path in [
            "/orders/10", "/orders/count?after-delete", "/orders?filter%5Bpost_status%5D=trash&fields=id",
            "/customers/2?after-delete", "/customers/2/orders?after-delete", "/customers/2/downloads?after-delete",
        ] { add("GET", path) }
        add("DELETE", "/products/2")
        add("DELETE", "/products/1?force=true")
        for path in [
            "/orders/7?after-products", "/products/count?after-delete", "/customers/2/downloads?after-products",
            "/products?filter%5Bpost_status%5D=trash&fields=id",
        ] { add("GET", path) }
        // A customer with an order deleted: the order stays, a guest's now.
        add("DELETE", "/customers/3")
        add("GET", "/orders/9?after-customer")
        add("GET", "/orders?filter%5Bpost_status%5D=any&fields=id,customer_id&after-customer")
        add("POST", "/products", #"{"product":{"title":"Widget again","sku":"WID-1","regular_price":"2"}}"#)
        add("GET", "/products?filter%5Bsku%5D=wid-1&fields=id,sku")
        // Variations edited through their parent: one changed by id, one added, one refused for a taken SKU; the
        // parent trashed with its variations, then restored with them.
        add("PUT", "/products/3", #"{"product":{"variations":[{"id":5,"regular_price":"25"},"#
            + #"{"regular_price":"8","sku":"TS-XS","attributes":[\#(size)"S"}]}]}}"#)
        add("PUT", "/products/3?taken", #"{"product":{"variations":[{"regular_price":"9","sku":"ts-s"}]}}"#)
        add("DELETE", "/products/3")
        for path in ["/products/4?trashed", "/products/count?type=variable&trashed"] { add("GET", path) }
        add("PUT", "/products/3?restore", #"{"product":{"status":"publish"}}"#)
        for path in ["/products/3?restored", "/products/4?restored", "/orders/9?restored"] { add("GET", path) }
        return steps
    }()

    /// `text` with what differs between two runs blanked: dates and times (each run's clock), order keys (random)
    /// and the server's port.
    override class func blanked(_ text: String, port: UInt16) -> String {
        var text = text.replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:PORT")
        for (pattern, template) in [
            (#"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"#, "DATE"),
            ("wc_order_[0-9a-f]{13}", "wc_order_KEY"),
        ] {
            let expression = try! NSRegularExpression(pattern: pattern)
            let range = NSRange(text.startIndex..., in: text)
            text = expression.stringByReplacingMatches(in: text, range: range, withTemplate: template)
        }
        return text
    }
}

/// Hands a connection opened on the test's thread to the one worker thread that uses it.
private final class UncheckedAPIConnection: @unchecked Sendable {
    let value: APIConnection
    init(_ value: APIConnection) { self.value = value }
}
