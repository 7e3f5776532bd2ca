import Foundation
import HTTP
import SQLite
import Storage
import TestSupport
import WooAPI
import XCTest

/// Base class of the end-to-end products tests: a live server over a fresh store whose clock the test sets, plus
/// product helpers. It holds no tests of its own.
class ProductsTestCase: APITestCase {
    /// 2023-11-14T22:13:20Z.
    static let start: Int64 = 1_700_000_000
    static let startText = "2023-11-14T22:13:20Z"
    let clock = TestClock(ProductsTestCase.start)

    override var apiClock: (@Sendable () -> Int64)? { clock.function }

    /// The product object's keys in output order (products-orders §1.1).
    static let productKeys = [
        "title", "id", "created_at", "updated_at", "type", "status", "downloadable", "virtual", "permalink", "sku",
        "price", "regular_price", "sale_price", "price_html", "taxable", "tax_status", "tax_class", "managing_stock",
        "stock_quantity", "in_stock", "backorders_allowed", "backordered", "sold_individually", "purchaseable",
        "featured", "visible", "catalog_visibility", "on_sale", "product_url", "button_text", "weight", "dimensions",
        "shipping_required", "shipping_taxable", "shipping_class", "shipping_class_id", "description",
        "short_description", "reviews_allowed", "average_rating", "rating_count", "related_ids", "upsell_ids",
        "cross_sell_ids", "parent_id", "categories", "tags", "images", "featured_src", "attributes", "downloads",
        "download_limit", "download_expiry", "download_type", "purchase_note", "total_sales", "variations", "parent",
    ]

    /// `wc_price` markup for an amount.
    static func priceHTML(_ amount: String) -> String {
        "<span class=\"woocommerce-Price-amount amount\"><span class=\"woocommerce-Price-currencySymbol\">&#36;</span>"
            + amount + "</span>"
    }

    /// Creates a product from the given fields (the `product` object) and returns it; asserts the 201.
    @discardableResult
    func createProduct(_ fields: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let response = try send("POST", "/products", body: ["product": fields])
        XCTAssertEqual(response.status, 201, response.text, file: file, line: line)
        return try product(response, file: file, line: line)
    }

    /// Creates `count` published products "Product N" (N from 1), one clock second apart; returns their ids.
    @discardableResult
    func createProducts(_ count: Int) throws -> [Int] {
        try (1...count).map { n in
            clock.now += 1
            return try XCTUnwrap(try createProduct(["title": "Product \(n)", "regular_price": "\(n)"])["id"] as? Int)
        }
    }

    /// `body["product"]`.
    func product(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try member(response, "product", file: file, line: line)
    }

    /// `body["products"]`.
    func products(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try members(response, "products", file: file, line: line)
    }

    /// The ids of a products list, in order.
    func productIDs(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        try ids(response, "products", file: file, line: line)
    }

    /// The raw JSON tokens of `response`'s `product` object.
    func orderedProduct(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> OrderedJSON {
        try orderedMember(response, "product", file: file, line: line)
    }

    /// A `Link` value for `/wc-api/v2/products?<query>`.
    func productLink(_ query: String, _ rel: String) -> String {
        "<\(base)/wc-api/v2/products?\(query)>; rel=\"\(rel)\""
    }

    /// Asserts `GET /products/count<query>`.
    func assertProductCount(_ expected: Int, query: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        let response = try get("/products/count" + query)
        XCTAssertEqual(response.status, 200, response.text, file: file, line: line)
        XCTAssertEqual(response.text, "{\"count\":\(expected)}", file: file, line: line)
    }

    /// Rows of a table, read straight from the store.
    func rowCount(_ table: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        try api.store.read { db in try db.query("SELECT count(*) FROM \(table)").first?[0].intValue ?? -1 }
    }

    /// The next id the shared post sequence will hand out: SQLite keeps it in `sqlite_sequence`, PostgreSQL in
    /// the identity column's sequence (NULL until its first `nextval`).
    func nextPostID() throws -> Int {
        let sql = switch api.store.location.isPostgres {
        case false: "SELECT seq FROM sqlite_sequence WHERE name = 'posts'"
        case true: "SELECT pg_sequence_last_value(pg_get_serial_sequence('posts', 'id')::regclass)"
        }
        return try api.store.read { db in (try db.query(sql).first?[0].intValue ?? 0) + 1 }
    }

    /// A key of a new customer (a role without product capabilities).
    func customerKey() throws -> APIKeys.Created {
        let id = try XCTUnwrap(try api.createCustomer(["email": "shopper@example.com"])["id"] as? Int)
        return try api.store.writeAndWait { db in
            try APIKeys.create(userID: Int64(id), permissions: .readWrite, description: "customer", now: 0, in: db)
        }
    }

    /// Whether `text` is a lower-case UUID v4.
    func isUUID4(_ text: String?) -> Bool {
        guard let text else { return false }
        return text.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil
    }
}
