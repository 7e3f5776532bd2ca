import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `PUT|PATCH|POST /orders/<id>`: only given keys change, line create/update/delete, recalculation, payment on
/// edit, customer changes, and errors that leave the order exactly as it was (decisions #10; products-orders §4.7, §6 Q3/Q8/Q9/Q19).
final class OrdersEditTests: OrdersTestCase {
    override class var mode: APITestMode { .inProcess }

    /// A widget (post 1) and a pending guest order (post 2) for 2 of them, item 1, plus a shipping line, item 2.
    @discardableResult
    private func widgetOrder(_ extra: [String: Any] = [:]) throws -> Int {
        let widget = try createWidget()
        var fields: [String: Any] = ["line_items": [item(widget, 2)],
                                     "shipping_lines": [["method_id": "flat_rate", "method_title": "Flat", "total": 10]]]
        fields.merge(extra) { $1 }
        return try createOrderID(fields)
    }

    func testEditChangesOnlyTheGivenKeysAndANoteMovesUpdatedAt() throws {
        let id = try widgetOrder(["billing_address": ["city": "Oslo"], "note": "first"])
        let before = try readOrder(id)
        clock.now += 60
        let response = try send("PUT", "/orders/\(id)", body: ["order": ["note": "Gift wrap, please"]])
        let o = try orderedOrder(assertOK(response))
        XCTAssertEqual(o.keys, Self.orderKeys)
        let after = try order(response)
        XCTAssertEqual(after["note"] as? String, "Gift wrap, please")
        XCTAssertEqual(after["updated_at"] as? String, "2023-11-14T22:14:20Z")
        XCTAssertEqual(after["created_at"] as? String, Self.startText)
        for key in ["total", "subtotal", "status", "total_shipping"] {
            XCTAssertEqual(after[key] as? String, before[key] as? String, key)
        }
        XCTAssertEqual((after["billing_address"] as? [String: String])?["city"], "Oslo")
        XCTAssertEqual(try lines(after).count, 1)
        XCTAssertEqual(try lines(after, "shipping_lines").count, 1)
    }

    func testLineOnlyChangesDoNotMoveUpdatedAt() throws {
        let id = try widgetOrder()
        clock.now += 60
        let after = try editOrder(id, ["line_items": [["id": 1, "product_id": 1, "quantity": 1, "total": "19.99"]]])
        XCTAssertEqual(after["total"] as? String, "29.99")
        XCTAssertEqual(after["updated_at"] as? String, Self.startText)
    }

    func testQuantityChangeWithoutTotalKeepsTheOldTotal() throws {
        let id = try widgetOrder()
        let after = try editOrder(id, ["line_items": [["id": 1, "product_id": 1, "quantity": 3]]])
        let line = try lines(after)[0]
        XCTAssertEqual(line["quantity"] as? Int, 3)
        XCTAssertEqual(line["total"] as? String, "39.98")
        XCTAssertEqual(line["subtotal"] as? String, "39.98")
        XCTAssertEqual(line["price"] as? String, "13.33")
        XCTAssertEqual(after["total_line_items_quantity"] as? Int, 3)
        XCTAssertEqual(after["total"] as? String, "49.98")
    }

    func testLineTotalAndSubtotalUpdatesRecalculate() throws {
        let id = try widgetOrder()
        let after = try editOrder(id, ["line_items": [["id": 1, "product_id": 1, "quantity": 3, "total": "59.97", "subtotal": 59.97]]])
        XCTAssertEqual(after["subtotal"] as? String, "59.97")
        XCTAssertEqual(after["total_discount"] as? String, "0.00")
        XCTAssertEqual(after["total"] as? String, "69.97")
        XCTAssertEqual(try lines(after)[0]["price"] as? String, "19.99")
    }

    func testNewLinesAreAddedAndUnmentionedLinesKept() throws {
        let id = try widgetOrder()
        let gadget = try createWidget("Gadget", price: "5")
        let after = try editOrder(id, [
            "line_items": [item(gadget, 3)], "fee_lines": [["title": "Gift wrap", "total": 2.5]],
            "coupon_lines": [["code": "WELCOME", "amount": 5]],
        ])
        XCTAssertEqual(try lines(after).map { $0["id"] as? Int }, [1, 3])
        XCTAssertEqual(try lines(after).map { $0["name"] as? String }, ["Widget", "Gadget"])
        XCTAssertEqual(try lines(after, "fee_lines").map { $0["id"] as? Int }, [4])
        XCTAssertEqual(try lines(after, "coupon_lines").map { $0["code"] as? String }, ["WELCOME"])
        XCTAssertEqual(after["subtotal"] as? String, "54.98")
        // 39.98 + 15 + 2.50 fee + 10 shipping; the coupon is a record only.
        XCTAssertEqual(after["total"] as? String, "67.48")
        XCTAssertEqual(after["total_line_items_quantity"] as? Int, 5)
    }

    func testAnIDWithTheKindsKeyNullDeletesTheLine() throws {
        let id = try widgetOrder()
        let after = try editOrder(id, ["line_items": [["id": 1, "product_id": NSNull()]],
                                       "shipping_lines": [["id": 2, "method_id": NSNull()]]])
        XCTAssertEqual(try lines(after).count, 0)
        XCTAssertEqual(try lines(after, "shipping_lines").count, 0)
        XCTAssertEqual(after["total"] as? String, "0.00")
        XCTAssertEqual(after["shipping_methods"] as? String, "")
        XCTAssertEqual(try rowCount("order_items"), 0)
    }

    func testShippingAndFeeLinesAreUpdatedByID() throws {
        let id = try widgetOrder(["fee_lines": [["title": "Handling", "total": 1]]])
        let after = try editOrder(id, ["shipping_lines": [["id": 2, "method_title": "Express", "total": 25]],
                                       "fee_lines": [["id": 3, "title": "Packing"]]])
        XCTAssertEqual(try lines(after, "shipping_lines")[0]["method_id"] as? String, "flat_rate")
        XCTAssertEqual(try lines(after, "shipping_lines")[0]["method_title"] as? String, "Express")
        XCTAssertEqual(try lines(after, "fee_lines")[0]["title"] as? String, "Packing")
        XCTAssertEqual(try lines(after, "fee_lines")[0]["total"] as? String, "1.00")
        XCTAssertEqual(after["total_shipping"] as? String, "25.00")
        XCTAssertEqual(after["shipping_methods"] as? String, "Express")
        XCTAssertEqual(after["total"] as? String, "65.98")
    }

    func testAnItemOfAnotherOrderIs400AndBothOrdersStayAsTheyWere() throws {
        let first = try widgetOrder()
        let second = try createOrderID(["line_items": [item(1)]])  // item 3
        let before = try get("/orders/\(first)").text
        for entry: [String: Any] in [["id": 1, "product_id": NSNull()], ["id": 1, "quantity": 5]] {
            assertError(try send("PUT", "/orders/\(second)", body: ["order": ["line_items": [entry]]]), status: 400,
                        code: "woocommerce_invalid_item_id", message: "Order item ID provided is not associated with order.")
        }
        XCTAssertEqual(try get("/orders/\(first)").text, before)
        XCTAssertEqual(try lines(try readOrder(second)).map { $0["id"] as? Int }, [3])
        assertError(try send("PUT", "/orders/\(second)", body: ["order": ["line_items": [["id": 999, "quantity": 1]]]]),
                    status: 400, code: "woocommerce_invalid_item_id")
    }

    func testAnItemOfAnotherKindIs400() throws {
        let id = try widgetOrder()
        // Item 2 is this order's shipping line, not a product line (and item 1 is not a shipping line).
        assertError(try send("PUT", "/orders/\(id)", body: ["order": ["line_items": [["id": 2, "product_id": NSNull()]]]]),
                    status: 400, code: "woocommerce_invalid_item_id")
        assertError(try send("PUT", "/orders/\(id)", body: ["order": ["shipping_lines": [["id": 1, "total": 1]]]]),
                    status: 400, code: "woocommerce_invalid_item_id")
        XCTAssertEqual(try rowCount("order_items"), 2)
    }

    func testAnotherProductIDOnALineUpdateIs400() throws {
        let id = try widgetOrder()
        let gadget = try createWidget("Gadget")
        assertError(try send("PUT", "/orders/\(id)", body: ["order": ["line_items": [["id": 1, "product_id": gadget, "quantity": 1]]]]),
                    status: 400, code: "woocommerce_api_invalid_product_id",
                    message: "Product ID provided does not match this line item")
        XCTAssertEqual(try lines(try readOrder(id))[0]["quantity"] as? Int, 2)
    }

    func testALineUpdateNamesItsOwnProductAndTakesItsCurrentName() throws {
        let id = try widgetOrder()
        let gadget = try createWidget("Gadget")
        assertError(try send("PUT", "/orders/\(id)", body: ["order": ["line_items": [["id": 1, "quantity": 3]]]]), status: 400,
                    code: "woocommerce_api_invalid_product_id", message: "Product ID or SKU is required")
        // An SKU alone does not name the line's product, even the right one's.
        XCTAssertEqual(try send("PUT", "/products/1", body: ["product": ["sku": "W-1"]]).status, 200)
        assertError(try send("PUT", "/orders/\(id)", body: ["order": ["line_items": [["id": 1, "sku": "W-1", "quantity": 3]]]]),
                    status: 400, code: "woocommerce_api_invalid_product_id",
                    message: "Product ID provided does not match this line item")
        XCTAssertEqual(try lines(try readOrder(id))[0]["quantity"] as? Int, 2)
        XCTAssertEqual(gadget, 3)
        // Writing the line again takes the product's name as it is now.
        XCTAssertEqual(try send("PUT", "/products/1", body: ["product": ["title": "Widget Pro"]]).status, 200)
        XCTAssertEqual(try lines(try readOrder(id))[0]["name"] as? String, "Widget")
        let line = try lines(try editOrder(id, ["line_items": [["id": 1, "product_id": 1, "quantity": 1]]]))[0]
        XCTAssertEqual(line["name"] as? String, "Widget Pro")
        XCTAssertEqual(line["quantity"] as? Int, 1)
    }

    func testQuantityUpdatesAreValidated() throws {
        let id = try widgetOrder()
        for quantity: Any in [0, -3, 0.5] {
            assertError(try send("PUT", "/orders/\(id)", body: ["order": ["line_items": [["id": 1, "product_id": 1, "quantity": quantity]]]]),
                        status: 400, code: "woocommerce_api_invalid_product_quantity",
                        message: "Product quantity must be a positive float.")
        }
        XCTAssertEqual(try lines(try readOrder(id))[0]["quantity"] as? Int, 2)
    }

    func testChangingTheCustomerWritesAddressesToThePreviousOne() throws {
        try createDocsCustomer()
        let other = try XCTUnwrap(try api.createCustomer(["email": "other@example.com"])["id"] as? Int)
        let widget = try createWidget()
        let id = try createOrderID(["customer_id": 2, "line_items": [item(widget)]])
        let after = try editOrder(id, ["customer_id": other, "billing_address": ["city": "Bergen"]])
        XCTAssertEqual(after["customer_id"] as? Int, other)
        XCTAssertEqual((after["customer"] as? [String: Any])?["email"] as? String, "other@example.com")
        // The address went to the customer the order had before this request.
        XCTAssertEqual((try customer(try get("/customers/2"))["billing_address"] as? [String: String])?["city"], "Bergen")
        XCTAssertEqual((try customer(try get("/customers/\(other)"))["billing_address"] as? [String: String])?["city"], "")
        XCTAssertEqual(try figures(2), ["0", #""0.00""#, "null", "null"])
        XCTAssertEqual(try figures(other), ["1", #""0.00""#, "\(id)", "\"\(Self.startText)\""])
    }

    func testCustomerIDZeroOrUnknownIs400() throws {
        try createDocsCustomer()
        let id = try createOrderID(["customer_id": 2])
        for value in [0, 99] {
            assertError(try send("PUT", "/orders/\(id)", body: ["order": ["customer_id": value]]), status: 400,
                        code: "woocommerce_api_invalid_customer_id", message: "Customer ID is invalid.")
        }
        // The same customer again is no change.
        XCTAssertEqual(try editOrder(id, ["customer_id": 2])["customer_id"] as? Int, 2)
    }

    func testUnknownStatusOnEditIs400AndNothingChanges() throws {
        let id = try widgetOrder()
        try setStatus(id, "completed")
        let before = try get("/orders/\(id)").text
        clock.now += 60
        let response = try send("PUT", "/orders/\(id)", body: ["order": [
            "status": "complete", "note": "typo", "line_items": [item(1)],
        ]])
        assertError(response, status: 400, code: "woocommerce_api_invalid_parameter",
                    message: "Invalid order status \"complete\" - the status must be any of these: pending, processing, "
                        + "on-hold, completed, cancelled, refunded, failed")
        XCTAssertEqual(try get("/orders/\(id)").text, before)
        XCTAssertEqual(try setStatus(id, "wc-cancelled")["status"] as? String, "cancelled")
    }

    func testAFailedEditLeavesNoTrace() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        let id = try createOrderID(["customer_id": 2, "line_items": [item(widget)]])
        let order = try get("/orders/\(id)").text, customer = try get("/customers/2").text
        clock.now += 60
        let response = try send("PUT", "/orders/\(id)", body: ["order": [
            "note": "changed", "billing_address": ["city": "Bergen"], "status": "processing",
            "line_items": [["id": 1, "product_id": widget, "quantity": 4], item(widget, 2), item(99, 1)],
        ]])
        assertError(response, status: 400, code: "woocommerce_api_invalid_product", message: "Product is invalid.")
        XCTAssertEqual(try get("/orders/\(id)").text, order)
        XCTAssertEqual(try get("/customers/2").text, customer)
        XCTAssertEqual(try totalSales(widget), 0)
        // The item id the failed line took is handed out again.
        XCTAssertEqual(try lines(try editOrder(id, ["line_items": [item(widget)]])).map { $0["id"] as? Int }, [1, 2])
    }

    func testPaidOnEditCompletesThePaymentOfAPendingOrder() throws {
        let id = try widgetOrder()
        clock.now += 30
        let after = try editOrder(id, ["payment_details": ["paid": true, "method_id": "cod", "method_title": "Cash on delivery"]])
        XCTAssertEqual(after["status"] as? String, "processing")
        XCTAssertEqual(after["updated_at"] as? String, "2023-11-14T22:13:50Z")
        let payment = try XCTUnwrap(after["payment_details"] as? [String: Any])
        XCTAssertEqual(payment["paid"] as? Bool, true)
        XCTAssertEqual(payment["method_id"] as? String, "cod")
        XCTAssertEqual(payment["method_title"] as? String, "Cash on delivery")
        XCTAssertEqual(try totalSales(1), 2)
        // Method fields alone may be set on edit; paying again changes nothing.
        let again = try editOrder(id, ["payment_details": ["method_title": "COD", "paid": true]])
        XCTAssertEqual(again["status"] as? String, "processing")
        XCTAssertEqual((again["payment_details"] as? [String: Any])?["method_title"] as? String, "COD")
        XCTAssertEqual(try totalSales(1), 2)
    }

    func testPaidOnEditNeedsAPendingOrFailedOrderWithATotalBeforeTheEdit() throws {
        let widget = try createWidget()
        // Nothing due yet: a line added in the same request does not count (the total is the one before the edit).
        let empty = try createOrderID([:])
        let paid = try editOrder(empty, ["line_items": [item(widget)], "payment_details": ["paid": true]])
        XCTAssertEqual(paid["status"] as? String, "pending")
        XCTAssertEqual((paid["payment_details"] as? [String: Any])?["paid"] as? Bool, false)
        XCTAssertEqual(paid["total"] as? String, "19.99")
        // On hold does not need payment through an edit.
        let onHold = try createOrderID(["status": "on-hold", "line_items": [item(widget)]])
        XCTAssertEqual(try editOrder(onHold, ["payment_details": ["paid": true]])["status"] as? String, "on-hold")
        // Failed does.
        let failed = try createOrderID(["status": "failed", "line_items": [item(widget)]])
        XCTAssertEqual(try editOrder(failed, ["payment_details": ["paid": true]])["status"] as? String, "processing")
    }

    func testMissingWrapperComesBeforeTheOrdersExistenceWhichComesBeforeTheBody() throws {
        assertError(try send("PUT", "/orders/99", body: ["status": "completed"]), status: 400,
                    code: "woocommerce_api_missing_order_data", message: "No order data specified to edit order")
        assertError(try send("PUT", "/orders/99", body: ["order": ["status": "bogus"]]), status: 404,
                    code: "woocommerce_api_no_order_found", message: "No order found with the ID equal to 99")
        assertError(try send("PUT", "/orders/0", body: ["order": ["note": "x"]]), status: 404,
                    code: "woocommerce_api_invalid_order_id")
    }

    func testPatchAndPostEditToo() throws {
        let id = try widgetOrder()
        XCTAssertEqual(try order(assertOK(try send("PATCH", "/orders/\(id)", body: ["order": ["note": "patched"]])))["note"] as? String,
                       "patched")
        XCTAssertEqual(try order(assertOK(try send("POST", "/orders/\(id)", body: ["order": ["note": "posted"]])))["note"] as? String,
                       "posted")
    }

    func testCurrencyEdit() throws {
        let id = try widgetOrder()
        assertError(try send("PUT", "/orders/\(id)", body: ["order": ["currency": "usd"]]), status: 400,
                    code: "woocommerce_invalid_order_currency", message: "Provided order currency is invalid.")
        XCTAssertEqual(try editOrder(id, ["currency": "GBP"])["currency"] as? String, "GBP")
    }

    func testCustomerRoleAndReadOnlyKeysCannotEdit() throws {
        let id = try widgetOrder()
        assertError(try send("PUT", "/orders/\(id)", body: ["order": ["note": "x"]], auth: try shopperKey()), status: 401,
                    code: "woocommerce_api_user_cannot_edit_order", message: "You do not have permission to edit this order")
        assertError(try send("PUT", "/orders/\(id)", body: ["order": ["note": "x"]], auth: api.readKey), status: 401,
                    code: "woocommerce_api_authentication_error")
        XCTAssertEqual(try readOrder(id)["note"] as? String, "")
    }
}
