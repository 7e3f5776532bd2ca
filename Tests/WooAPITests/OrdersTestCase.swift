import Foundation
import HTTP
import SQLite
import Storage
import TestSupport
import WooAPI
import XCTest

/// Base class of the end-to-end orders tests: a live server over a fresh store whose clock the test sets (from
/// 2023-11-14T22:13:20Z), plus order, product and download helpers. It holds no tests of its own.
///
/// Ids in a fresh store: users (customers) and posts (products, orders, refunds) are separate sequences; the
/// administrator is user 1, so the docs customer is user 2 and the first product or order is post 1.
class OrdersTestCase: ProductsTestCase {
    static let epoch = "1970-01-01T00:00:00Z"
    static let day: Int64 = 86_400

    /// The order object's keys in output order (products-orders §3.1).
    static let orderKeys = [
        "id", "order_number", "created_at", "updated_at", "completed_at", "status", "currency", "total", "subtotal",
        "total_line_items_quantity", "total_tax", "total_shipping", "cart_tax", "shipping_tax", "total_discount",
        "shipping_methods", "payment_details", "billing_address", "shipping_address", "note", "customer_ip",
        "customer_user_agent", "customer_id", "view_order_url", "line_items", "shipping_lines", "tax_lines", "fee_lines",
        "coupon_lines", "customer",
    ]
    /// A `line_items` entry's keys in output order (products-orders §3.2).
    static let lineItemKeys = [
        "id", "subtotal", "subtotal_tax", "total", "total_tax", "price", "quantity", "tax_class", "name", "product_id",
        "sku", "meta",
    ]
    /// A `/customers/<id>/downloads` record's keys in output order (customers §10.2).
    static let downloadKeys = [
        "download_url", "download_id", "product_id", "download_name", "order_id", "order_key", "downloads_remaining",
        "access_expires", "file",
    ]

    /// `YYYY-MM-DDTHH:MM:SSZ` of Unix seconds (UTC).
    func iso(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    // MARK: Products

    /// Creates a physical product (default "Widget" at 19.99); returns its id.
    @discardableResult
    func createWidget(_ title: String = "Widget", price: String = "19.99", sku: String? = nil,
                      file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        var fields: [String: Any] = ["title": title, "regular_price": price]
        if let sku { fields["sku"] = sku }
        return try XCTUnwrap(try createProduct(fields, file: file, line: line)["id"] as? Int, file: file, line: line)
    }

    /// Creates a downloadable, virtual product with the given files (`[name, file, id?]`), limit and expiry.
    @discardableResult
    func createEbook(_ title: String = "Ebook", price: String = "5.00", limit: Int = 3, expiry: Int = 30,
                     virtual: Bool = true, files: [[String: Any]]? = nil,
                     file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let downloads = files ?? [["id": "\(title.lowercased())-pdf", "name": "\(title) PDF",
                                   "file": "https://cdn.example.com/\(title.lowercased()).pdf"]]
        let product = try createProduct([
            "title": title, "regular_price": price, "downloadable": true, "virtual": virtual, "downloads": downloads,
            "download_limit": limit, "download_expiry": expiry,
        ], file: file, line: line)
        return try XCTUnwrap(product["id"] as? Int, file: file, line: line)
    }

    /// Reads a product's `total_sales`.
    func totalSales(_ productID: Int, file: StaticString = #filePath, line: UInt = #line) throws -> Int? {
        try product(try get("/products/\(productID)"), file: file, line: line)["total_sales"] as? Int
    }

    // MARK: Orders

    /// A `line_items` entry.
    func item(_ productID: Int, _ quantity: Any = 1) -> [String: Any] { ["product_id": productID, "quantity": quantity] }

    /// Creates an order from the given fields (the `order` object); asserts the 201 and returns the order.
    @discardableResult
    func createOrder(_ fields: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let response = try send("POST", "/orders", body: ["order": fields])
        assertOK(response, status: 201, file: file, line: line)
        return try order(response, file: file, line: line)
    }

    /// Creates an order and returns its id.
    @discardableResult
    func createOrderID(_ fields: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        try XCTUnwrap(try createOrder(fields, file: file, line: line)["id"] as? Int, file: file, line: line)
    }

    /// `PUT /orders/<id>` with the given fields; asserts the 200 and returns the order.
    @discardableResult
    func editOrder(_ id: Int, _ fields: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let response = try send("PUT", "/orders/\(id)", body: ["order": fields])
        assertOK(response, file: file, line: line)
        return try order(response, file: file, line: line)
    }

    /// Moves an order to `status` through an edit; returns the order.
    @discardableResult
    func setStatus(_ id: Int, _ status: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try editOrder(id, ["status": status], file: file, line: line)
    }

    /// `GET /orders/<id>` as an object (asserting 200).
    func readOrder(_ id: Int, query: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try order(assertOK(try get("/orders/\(id)\(query)"), file: file, line: line), file: file, line: line)
    }

    /// `body["order"]`.
    func order(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try member(response, "order", file: file, line: line)
    }

    /// `body["orders"]`.
    func orders(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try members(response, "orders", file: file, line: line)
    }

    /// The ids of an orders list, in order.
    func orderIDs(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        try ids(response, "orders", file: file, line: line)
    }

    /// The raw JSON tokens of `response`'s `order` object.
    func orderedOrder(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> OrderedJSON {
        try orderedMember(response, "order", file: file, line: line)
    }

    /// An order's `line_items` (or another list key).
    func lines(_ order: [String: Any], _ key: String = "line_items", file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try XCTUnwrap(order[key] as? [[String: Any]], "no \(key): \(order)", file: file, line: line)
    }

    /// The order's key, read from the store (the v2 order object does not show it).
    func orderKey(_ id: Int, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let key = try api.store.read { db in
            try db.query("SELECT order_key FROM orders WHERE id = \(id)").first?[0].stringValue
        }
        return try XCTUnwrap(key, "no order \(id)", file: file, line: line)
    }

    /// Asserts `GET /orders/count<query>`.
    func assertOrderCount(_ expected: Int, query: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        let response = try get("/orders/count" + query)
        XCTAssertEqual(response.status, 200, response.text, file: file, line: line)
        XCTAssertEqual(response.text, "{\"count\":\(expected)}", file: file, line: line)
    }

    /// A `Link` value for `/wc-api/v2/orders?<query>`.
    func orderLink(_ query: String, _ rel: String) -> String { "<\(base)/wc-api/v2/orders?\(query)>; rel=\"\(rel)\"" }

    // MARK: Customers

    /// The order-derived figures of `/customers/<id>`: orders_count, total_spent, last_order_id, last_order_date.
    func figures(_ customerID: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let json = try XCTUnwrap(try ordered(assertOK(try get("/customers/\(customerID)"), file: file, line: line),
                                             file: file, line: line)["customer"], file: file, line: line)
        return ["orders_count", "total_spent", "last_order_id", "last_order_date"].map { json[$0]?.raw ?? "missing" }
    }

    /// `GET /customers/<id>/downloads` records.
    func downloads(_ customerID: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try members(assertOK(try get("/customers/\(customerID)/downloads"), file: file, line: line), "downloads",
                    file: file, line: line)
    }

    /// The `(order_id, product_id, downloads_remaining)` of a customer's listed downloads.
    func downloadRows(_ customerID: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try downloads(customerID, file: file, line: line).map {
            "\($0["order_id"] as? Int ?? -1)/\($0["product_id"] as? Int ?? -1)/\($0["downloads_remaining"] as? String ?? "?")"
        }
    }

    /// A key for a new customer-role user ("shopper@example.com"), who holds no order capability.
    func shopperKey() throws -> APIKeys.Created { try customerKey() }
}
