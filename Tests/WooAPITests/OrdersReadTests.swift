import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `GET /orders/<id>`: the 404s of `validate_request`, `filter[dp]`, `fields`, and what an order shows once its
/// product or customer is gone (products-orders §3, §4.1; customers §8.2, §10.1).
final class OrdersReadTests: OrdersTestCase {
    override class var mode: APITestMode { .inProcess }

    func testReadShowsTheSameOrderAsTheCreate() throws {
        let widget = try createWidget()
        let created = try send("POST", "/orders", body: ["order": [
            "line_items": [item(widget, 2)], "shipping_lines": [["method_id": "flat_rate", "total": 10]],
        ]])
        XCTAssertEqual(created.status, 201)
        let read = assertOK(try get("/orders/2"))
        XCTAssertEqual(read.text, created.text)
    }

    func testIDZeroIs404InvalidShopOrderID() throws {
        for path in ["/orders/0", "/orders/000"] {
            assertError(try get(path), status: 404, code: "woocommerce_api_invalid_order_id", message: "Invalid shop_order ID")
        }
    }

    func testUnknownIDIs404NoOrderFound() throws {
        assertError(try get("/orders/42"), status: 404, code: "woocommerce_api_no_order_found",
                    message: "No order found with the ID equal to 42")
        assertError(try get("/orders/abc"), status: 404, code: "woocommerce_api_no_route")
    }

    func testProductIDIs404InvalidOrder() throws {
        let widget = try createWidget()
        assertError(try get("/orders/\(widget)"), status: 404, code: "woocommerce_api_invalid_order", message: "Invalid order")
        assertError(try send("PUT", "/orders/\(widget)", body: ["order": ["note": "x"]]), status: 404,
                    code: "woocommerce_api_invalid_order")
        assertError(try send("DELETE", "/orders/\(widget)?force=true"), status: 404, code: "woocommerce_api_invalid_order")
        XCTAssertEqual(try product(try get("/products/\(widget)"))["title"] as? String, "Widget")
    }

    func testFilterDPPrintsThatManyDecimals() throws {
        let widget = try createWidget()
        let id = try createOrderID(["line_items": [item(widget, 2)], "shipping_lines": [["method_id": "flat_rate", "total": 10]],
                                    "fee_lines": [["title": "Fee", "total": 0.3333]]])
        let order = try readOrder(id, query: "?filter%5Bdp%5D=3")
        // The grand total is stored rounded to the price decimals, then printed with 3.
        XCTAssertEqual(order["total"] as? String, "50.310")
        XCTAssertEqual(order["subtotal"] as? String, "39.980")
        XCTAssertEqual(order["total_shipping"] as? String, "10.000")
        XCTAssertEqual(order["total_tax"] as? String, "0.000")
        XCTAssertEqual(order["total_discount"] as? String, "0.000")
        let line = try lines(order)[0]
        XCTAssertEqual(line["price"] as? String, "19.990")
        XCTAssertEqual(line["total"] as? String, "39.980")
        XCTAssertEqual(try lines(order, "shipping_lines")[0]["total"] as? String, "10.000")
        // A fee is stored unrounded but shown rounded to the price decimals first.
        XCTAssertEqual(try lines(order, "fee_lines")[0]["total"] as? String, "0.330")
        // The default is 2; dp=0 prints integers.
        XCTAssertEqual(try readOrder(id)["total"] as? String, "50.31")
        XCTAssertEqual(try readOrder(id, query: "?filter%5Bdp%5D=0")["total"] as? String, "50")
    }

    func testFieldsKeepOnlyTheNamedKeys() throws {
        let widget = try createWidget()
        let id = try createOrderID(["line_items": [item(widget)], "billing_address": ["city": "Oslo", "country": "NO"]])
        XCTAssertEqual(try get("/orders/\(id)?fields=id,total,billing_address.city").text,
                       #"{"order":{"id":2,"total":"19.99","billing_address":{"city":"Oslo"}}}"#)
        XCTAssertEqual(try get("/orders/\(id)?fields=nothing").text, #"{"order":[]}"#)
    }

    func testCustomerRoleKeyCannotRead() throws {
        let id = try createOrderID([:])
        assertError(try send("GET", "/orders/\(id)", auth: try shopperKey()), status: 401,
                    code: "woocommerce_api_user_cannot_read_order", message: "You do not have permission to read this order")
    }

    /// Decisions #34: the line keeps its name and figures; `product_id` reads 0 and `sku` null.
    func testDeletedProductReadsBackAsProductZeroWithANullSKU() throws {
        let widget = try createWidget(sku: "W-1")
        let id = try createOrderID(["line_items": [item(widget, 2)]])
        XCTAssertEqual(try send("DELETE", "/products/\(widget)?force=true").status, 200)
        let response = assertOK(try get("/orders/\(id)"))
        let line = try XCTUnwrap(try orderedOrder(response)["line_items"]?[0])
        XCTAssertEqual(line["sku"]?.raw, "null")
        XCTAssertEqual(line["name"]?.raw, #""Widget""#)
        XCTAssertEqual(line["product_id"]?.raw, "0")
        XCTAssertEqual(line["total"]?.raw, #""39.98""#)
        XCTAssertEqual(try order(response)["total"] as? String, "39.98")
    }

    func testLineNameIsTheProductNameWhenWrittenAndSKUTheCurrentOne() throws {
        let widget = try createWidget(sku: "OLD")
        let id = try createOrderID(["line_items": [item(widget)]])
        XCTAssertEqual(try send("PUT", "/products/\(widget)", body: ["product": ["title": "Renamed", "sku": "NEW"]]).status, 200)
        let line = try lines(try readOrder(id))[0]
        XCTAssertEqual(line["name"] as? String, "Widget")
        XCTAssertEqual(line["sku"] as? String, "NEW")
    }

    func testDeletingTheCustomerMakesTheOrderAGuestOrder() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        let id = try createOrderID([
            "customer_id": 2, "line_items": [item(widget)],
            "billing_address": ["first_name": "John", "last_name": "Doe", "city": "San Francisco", "email": "john@billing.example"],
            "shipping_address": ["first_name": "Jo", "address_1": "969 Market"],
        ])
        XCTAssertEqual(try send("DELETE", "/customers/2").status, 200)
        let response = assertOK(try get("/orders/\(id)"))
        let o = try orderedOrder(response)
        XCTAssertEqual(o["customer_id"]?.raw, "0")
        let expected = #"{"id":0,"email":"john@billing.example","first_name":"John","last_name":"Doe","#
            + #""billing_address":{"first_name":"John","last_name":"Doe","company":"","address_1":"","address_2":"","#
            + #""city":"San Francisco","state":"","postcode":"","country":"","email":"john@billing.example","phone":""},"#
            + #""shipping_address":{"first_name":"Jo","last_name":"","company":"","address_1":"969 Market","#
            + #""address_2":"","city":"","state":"","postcode":"","country":""}}"#
        XCTAssertEqual(o["customer"], OrderedJSON.parse(Array(expected.utf8)))
        // The order itself is unchanged otherwise, and still listed.
        XCTAssertEqual(o["total"]?.raw, #""19.99""#)
        XCTAssertEqual(try orderIDs(try get("/orders")), [id])
    }
}
