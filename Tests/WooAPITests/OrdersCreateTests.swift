import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `POST /orders`: output shape, totals, lines, addresses, payment, and every validation error with its real code;
/// a 4xx leaves nothing behind (decisions #10; products-orders §3, §4.2–§4.6, §6 Q3/Q8/Q10).
final class OrdersCreateTests: OrdersTestCase {
    override class var mode: APITestMode { .inProcess }

    private let flatRate: [String: Any] = ["method_id": "flat_rate", "method_title": "Flat Rate", "total": 10]

    // MARK: Shape and totals

    func testDocsExampleTotalsAndEveryKeyInOrder() throws {
        let widget = try createWidget()
        let response = try send("POST", "/orders", body: ["order": ["line_items": [item(widget, 2)], "shipping_lines": [flatRate]]])
        assertOK(response, status: 201)
        XCTAssertNil(response.header("Location"))
        let o = try orderedOrder(response)
        XCTAssertEqual(o.keys, Self.orderKeys)
        let expected: [String: String] = [
            "id": "2", "order_number": #""2""#, "created_at": "\"\(Self.startText)\"", "updated_at": "\"\(Self.startText)\"",
            "completed_at": "\"\(Self.epoch)\"", "status": #""pending""#, "currency": #""USD""#, "total": #""49.98""#,
            "subtotal": #""39.98""#, "total_line_items_quantity": "2", "total_tax": #""0.00""#,
            "total_shipping": #""10.00""#, "cart_tax": #""0.00""#, "shipping_tax": #""0.00""#, "total_discount": #""0.00""#,
            "shipping_methods": #""Flat Rate""#, "note": #""""#, "customer_ip": #""127.0.0.1""#,
            "customer_user_agent": #""""#, "customer_id": "0", "view_order_url": "\"\(base)/my-account/view-order/2/\"",
        ]
        for (key, token) in expected { XCTAssertEqual(o[key]?.raw, token, key) }
        XCTAssertEqual(o["payment_details"], OrderedJSON.parse(Array(#"{"method_id":"","method_title":"","paid":false}"#.utf8)))
        for key in ["tax_lines", "fee_lines", "coupon_lines"] { XCTAssertEqual(o[key], .array([]), key) }

        let line = try XCTUnwrap(o["line_items"]?[0])
        XCTAssertNil(o["line_items"]?[1])
        XCTAssertEqual(line.keys, Self.lineItemKeys)
        let lineTokens: [String: String] = [
            "id": "1", "subtotal": #""39.98""#, "subtotal_tax": #""0.00""#, "total": #""39.98""#, "total_tax": #""0.00""#,
            "price": #""19.99""#, "quantity": "2", "tax_class": #""""#, "name": #""Widget""#, "product_id": "1",
            "sku": #""""#,
        ]
        for (key, token) in lineTokens { XCTAssertEqual(line[key]?.raw, token, "line \(key)") }
        XCTAssertEqual(line["meta"], .array([]))
        // Shipping items share the item sequence with product lines.
        XCTAssertEqual(o["shipping_lines"], OrderedJSON.parse(Array(
            #"[{"id":2,"method_id":"flat_rate","method_title":"Flat Rate","total":"10.00"}]"#.utf8)))
    }

    func testGuestOrderNestsTheGuestCustomerBuiltFromItsAddresses() throws {
        let widget = try createWidget()
        let response = try send("POST", "/orders", body: ["order": [
            "line_items": [item(widget)],
            "billing_address": ["first_name": "Jane", "last_name": "Roe", "city": "Oslo", "email": "jane@example.com",
                                "phone": "555", "country": "NO"],
            "shipping_address": ["first_name": "Jim", "address_1": "1 Fjord Road", "country": "NO"],
        ]])
        assertOK(response, status: 201)
        let expected = #"{"id":0,"email":"jane@example.com","first_name":"Jane","last_name":"Roe","#
            + #""billing_address":{"first_name":"Jane","last_name":"Roe","company":"","address_1":"","address_2":"","#
            + #""city":"Oslo","state":"","postcode":"","country":"NO","email":"jane@example.com","phone":"555"},"#
            + #""shipping_address":{"first_name":"Jim","last_name":"","company":"","address_1":"1 Fjord Road","#
            + #""address_2":"","city":"","state":"","postcode":"","country":"NO"}}"#
        let o = try orderedOrder(response)
        XCTAssertEqual(o["customer"], OrderedJSON.parse(Array(expected.utf8)))
        XCTAssertEqual(o["billing_address"]?.keys, Self.billingKeys)
        XCTAssertEqual(o["shipping_address"]?.keys, Self.shippingKeys)
        XCTAssertEqual(o["customer_id"]?.raw, "0")
    }

    func testCustomerOrderNestsTheLiveCustomerWithItsFigures() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        let response = try send("POST", "/orders", body: ["order": [
            "customer_id": 2, "line_items": [item(widget, 2)],
            "payment_details": ["method_id": "bacs", "method_title": "Direct Bank Transfer", "paid": true],
        ]])
        assertOK(response, status: 201)
        let nested = try XCTUnwrap(try orderedOrder(response)["customer"])
        XCTAssertEqual(nested.keys, Self.customerKeys)
        XCTAssertEqual(nested["orders_count"]?.raw, "1")
        XCTAssertEqual(nested["total_spent"]?.raw, #""39.98""#)
        XCTAssertEqual(nested["last_order_id"]?.raw, "2")
        XCTAssertEqual(nested["last_order_date"]?.raw, "\"\(Self.startText)\"")
        // The same object /customers/2 shows.
        XCTAssertEqual(nested, try ordered(try get("/customers/2"))["customer"])
    }

    func testClientAddressAndUserAgentAreRecorded() throws {
        let response = try send("POST", "/orders", body: ["order": ["note": "Leave at the door"]],
                                headers: [("User-Agent", "OrdersTests/1.0 (XCTest)")])
        let order = try self.order(assertOK(response, status: 201))
        XCTAssertEqual(order["customer_ip"] as? String, "127.0.0.1")
        XCTAssertEqual(order["customer_user_agent"] as? String, "OrdersTests/1.0 (XCTest)")
        XCTAssertEqual(order["note"] as? String, "Leave at the door")
        // An empty order is valid: nothing to sum.
        XCTAssertEqual(order["total"] as? String, "0.00")
        XCTAssertEqual(order["total_line_items_quantity"] as? Int, 0)
        XCTAssertEqual(order["shipping_methods"] as? String, "")
    }

    func testFeesAddUnroundedAndCouponLinesDoNotDiscount() throws {
        let widget = try createWidget()
        let order = try createOrder([
            "line_items": [item(widget)],
            "fee_lines": [["title": "Handling", "total": 0.333], ["title": "Wrapping", "total": "0.333"], ["title": "", "total": -1]],
            "coupon_lines": [["code": "SAVE10", "amount": 10]],
        ])
        // Fees are summed unrounded: 19.99 + 0.333 + 0.333 - 1 = 19.656 -> 19.66 (per-line rounding would give 19.65).
        XCTAssertEqual(order["total"] as? String, "19.66")
        XCTAssertEqual(order["subtotal"] as? String, "19.99")
        XCTAssertEqual(order["total_discount"] as? String, "0.00")
        let fees = try lines(order, "fee_lines")
        XCTAssertEqual(fees.map { $0["title"] as? String }, ["Handling", "Wrapping", "Fee"])
        XCTAssertEqual(fees.map { $0["total"] as? String }, ["0.33", "0.33", "-1.00"])
        XCTAssertEqual(fees.map { $0["tax_class"] as? String }, ["", "", ""])
        XCTAssertEqual(fees.map { $0["total_tax"] as? String }, ["0.00", "0.00", "0.00"])
        XCTAssertEqual(fees.map { $0["id"] as? Int }, [2, 3, 4])
        let coupons = try lines(order, "coupon_lines")
        XCTAssertEqual(coupons.count, 1)
        XCTAssertEqual(coupons[0]["id"] as? Int, 5)
        XCTAssertEqual(coupons[0]["code"] as? String, "SAVE10")
        XCTAssertEqual(coupons[0]["amount"] as? String, "10.00")
    }

    func testClientTotalAndSubtotalOnALine() throws {
        let widget = try createWidget()
        // A lower total is a discount; the subtotal stays the product price.
        let discounted = try createOrder(["line_items": [["product_id": widget, "quantity": 1, "total": "15"]]])
        XCTAssertEqual(discounted["total"] as? String, "15.00")
        XCTAssertEqual(discounted["subtotal"] as? String, "19.99")
        XCTAssertEqual(discounted["total_discount"] as? String, "4.99")
        XCTAssertEqual(try lines(discounted)[0]["price"] as? String, "15.00")
        // A higher total raises the subtotal to it.
        let raised = try createOrder(["line_items": [["product_id": widget, "quantity": 2, "total": 50]]])
        XCTAssertEqual(raised["subtotal"] as? String, "50.00")
        XCTAssertEqual(raised["total_discount"] as? String, "0.00")
        XCTAssertEqual(try lines(raised)[0]["price"] as? String, "25.00")
        // A client subtotal below the total gives a negative discount (products-orders §6 Q8, matched).
        let negative = try createOrder(["line_items": [["product_id": widget, "quantity": 1, "total": 15, "subtotal": 10]]])
        XCTAssertEqual(negative["total_discount"] as? String, "-5.00")
        XCTAssertEqual(negative["total"] as? String, "15.00")
    }

    func testFractionalQuantityIsTruncated() throws {
        let widget = try createWidget()
        let order = try createOrder(["line_items": [item(widget, 2.7)]])
        XCTAssertEqual(try lines(order)[0]["quantity"] as? Int, 2)
        XCTAssertEqual(order["total"] as? String, "39.98")
        XCTAssertEqual(order["total_line_items_quantity"] as? Int, 2)
    }

    func testLineBySKUAndProductIDWinsOverSKU() throws {
        let widget = try createWidget(sku: "W-1")
        let gadget = try createWidget("Gadget", price: "3", sku: "G-1")
        let order = try createOrder(["line_items": [["sku": "w-1", "quantity": 1], ["product_id": gadget, "sku": "W-1", "quantity": 1]]])
        let items = try lines(order)
        XCTAssertEqual(items.map { $0["product_id"] as? Int }, [widget, gadget])
        XCTAssertEqual(items.map { $0["sku"] as? String }, ["W-1", "G-1"])
        XCTAssertEqual(items.map { $0["name"] as? String }, ["Widget", "Gadget"])
        XCTAssertEqual(order["total"] as? String, "22.99")
        assertError(try send("POST", "/orders", body: ["order": ["line_items": [["sku": "NOPE", "quantity": 1]]]]),
                    status: 400, code: "woocommerce_api_invalid_product", message: "Product is invalid.")
    }

    func testCreateResponseIgnoresFieldsAndDP() throws {
        let widget = try createWidget()
        let response = try send("POST", "/orders?fields=id&filter%5Bdp%5D=3", body: ["order": ["line_items": [item(widget)]]])
        let o = try orderedOrder(assertOK(response, status: 201))
        XCTAssertEqual(o.keys, Self.orderKeys)
        XCTAssertEqual(o["total"]?.raw, #""19.99""#)
    }

    func testTrashedAndDraftProductsCanBeOrdered() throws {
        let draft = try XCTUnwrap(try createProduct(["title": "Draft", "regular_price": "2", "status": "draft"])["id"] as? Int)
        let trashed = try createWidget("Old", price: "3")
        XCTAssertEqual(try send("DELETE", "/products/\(trashed)").status, 202)
        let order = try createOrder(["line_items": [item(draft), item(trashed)]])
        XCTAssertEqual(try lines(order).map { $0["name"] as? String }, ["Draft", "Old"])
        XCTAssertEqual(order["total"] as? String, "5.00")
    }

    func testOtherCurrencyIsKept() throws {
        XCTAssertEqual(try createOrder(["currency": "EUR"])["currency"] as? String, "EUR")
    }

    func testStatusWithWCPrefixIsAccepted() throws {
        XCTAssertEqual(try createOrder(["status": "wc-on-hold"])["status"] as? String, "on-hold")
        XCTAssertEqual(try createOrder(["status": "failed"])["status"] as? String, "failed")
    }

    // MARK: Payment

    func testPaidOrderWithAPhysicalProductIsProcessing() throws {
        let widget = try createWidget()
        let order = try createOrder([
            "line_items": [item(widget, 2)],
            "payment_details": ["method_id": "bacs", "method_title": "Direct Bank Transfer", "paid": true, "transaction_id": "tx-1"],
        ])
        XCTAssertEqual(order["status"] as? String, "processing")
        XCTAssertEqual(order["completed_at"] as? String, Self.epoch)
        let payment = try XCTUnwrap(order["payment_details"] as? [String: Any])
        XCTAssertEqual(payment["method_id"] as? String, "bacs")
        XCTAssertEqual(payment["method_title"] as? String, "Direct Bank Transfer")
        XCTAssertEqual(payment["paid"] as? Bool, true)
        XCTAssertEqual(try totalSales(widget), 2)
    }

    func testPaidOrderOfOnlyDownloadableVirtualProductsIsCompleted() throws {
        let ebook = try createEbook()
        clock.now += 5
        let order = try createOrder([
            "line_items": [item(ebook)], "payment_details": ["method_id": "stripe", "method_title": "Card", "paid": true],
        ])
        XCTAssertEqual(order["status"] as? String, "completed")
        XCTAssertEqual(order["completed_at"] as? String, "2023-11-14T22:13:25Z")
        XCTAssertEqual((order["payment_details"] as? [String: Any])?["paid"] as? Bool, true)
    }

    func testOnlyJSONTruePaysAndPaymentDetailsNeedIDAndTitle() throws {
        let widget = try createWidget()
        for paid: Any in ["true", 1, "yes"] {
            let order = try createOrder(["line_items": [item(widget)],
                                         "payment_details": ["method_id": "bacs", "method_title": "Bank", "paid": paid]])
            XCTAssertEqual(order["status"] as? String, "pending", "\(paid)")
            XCTAssertEqual((order["payment_details"] as? [String: Any])?["paid"] as? Bool, false, "\(paid)")
        }
        for details in [["method_id": "bacs"], ["method_title": "Bank"], ["method_id": "", "method_title": "Bank", "paid": true]] {
            assertError(try send("POST", "/orders", body: ["order": ["line_items": [item(widget)], "payment_details": details]]),
                        status: 400, code: "woocommerce_invalid_payment_details",
                        message: "Payment method ID and title are required")
        }
        try assertOrderCount(3)
    }

    // MARK: Addresses

    func testAddressKeysGivenOnAnOrderAreAlsoSavedToTheCustomer() throws {
        try createDocsCustomer()
        let order = try createOrder([
            "customer_id": 2, "billing_address": ["city": "Oakland", "phone": "(555) 000-0000"],
            "shipping_address": ["address_1": "1 Main St"],
        ])
        // The order has only what was given (plus the account email); the customer keeps the keys not given.
        let billing = try XCTUnwrap(order["billing_address"] as? [String: String])
        XCTAssertEqual(billing["city"], "Oakland")
        XCTAssertEqual(billing["first_name"], "")
        XCTAssertEqual(billing["email"], "john.doe@example.com")
        let customer = try self.customer(try get("/customers/2"))
        let saved = try XCTUnwrap(customer["billing_address"] as? [String: String])
        XCTAssertEqual(saved["city"], "Oakland")
        XCTAssertEqual(saved["phone"], "(555) 000-0000")
        XCTAssertEqual(saved["first_name"], "John")
        XCTAssertEqual(saved["address_1"], "969 Market")
        let shipping = try XCTUnwrap(customer["shipping_address"] as? [String: String])
        XCTAssertEqual(shipping["address_1"], "1 Main St")
        XCTAssertEqual(shipping["city"], "San Francisco")
    }

    func testEmptyBillingEmailIsFilledFromTheAccountEmail() throws {
        try createDocsCustomer()
        let order = try createOrder(["customer_id": 2, "billing_address": ["email": "", "first_name": "Johnny"]])
        let billing = try XCTUnwrap(order["billing_address"] as? [String: String])
        XCTAssertEqual(billing["email"], "john.doe@example.com")
        XCTAssertEqual(billing["first_name"], "Johnny")
        // A given email is kept.
        let other = try createOrder(["customer_id": 2, "billing_address": ["email": "billing@example.com"]])
        XCTAssertEqual((other["billing_address"] as? [String: String])?["email"], "billing@example.com")
    }

    // MARK: Errors

    func testMissingOrderWrapperIs400() throws {
        for body in [#"{"orders":{"status":"pending"}}"#, #"{"order":null}"#] {
            assertError(try send("POST", "/orders", body: body), status: 400, code: "woocommerce_api_missing_order_data",
                        message: "No order data specified to create order")
        }
        try assertOrderCount(0)
    }

    func testUnknownProductIs400AndLeavesNothingBehind() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        let before = try get("/customers/2").text
        let response = try send("POST", "/orders", body: ["order": [
            "customer_id": 2, "billing_address": ["city": "Nowhere"],
            "line_items": [item(widget, 2), item(99, 1)],
        ]])
        assertError(response, status: 400, code: "woocommerce_api_invalid_product", message: "Product is invalid.")
        // Nothing was written: no order, no item, no address change, no post id or item id used up.
        XCTAssertEqual(try rowCount("orders"), 0)
        XCTAssertEqual(try rowCount("order_items"), 0)
        XCTAssertEqual(try get("/customers/2").text, before)
        XCTAssertEqual(try nextPostID(), 2)
        let order = try createOrder(["customer_id": 2, "line_items": [item(widget)]])
        XCTAssertEqual(order["id"] as? Int, 2)
        XCTAssertEqual(try lines(order)[0]["id"] as? Int, 1)
    }

    func testAnErrorAfterTheLinesLeavesNothingBehind() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        // Payment details are checked after the lines and totals: still nothing may remain.
        let response = try send("POST", "/orders", body: ["order": [
            "customer_id": 2, "shipping_address": ["city": "Elsewhere"], "line_items": [item(widget, 3)],
            "shipping_lines": [flatRate], "payment_details": ["method_id": "bacs", "paid": true],
        ]])
        assertError(response, status: 400, code: "woocommerce_invalid_payment_details")
        XCTAssertEqual(try rowCount("orders"), 0)
        XCTAssertEqual(try rowCount("order_items"), 0)
        XCTAssertEqual(try totalSales(widget), 0)
        XCTAssertEqual(try figures(2), ["0", #""0.00""#, "null", "null"])
        XCTAssertEqual((try customer(try get("/customers/2"))["shipping_address"] as? [String: String])?["city"], "San Francisco")
        XCTAssertEqual(try createOrderID(["line_items": [item(widget)]]), 2)
    }

    func testProductIDOfAnOrderIsAnInvalidProduct() throws {
        let order = try createOrderID([:])
        assertError(try send("POST", "/orders", body: ["order": ["line_items": [item(order)]]]), status: 400,
                    code: "woocommerce_api_invalid_product", message: "Product is invalid.")
    }

    func testUnknownCustomerIs400() throws {
        assertError(try send("POST", "/orders", body: ["order": ["customer_id": 99]]), status: 400,
                    code: "woocommerce_api_invalid_customer_id", message: "Customer ID is invalid.")
        XCTAssertEqual(try nextPostID(), 1)
        // 0 is a guest order.
        XCTAssertEqual(try createOrder(["customer_id": 0])["customer_id"] as? Int, 0)
    }

    func testZeroOrNegativeQuantityIs400() throws {
        let widget = try createWidget()
        for quantity: Any in [0, -1, "0", "-2.5"] {
            assertError(try send("POST", "/orders", body: ["order": ["line_items": [item(widget, quantity)]]]), status: 400,
                        code: "woocommerce_api_invalid_product_quantity", message: "Product quantity must be a positive float.")
        }
        XCTAssertEqual(try rowCount("orders"), 0)
    }

    func testQuantityThatTruncatesToZeroIs400() throws {
        let widget = try createWidget()
        for quantity: Any in [0.5, "0.99"] {
            assertError(try send("POST", "/orders", body: ["order": ["line_items": [item(widget, quantity)]]]), status: 400,
                        code: "woocommerce_api_invalid_product_quantity", message: "Product quantity must be a positive float.")
        }
        XCTAssertEqual(try rowCount("orders"), 0)
        XCTAssertEqual(try nextPostID(), 2)
    }

    func testMissingQuantityIs400() throws {
        let widget = try createWidget()
        assertError(try send("POST", "/orders", body: ["order": ["line_items": [["product_id": widget]]]]), status: 400,
                    code: "woocommerce_api_invalid_product_quantity", message: "Product quantity is required.")
    }

    func testLineWithoutProductIDOrSKUIs400() throws {
        assertError(try send("POST", "/orders", body: ["order": ["line_items": [["quantity": 1]]]]), status: 400,
                    code: "woocommerce_api_invalid_product_id", message: "Product ID or SKU is required")
    }

    func testUnknownStatusIs400AndLeavesNothingBehind() throws {
        let widget = try createWidget()
        for status in ["shipped", "complete", "trash"] {
            assertError(try send("POST", "/orders", body: ["order": ["status": status, "line_items": [item(widget)]]]),
                        status: 400, code: "woocommerce_api_invalid_parameter",
                        message: "Invalid order status \"\(status)\" - the status must be any of these: pending, processing, "
                            + "on-hold, completed, cancelled, refunded, failed")
        }
        XCTAssertEqual(try rowCount("orders"), 0)
        XCTAssertEqual(try nextPostID(), 2)
    }

    func testInvalidCurrencyIs400() throws {
        assertError(try send("POST", "/orders", body: ["order": ["currency": "XYZ"]]), status: 400,
                    code: "woocommerce_invalid_order_currency", message: "Provided order currency is invalid.")
        XCTAssertEqual(try rowCount("orders"), 0)
    }

    func testInvalidBillingEmailIs400() throws {
        assertError(try send("POST", "/orders", body: ["order": ["billing_address": ["email": "not-an-email"]]]), status: 400,
                    code: "order_invalid_billing_email", message: "Invalid billing email address")
    }

    func testShippingLineErrors() throws {
        assertError(try send("POST", "/orders", body: ["order": ["shipping_lines": [["method_title": "Flat", "total": 5]]]]),
                    status: 400, code: "woocommerce_invalid_shipping_item", message: "Shipping method ID is required.")
        assertError(try send("POST", "/orders", body: ["order": ["shipping_lines": [["method_id": "flat_rate", "total": -5]]]]),
                    status: 400, code: "woocommerce_invalid_shipping_total", message: "Shipping total must be a positive amount.")
        XCTAssertEqual(try rowCount("orders"), 0)
        // Without a title the line reads back as "Shipping"; without a total it costs nothing.
        let order = try createOrder(["shipping_lines": [["method_id": "free_shipping"]]])
        XCTAssertEqual(try lines(order, "shipping_lines")[0]["method_title"] as? String, "Shipping")
        XCTAssertEqual(try lines(order, "shipping_lines")[0]["total"] as? String, "0.00")
        XCTAssertEqual(order["shipping_methods"] as? String, "Shipping")
    }

    func testFeeAndCouponLineErrors() throws {
        assertError(try send("POST", "/orders", body: ["order": ["fee_lines": [["total": 5]]]]), status: 400,
                    code: "woocommerce_invalid_fee_item", message: "Fee title is required")
        assertError(try send("POST", "/orders", body: ["order": ["fee_lines": [["title": "Tax me", "taxable": true]]]]),
                    status: 400, code: "woocommerce_invalid_fee_item", message: "Fee tax class is required when fee is taxable.")
        assertError(try send("POST", "/orders", body: ["order": ["coupon_lines": [["amount": 5]]]]), status: 400,
                    code: "woocommerce_invalid_coupon_coupon", message: "Coupon code is required.")
        assertError(try send("POST", "/orders", body: ["order": ["coupon_lines": [["code": "X", "amount": -5]]]]), status: 400,
                    code: "woocommerce_invalid_coupon_total", message: "Coupon discount total must be a positive amount.")
        XCTAssertEqual(try rowCount("orders"), 0)
    }

    func testReadOnlyKeyCannotCreate() throws {
        assertError(try send("POST", "/orders", body: ["order": [:]], auth: api.readKey), status: 401,
                    code: "woocommerce_api_authentication_error",
                    message: "The API key provided does not have write permissions.")
        try assertOrderCount(0)
    }

    func testCustomerRoleKeyCannotCreate() throws {
        let key = try shopperKey()
        assertError(try send("POST", "/orders", body: ["order": [:]], auth: key), status: 401,
                    code: "woocommerce_api_user_cannot_create_order", message: "You do not have permission to create orders")
        // The wrapper is checked first.
        assertError(try send("POST", "/orders", body: ["status": "pending"], auth: key), status: 400,
                    code: "woocommerce_api_missing_order_data")
        try assertOrderCount(0)
    }

    func testOrderMetaShowsWithFilterMetaOnly() throws {
        let response = try send("POST", "/orders",
                                body: #"{"order":{"order_meta":{"gift_message":"Happy birthday","_hidden":"x","count":3}}}"#)
        let id = try XCTUnwrap(try order(assertOK(response, status: 201))["id"] as? Int)
        let plain = try orderedOrder(try get("/orders/\(id)"))
        XCTAssertEqual(plain.keys, Self.orderKeys)
        let withMeta = try orderedOrder(try get("/orders/\(id)?filter%5Bmeta%5D=true"))
        XCTAssertEqual(withMeta.keys, Self.orderKeys + ["order_meta"])
        XCTAssertEqual(withMeta["order_meta"], OrderedJSON.parse(Array(#"{"gift_message":"Happy birthday","count":3}"#.utf8)))
    }
}
