import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `GET /customers/<id>/orders`: every order of the customer in a registered status, oldest first, no pagination,
/// `fields` applied to each order (customers §10.1; decisions #15).
final class CustomerOrdersTests: OrdersTestCase {
    override class var mode: APITestMode { .inProcess }

    func testOrdersAreListedOldestFirstWithoutPagination() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        var ids: [Int] = []
        for n in 1...12 {
            clock.now += 10
            ids.append(try createOrderID(["customer_id": 2, "line_items": [item(widget, n)]]))
        }
        let response = assertOK(try get("/customers/2/orders"))
        XCTAssertEqual(try orderIDs(response), ids)
        XCTAssertNil(response.header("X-WC-Total"))
        XCTAssertNil(response.header("X-WC-TotalPages"))
        XCTAssertEqual(links(response), [])
        // `filter`, `page` and `status` are not honoured here.
        XCTAssertEqual(try orderIDs(try get("/customers/2/orders?filter%5Blimit%5D=2&page=3&status=completed")), ids)
    }

    func testEachOrderIsTheOrderObjectWithTheLiveCustomer() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        let id = try createOrderID(["customer_id": 2, "line_items": [item(widget, 2)],
                                    "shipping_lines": [["method_id": "flat_rate", "total": 10]]])
        let listed = try XCTUnwrap(try ordered(try get("/customers/2/orders"))["orders"]?[0])
        XCTAssertEqual(listed.keys, Self.orderKeys)
        XCTAssertEqual(listed, try orderedOrder(try get("/orders/\(id)")))
        XCTAssertEqual(listed["customer"]?["orders_count"]?.raw, "1")
        XCTAssertEqual(listed["total"]?.raw, #""49.98""#)
    }

    func testOnlyThisCustomersOrdersAndNoTrash() throws {
        try createDocsCustomer()
        let other = try XCTUnwrap(try api.createCustomer(["email": "other@example.com"])["id"] as? Int)
        let mine = try createOrderID(["customer_id": 2])
        try createOrderID(["customer_id": other])
        try createOrderID([:])  // a guest order
        let trashed = try createOrderID(["customer_id": 2])
        let cancelled = try createOrderID(["customer_id": 2, "status": "cancelled"])
        XCTAssertEqual(try send("DELETE", "/orders/\(trashed)").status, 202)
        XCTAssertEqual(try orderIDs(try get("/customers/2/orders")), [mine, cancelled])
        XCTAssertEqual(try orderIDs(try get("/customers/\(other)/orders")), [2])
    }

    func testFieldsFilterEachOrderInsteadOfEmptyingTheList() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        try createOrderID(["customer_id": 2, "line_items": [item(widget)]])
        clock.now += 1
        try createOrderID(["customer_id": 2, "line_items": [item(widget, 3)], "status": "completed"])
        XCTAssertEqual(try get("/customers/2/orders?fields=id,status,total").text,
                       #"{"orders":[{"id":2,"status":"pending","total":"19.99"},{"id":3,"status":"completed","total":"59.97"}]}"#)
        XCTAssertEqual(try get("/customers/2/orders?fields=id,customer.orders_count").text,
                       #"{"orders":[{"id":2,"customer":{"orders_count":2}},{"id":3,"customer":{"orders_count":2}}]}"#)
        XCTAssertEqual(try get("/customers/2/orders?fields=nothing").text, #"{"orders":[[],[]]}"#)
    }

    func testFilterDPAndMetaApply() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        XCTAssertEqual(widget, 1)
        let created = try send("POST", "/orders", body:
            #"{"order":{"customer_id":2,"line_items":[{"product_id":1,"quantity":1}],"order_meta":{"gift":"yes"}}}"#)
        XCTAssertEqual(created.status, 201)
        let order = try XCTUnwrap(try orders(try get("/customers/2/orders?filter%5Bdp%5D=1&filter%5Bmeta%5D=true")).first)
        XCTAssertEqual(order["total"] as? String, "20.0")
        XCTAssertEqual(order["order_meta"] as? [String: String], ["gift": "yes"])
    }

    func testUnknownOrZeroCustomerIs404() throws {
        assertError(try get("/customers/99/orders"), status: 404, code: "woocommerce_api_invalid_customer", message: "Invalid customer")
        assertError(try get("/customers/0/orders"), status: 404, code: "woocommerce_api_invalid_customer_id")
        // Deleted customers are gone too, though their orders remain as guest orders.
        try createDocsCustomer()
        let id = try createOrderID(["customer_id": 2])
        XCTAssertEqual(try send("DELETE", "/customers/2").status, 200)
        assertError(try get("/customers/2/orders"), status: 404, code: "woocommerce_api_invalid_customer")
        XCTAssertEqual(try readOrder(id)["customer_id"] as? Int, 0)
    }

    func testCustomerRoleKeyCannotListOrders() throws {
        try createDocsCustomer()
        assertError(try send("GET", "/customers/2/orders", auth: try shopperKey()), status: 401,
                    code: "woocommerce_api_user_cannot_read_customer")
    }
}
