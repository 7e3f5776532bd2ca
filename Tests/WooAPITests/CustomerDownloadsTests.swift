import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `GET /customers/<id>/downloads`: permissions granted per file × line when an order becomes processing or
/// completed, the record shape, and exactly when a row is hidden (customers §10.2; products-orders §5.4; decisions #15, #27).
final class CustomerDownloadsTests: OrdersTestCase {
    override class var mode: APITestMode { .inProcess }

    private let paidDetails: [String: Any] = ["method_id": "bacs", "method_title": "Bank", "paid": true]

    private func assertOrderKey(_ key: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotNil(key.range(of: "^wc_order_[0-9a-f]{13}$", options: .regularExpression), key, file: file, line: line)
    }

    func testAPaidOrderGrantsARecordInTheExactShape() throws {
        try createDocsCustomer()
        let ebook = try createEbook(limit: 3, expiry: 30)  // post 1, file "ebook-pdf"
        let widget = try createWidget()  // post 2
        let id = try createOrderID(["customer_id": 2, "line_items": [item(ebook, 2), item(widget)], "payment_details": paidDetails])
        XCTAssertEqual(try readOrder(id)["status"] as? String, "processing")
        let key = try orderKey(id)
        assertOrderKey(key)
        let response = assertOK(try get("/customers/2/downloads"))
        XCTAssertNil(response.header("X-WC-Total"))
        // Not completed: access counts from the grant (now), truncated to midnight, + 30 days.
        let expected = #"{"downloads":[{"download_url":"\#(base)/?download_file=1&order=\#(key)&email=john.doe%40example.com&key=ebook-pdf","#
            + #""download_id":"ebook-pdf","product_id":1,"download_name":"Ebook PDF","order_id":3,"order_key":"\#(key)","#
            + #""downloads_remaining":"6","access_expires":"2023-12-14T00:00:00Z","#
            + #""file":{"name":"Ebook PDF","file":"https://cdn.example.com/ebook.pdf"}}]}"#
        XCTAssertEqual(plainText(response), expected)
        XCTAssertEqual(try ordered(response)["downloads"]?[0]?.keys, Self.downloadKeys)
    }

    func testUnlimitedDownloadsAreAnEmptyStringAndNoExpiryIsNull() throws {
        try createDocsCustomer()
        let ebook = try createEbook(limit: -1, expiry: -1)
        try createOrderID(["customer_id": 2, "line_items": [item(ebook, 4)], "status": "completed"])
        let record = try XCTUnwrap(try ordered(try get("/customers/2/downloads"))["downloads"]?[0])
        XCTAssertEqual(record["downloads_remaining"]?.raw, #""""#)
        XCTAssertEqual(record["access_expires"]?.raw, "null")
    }

    func testZeroExpiryMeansNoExpiryAndAProductInTwoLinesGetsTwoRows() throws {
        try createDocsCustomer()
        let ebook = try createEbook(limit: 2, expiry: 0)
        try createOrderID(["customer_id": 2, "line_items": [item(ebook, 1), item(ebook, 3)], "status": "completed"])
        let rows = try downloads(2)
        XCTAssertEqual(rows.map { $0["downloads_remaining"] as? String }, ["2", "6"])
        XCTAssertTrue(rows.allSatisfy { $0["access_expires"] is NSNull }, "\(rows)")
    }

    func testPendingOrdersGrantNothing() throws {
        try createDocsCustomer()
        let ebook = try createEbook()
        let id = try createOrderID(["customer_id": 2, "line_items": [item(ebook)]])
        XCTAssertEqual(try downloads(2).count, 0)
        XCTAssertEqual(try rowCount("download_permissions"), 0)
        try setStatus(id, "processing")
        XCTAssertEqual(try downloadRows(2), ["2/1/3"])
    }

    func testRowsAreHiddenWhileTheOrderDoesNotPermitDownloads() throws {
        try createDocsCustomer()
        let ebook = try createEbook()
        let id = try createOrderID(["customer_id": 2, "line_items": [item(ebook)], "status": "completed"])
        let visible = ["2/\(ebook)/3"]
        XCTAssertEqual(try downloadRows(2), visible)
        for (status, shown) in [("on-hold", false), ("completed", true), ("cancelled", false), ("refunded", false),
                                ("failed", false), ("pending", false), ("processing", true)] {
            try setStatus(id, status)
            XCTAssertEqual(try downloadRows(2), shown ? visible : [], status)
        }
        // Granted once: the permission rows were never duplicated or revoked.
        XCTAssertEqual(try rowCount("download_permissions"), 1)
        // A trashed order permits nothing; a deleted one takes its rows with it.
        XCTAssertEqual(try send("DELETE", "/orders/\(id)").status, 202)
        XCTAssertEqual(try downloadRows(2), [])
        XCTAssertEqual(try send("DELETE", "/orders/\(id)?force=true").status, 200)
        XCTAssertEqual(try rowCount("download_permissions"), 0)
    }

    func testExhaustedRowsAreHidden() throws {
        try createDocsCustomer()
        let ebook = try createEbook(limit: 0)
        try createOrderID(["customer_id": 2, "line_items": [item(ebook, 5)], "status": "completed"])
        XCTAssertEqual(try rowCount("download_permissions"), 1)
        XCTAssertEqual(try downloads(2).count, 0)
    }

    func testExpiredRowsAreHiddenFromTheDayAfterAccessExpires() throws {
        try createDocsCustomer()
        let ebook = try createEbook(expiry: 1)
        try createOrderID(["customer_id": 2, "line_items": [item(ebook)], "status": "completed"])
        XCTAssertEqual(try downloads(2).first?["access_expires"] as? String, "2023-11-15T00:00:00Z")
        clock.now = 1_700_092_799  // 2023-11-15T23:59:59Z: still the expiry day
        XCTAssertEqual(try downloads(2).count, 1)
        clock.now = 1_700_092_800  // 2023-11-16T00:00:00Z
        XCTAssertEqual(try downloads(2).count, 0)
    }

    func testAccessExpiresCountsFromTheCompletedDate() throws {
        try createDocsCustomer()
        let ebook = try createEbook(expiry: 30)
        let id = try createOrderID(["customer_id": 2, "line_items": [item(ebook)]])
        clock.now += 5 * Self.day
        try setStatus(id, "completed")
        XCTAssertEqual(try downloads(2).first?["access_expires"] as? String, "2023-12-19T00:00:00Z")
    }

    func testRowsAreHiddenOnceTheProductOrItsFileIsGone() throws {
        try createDocsCustomer()
        let first = try createEbook("First")
        let second = try createEbook("Second")
        let id = try createOrderID(["customer_id": 2, "line_items": [item(first), item(second)], "status": "completed"])
        XCTAssertEqual(try downloadRows(2), ["\(id)/\(first)/3", "\(id)/\(second)/3"])
        XCTAssertEqual(try send("DELETE", "/products/\(first)?force=true").status, 200)
        XCTAssertEqual(try downloadRows(2), ["\(id)/\(second)/3"])
        // A new file list without the granted file id.
        let replaced = try send("PUT", "/products/\(second)", body: ["product": [
            "downloadable": true, "downloads": [["name": "New", "file": "https://cdn.example.com/new.pdf"]],
        ]])
        XCTAssertEqual(replaced.status, 200, replaced.text)
        XCTAssertEqual(try downloadRows(2), [])
        // The order itself is untouched.
        XCTAssertEqual(try lines(try readOrder(id)).count, 2)
    }

    func testRowsAreOrderedByOrderThenProductThenPermission() throws {
        try createDocsCustomer()
        let a = try createEbook("A")  // post 1
        let b = try createEbook("B", files: [["id": "b1", "name": "B one", "file": "https://cdn.example.com/b1.pdf"],
                                             ["id": "b2", "name": "B two", "file": "https://cdn.example.com/b2.pdf"]])  // post 2
        try createOrderID(["customer_id": 2, "line_items": [item(b), item(a)], "status": "completed"])  // post 3
        try createOrderID(["customer_id": 2, "line_items": [item(a, 2)], "status": "completed"])  // post 4
        let rows = try downloads(2)
        XCTAssertEqual(rows.map { $0["order_id"] as? Int }, [3, 3, 3, 4])
        XCTAssertEqual(rows.map { $0["product_id"] as? Int }, [a, b, b, a])
        XCTAssertEqual(rows.map { $0["download_id"] as? String }, ["a-pdf", "b1", "b2", "a-pdf"])
        XCTAssertEqual(rows.map { $0["download_name"] as? String }, ["A PDF", "B one", "B two", "A PDF"])
        XCTAssertEqual(rows.map { $0["downloads_remaining"] as? String }, ["3", "3", "3", "6"])
    }

    func testDownloadURLCarriesTheBillingEmailAtGrantTimePercentEncoded() throws {
        try createDocsCustomer()
        let ebook = try createEbook()
        let id = try createOrderID(["customer_id": 2, "line_items": [item(ebook)], "status": "completed",
                                    "billing_address": ["email": "o'brien+tag@example.com"]])
        // Changing the billing email later does not change the granted permission.
        try editOrder(id, ["billing_address": ["email": "new@example.com"]])
        let url = try XCTUnwrap(try downloads(2).first?["download_url"] as? String)
        XCTAssertEqual(url, "\(base)/?download_file=\(ebook)&order=\(try orderKey(id))&email=o%27brien%2Btag%40example.com&key=ebook-pdf")
    }

    func testFieldsFilterEachRecord() throws {
        try createDocsCustomer()
        let ebook = try createEbook()
        try createOrderID(["customer_id": 2, "line_items": [item(ebook)], "status": "completed"])
        XCTAssertEqual(plainText(try get("/customers/2/downloads?fields=download_id,file.name")),
                       #"{"downloads":[{"download_id":"ebook-pdf","file":{"name":"Ebook PDF"}}]}"#)
        XCTAssertEqual(try get("/customers/2/downloads?fields=order_id,downloads_remaining").text,
                       #"{"downloads":[{"order_id":2,"downloads_remaining":"3"}]}"#)
    }

    func testPermissionsStayWithTheCustomerTheyWereGrantedTo() throws {
        try createDocsCustomer()
        let other = try XCTUnwrap(try api.createCustomer(["email": "other@example.com"])["id"] as? Int)
        let ebook = try createEbook()
        let id = try createOrderID(["customer_id": 2, "line_items": [item(ebook)], "status": "completed"])
        try editOrder(id, ["customer_id": other])
        XCTAssertEqual(try downloadRows(2), ["\(id)/\(ebook)/3"])
        XCTAssertEqual(try downloadRows(other), [])
        // A guest order's permissions belong to no customer.
        try createOrderID(["line_items": [item(ebook)], "status": "completed"])
        XCTAssertEqual(try rowCount("download_permissions"), 2)
        XCTAssertEqual(try downloadRows(other), [])
        XCTAssertEqual(try downloadRows(2).count, 1)
    }
}
