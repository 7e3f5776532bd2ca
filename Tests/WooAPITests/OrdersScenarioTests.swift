import Foundation
import HTTP
import Synchronization
import TestSupport
import WooAPI
import XCTest

/// The issue's end-to-end scenario checked byte for byte, and concurrent order creation for one customer
/// (customers §3.3, §10.1, §10.2; issue 4 "Consistency").
final class OrdersScenarioTests: OrdersTestCase {
    /// The docs customer's addresses as the API prints them.
    private let billingJSON = #"{"first_name":"John","last_name":"Doe","company":"","address_1":"969 Market","address_2":"","#
        + #""city":"San Francisco","state":"CA","postcode":"94103","country":"US","email":"john.doe@example.com","#
        + #""phone":"(555) 555-5555"}"#
    private let shippingJSON = #"{"first_name":"John","last_name":"Doe","company":"","address_1":"969 Market","address_2":"","#
        + #""city":"San Francisco","state":"CA","postcode":"94103","country":"US"}"#

    func testDocsScenarioCustomerOrdersAndDownloadsByteForByte() throws {
        // 22:13:20 the customer; 22:13:30 and 22:13:40 the products; 22:14:20 the paid order; 23:14:20 completed.
        try createDocsCustomer()
        clock.now += 10
        let widget = try createWidget("Premium Quality", price: "19.99", sku: "PQ-1")
        clock.now += 10
        let ebookProduct = try createProduct([
            "title": "Ebook", "regular_price": "5", "downloadable": true, "virtual": true,
            "downloads": [["name": "Ebook PDF", "file": "https://cdn.example.com/files/ebook.pdf"]],
            "download_limit": 3, "download_expiry": 30,
        ])
        let ebook = try XCTUnwrap(ebookProduct["id"] as? Int)
        let fileID = try XCTUnwrap((ebookProduct["downloads"] as? [[String: Any]])?.first?["id"] as? String)
        XCTAssertTrue(isUUID4(fileID), fileID)
        XCTAssertEqual([widget, ebook], [1, 2])

        clock.now += 40
        let created = try send("POST", "/orders", body: ["order": [
            "customer_id": 2, "billing_address": docsCustomer["billing_address"]!, "shipping_address": docsCustomer["shipping_address"]!,
            "line_items": [item(widget, 2), item(ebook, 1)],
            "shipping_lines": [["method_id": "flat_rate", "method_title": "Flat Rate", "total": 10]],
            "payment_details": ["method_id": "bacs", "method_title": "Direct Bank Transfer", "paid": true],
        ]], headers: [("User-Agent", "WooCommerce API Client-PHP/1.3.0")])
        XCTAssertEqual(created.status, 201, created.text)
        let id = try XCTUnwrap(try order(created)["id"] as? Int)
        XCTAssertEqual(id, 3)
        XCTAssertEqual(try order(created)["status"] as? String, "processing")

        clock.now += 3600
        let completed = try setStatus(id, "completed")
        XCTAssertEqual(completed["completed_at"] as? String, "2023-11-14T23:14:20Z")

        // The customer's figures, in /customers/2 and nested in the order.
        XCTAssertEqual(try figures(2), ["1", #""54.98""#, "3", #""2023-11-14T22:14:20Z""#])
        let customerJSON = #"{"id":2,"created_at":"2023-11-14T22:13:20Z","email":"john.doe@example.com","first_name":"John","#
            + #""last_name":"Doe","username":"john.doe","role":"customer","last_order_id":3,"#
            + #""last_order_date":"2023-11-14T22:14:20Z","orders_count":1,"total_spent":"54.98","#
            + #""avatar_url":"\#(avatar(Self.md5("john.doe@example.com")))","#
            + #""billing_address":\#(billingJSON),"shipping_address":\#(shippingJSON)}"#
        XCTAssertEqual(plainText(try get("/customers/2")), #"{"customer":\#(customerJSON)}"#)

        // The customer's orders.
        let orderJSON = #"{"id":3,"order_number":"3","created_at":"2023-11-14T22:14:20Z","updated_at":"2023-11-14T23:14:20Z","#
            + #""completed_at":"2023-11-14T23:14:20Z","status":"completed","currency":"USD","total":"54.98","subtotal":"44.98","#
            + #""total_line_items_quantity":3,"total_tax":"0.00","total_shipping":"10.00","cart_tax":"0.00","shipping_tax":"0.00","#
            + #""total_discount":"0.00","shipping_methods":"Flat Rate","#
            + #""payment_details":{"method_id":"bacs","method_title":"Direct Bank Transfer","paid":true},"#
            + #""billing_address":\#(billingJSON),"shipping_address":\#(shippingJSON),"note":"","customer_ip":"127.0.0.1","#
            + #""customer_user_agent":"WooCommerce API Client-PHP/1.3.0","customer_id":2,"#
            + #""view_order_url":"\#(base)/my-account/view-order/3/","#
            + #""line_items":[{"id":1,"subtotal":"39.98","subtotal_tax":"0.00","total":"39.98","total_tax":"0.00","price":"19.99","#
            + #""quantity":2,"tax_class":"","name":"Premium Quality","product_id":1,"sku":"PQ-1","meta":[]},"#
            + #"{"id":2,"subtotal":"5.00","subtotal_tax":"0.00","total":"5.00","total_tax":"0.00","price":"5.00","quantity":1,"#
            + #""tax_class":"","name":"Ebook","product_id":2,"sku":"","meta":[]}],"#
            + #""shipping_lines":[{"id":3,"method_id":"flat_rate","method_title":"Flat Rate","total":"10.00"}],"#
            + #""tax_lines":[],"fee_lines":[],"coupon_lines":[],"customer":\#(customerJSON)}"#
        let orders = assertOK(try get("/customers/2/orders"))
        XCTAssertEqual(plainText(orders), #"{"orders":[\#(orderJSON)]}"#)
        XCTAssertEqual(plainText(try get("/orders/3")), #"{"order":\#(orderJSON)}"#)

        // The customer's downloads: granted when the order became processing (22:14:20), so 30 days from that date.
        let downloads = assertOK(try get("/customers/2/downloads"))
        let key = try XCTUnwrap(try members(downloads, "downloads").first?["order_key"] as? String)
        XCTAssertNotNil(key.range(of: "^wc_order_[0-9a-f]{13}$", options: .regularExpression), key)
        XCTAssertEqual(key, try orderKey(3))
        let downloadJSON = #"{"download_url":"\#(base)/?download_file=2&order=\#(key)&email=john.doe%40example.com&key=\#(fileID)","#
            + #""download_id":"\#(fileID)","product_id":2,"download_name":"Ebook PDF","order_id":3,"order_key":"\#(key)","#
            + #""downloads_remaining":"3","access_expires":"2023-12-14T00:00:00Z","#
            + #""file":{"name":"Ebook PDF","file":"https://cdn.example.com/files/ebook.pdf"}}"#
        XCTAssertEqual(plainText(downloads), #"{"downloads":[\#(downloadJSON)]}"#)

        // Sales were recorded once, at processing.
        XCTAssertEqual(try totalSales(widget), 2)
        XCTAssertEqual(try totalSales(ebook), 1)
    }

    func testConcurrentPaidOrdersForOneCustomerLoseNoUpdate() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        let port = api.port
        let authorization = basic(api.key.consumerKey, api.key.consumerSecret)
        let ready = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        let count = 20
        let box = ResultBox()
        for n in 1...count {
            let body = #"{"order":{"customer_id":2,"line_items":[{"product_id":\#(widget),"quantity":\#(n)}],"#
                + #""payment_details":{"method_id":"bacs","method_title":"Bank","paid":true}}}"#
            Thread.detachNewThread {
                defer { finished.signal() }
                do {
                    // Every thread has its own connection, opened before any request is sent.
                    let client = try RawClient(port: port, timeout: 30)
                    ready.signal()
                    go.wait()
                    try client.send("POST /wc-api/v2/orders HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
                                    + "Authorization: \(authorization)\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
                    let response = try client.readResponse()
                    box.append(response.status, response.text)
                } catch {
                    ready.signal()
                    box.append(-1, "\(error)")
                }
            }
        }
        for _ in 1...count { ready.wait() }
        for _ in 1...count { go.signal() }
        for _ in 1...count { finished.wait() }

        let all = box.all
        XCTAssertEqual(all.count, count)
        for (status, text) in all { XCTAssertEqual(status, 201, text) }
        let ids = try all.map { _, text -> Int in
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return try XCTUnwrap((object["order"] as? [String: Any])?["id"] as? Int)
        }
        XCTAssertEqual(ids.sorted(), Array(2...21))
        // 19.99 × (1 + 2 + … + 20) = 19.99 × 210.
        XCTAssertEqual(try figures(2), ["20", #""4197.90""#, "21", "\"\(Self.startText)\""])
        XCTAssertEqual(try totalSales(widget), 210)
        XCTAssertEqual(try get("/customers/2/orders").text.components(separatedBy: #""order_number""#).count - 1, 20)
        try assertOrderCount(20, query: "?status=processing")
    }
}

/// Responses collected from several threads.
private final class ResultBox: Sendable {
    private let items = Mutex<[(Int, String)]>([])
    func append(_ status: Int, _ text: String) { items.withLock { $0.append((status, text)) } }
    var all: [(Int, String)] { items.withLock { $0 } }
}
