import Foundation
import TestSupport
import XCTest

/// Extreme numbers in order and product bodies: a clear 4xx or a capped value, never a trap (each of these once
/// crashed the server with an arithmetic overflow).
final class OrdersLimitsTests: OrdersTestCase {
    func testAmountsBeyondATrillionAre400AndLeaveNothing() throws {
        let widget = try createWidget()
        for body: [String: Any] in [
            ["line_items": [["product_id": widget, "quantity": 1, "total": 1e308]]],
            ["line_items": [["product_id": widget, "quantity": 1e13]]],
            ["shipping_lines": [["method_id": "flat_rate", "total": 5e12]]],
            ["fee_lines": [["title": "Fee", "total": -1e300]]],
        ] {
            assertError(try send("POST", "/orders", body: ["order": body]), status: 400, code: "woocommerce_api_invalid_parameter")
        }
        XCTAssertEqual(try rowCount("orders"), 0)
        // A trillion itself is accepted and adds up exactly.
        let order = try createOrder(["line_items": [["product_id": widget, "quantity": 1, "total": 1e12]]])
        XCTAssertEqual(order["total"] as? String, "1000000000000.00")
    }

    func testDownloadExpiryBeyondTheYear9999IsCapped() throws {
        try createDocsCustomer()
        let ebook = try createEbook(limit: -1, expiry: Int(Int64.max / 2))
        _ = try createOrder(["customer_id": 2, "status": "completed", "line_items": [item(ebook)]])
        XCTAssertEqual(try downloads(2).first?["access_expires"] as? String, "9999-12-31T00:00:00Z")
    }

    func testMostNegativeIntegerPriceIsStoredNotTrapped() throws {
        let response = try send("POST", "/products", body: ["product": ["title": "P", "regular_price": -9_223_372_036_854_775_808.0]])
        XCTAssertEqual(response.status, 201, response.text)
    }
}
