import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `DELETE /orders/<id>[?force=true]`: trash (202) unless `force` is exactly `true` (200); trashed orders stay
/// readable but leave lists, counts and customer figures; re-trashing is a 400, not the real store's 500 (products-orders §4.8).
final class OrdersDeleteTests: OrdersTestCase {
    override class var mode: APITestMode { .inProcess }

    private func assertMessage(_ response: TestResponse, status: Int, _ message: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.status, status, response.text, file: file, line: line)
        XCTAssertEqual(response.header("Content-Type"), "application/json; charset=UTF-8", file: file, line: line)
        XCTAssertEqual(response.text, #"{"message":"\#(message)"}"#, file: file, line: line)
    }

    func testDeleteTrashesWith202AndTheOrderStaysReadable() throws {
        let widget = try createWidget()
        let id = try createOrderID(["line_items": [item(widget)]])
        clock.now += 10
        assertMessage(try send("DELETE", "/orders/\(id)"), status: 202, "Deleted order")
        let trashed = try readOrder(id)
        XCTAssertEqual(trashed["status"] as? String, "trash")
        XCTAssertEqual(trashed["updated_at"] as? String, "2023-11-14T22:13:30Z")
        XCTAssertEqual(trashed["total"] as? String, "19.99")
        XCTAssertEqual(try lines(trashed).count, 1)
        XCTAssertEqual(try orderIDs(try get("/orders")), [])
        try assertOrderCount(0)
        XCTAssertEqual(try get("/orders/count?status=any").text,
                       #"{"count":{"pending":0,"processing":0,"on-hold":0,"completed":0,"cancelled":0,"refunded":0,"failed":0}}"#)
    }

    func testForceTrueDeletesPermanently() throws {
        let widget = try createWidget()
        let id = try createOrderID(["line_items": [item(widget)], "shipping_lines": [["method_id": "x"]]])
        assertMessage(try send("DELETE", "/orders/\(id)?force=true"), status: 200, "Permanently deleted order")
        assertError(try get("/orders/\(id)"), status: 404, code: "woocommerce_api_no_order_found",
                    message: "No order found with the ID equal to \(id)")
        XCTAssertEqual(try rowCount("orders"), 0)
        XCTAssertEqual(try rowCount("order_items"), 0)
        // The id is never handed out again; the product is untouched.
        XCTAssertEqual(try createOrderID([:]), id + 1)
        XCTAssertEqual(try product(try get("/products/\(widget)"))["title"] as? String, "Widget")
    }

    func testForceDeletesOnlyOnExactlyTrue() throws {
        let id = try createOrderID([:])
        assertMessage(try send("DELETE", "/orders/\(id)?force=1"), status: 202, "Deleted order")
        for value in ["yes", "TRUE", "True", "", "false"] {
            // Each of these is a trash request, and this order is already in the trash.
            assertError(try send("DELETE", "/orders/\(id)?force=\(value)"), status: 400,
                        code: "woocommerce_api_cannot_delete_order", message: "This order cannot be deleted")
        }
        XCTAssertEqual(try readOrder(id)["status"] as? String, "trash")
        assertMessage(try send("POST", "/orders/\(id)?_method=DELETE&force=true"), status: 200, "Permanently deleted order")
        XCTAssertEqual(try rowCount("orders"), 0)
    }

    func testTrashingATrashedOrderIs400NotA500() throws {
        let id = try createOrderID([:])
        assertMessage(try send("DELETE", "/orders/\(id)"), status: 202, "Deleted order")
        assertError(try send("DELETE", "/orders/\(id)"), status: 400, code: "woocommerce_api_cannot_delete_order",
                    message: "This order cannot be deleted")
        // A trashed order can still be deleted permanently.
        assertMessage(try send("DELETE", "/orders/\(id)?force=true"), status: 200, "Permanently deleted order")
    }

    func testATrashedOrderCanBeRestoredByAStatusEdit() throws {
        let id = try createOrderID([:])
        XCTAssertEqual(try send("DELETE", "/orders/\(id)").status, 202)
        XCTAssertEqual(try setStatus(id, "pending")["status"] as? String, "pending")
        XCTAssertEqual(try orderIDs(try get("/orders")), [id])
    }

    func testTrashedAndDeletedOrdersLeaveTheCustomerFigures() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        let paid: [String: Any] = ["method_id": "bacs", "method_title": "Bank", "paid": true]
        let first = try createOrderID(["customer_id": 2, "line_items": [item(widget)], "payment_details": paid])
        clock.now += 60
        let second = try createOrderID(["customer_id": 2, "line_items": [item(widget, 2)], "payment_details": paid])
        XCTAssertEqual(try figures(2), ["2", #""59.97""#, "\(second)", #""2023-11-14T22:14:20Z""#])
        XCTAssertEqual(try send("DELETE", "/orders/\(second)").status, 202)
        XCTAssertEqual(try figures(2), ["1", #""19.99""#, "\(first)", "\"\(Self.startText)\""])
        XCTAssertEqual(try send("DELETE", "/orders/\(first)?force=true").status, 200)
        XCTAssertEqual(try figures(2), ["0", #""0.00""#, "null", "null"])
        XCTAssertEqual(try get("/customers/2/orders").text, #"{"orders":[]}"#)
    }

    func testUnknownZeroAndNonOrderIDs() throws {
        assertError(try send("DELETE", "/orders/5"), status: 404, code: "woocommerce_api_no_order_found")
        assertError(try send("DELETE", "/orders/0"), status: 404, code: "woocommerce_api_invalid_order_id",
                    message: "Invalid shop_order ID")
        let widget = try createWidget()
        assertError(try send("DELETE", "/orders/\(widget)"), status: 404, code: "woocommerce_api_invalid_order",
                    message: "Invalid order")
        XCTAssertEqual(try product(try get("/products/\(widget)"))["status"] as? String, "publish")
    }

    func testCustomerRoleAndReadOnlyKeysCannotDelete() throws {
        let id = try createOrderID([:])
        assertError(try send("DELETE", "/orders/\(id)", auth: try shopperKey()), status: 401,
                    code: "woocommerce_api_user_cannot_delete_order", message: "You do not have permission to delete this order")
        assertError(try send("DELETE", "/orders/\(id)?force=true", auth: api.readKey), status: 401,
                    code: "woocommerce_api_authentication_error")
        XCTAssertEqual(try readOrder(id)["status"] as? String, "pending")
    }
}
