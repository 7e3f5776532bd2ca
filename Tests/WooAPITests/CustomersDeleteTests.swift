import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `DELETE /customers/<id>` (customers §8) and the orders/downloads placeholders (customers §10 validation).
final class CustomersDeleteTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    private let deleted = "{\"message\":\"Permanently deleted customer\"}"

    func testDelete() throws {
        try createDocsCustomer()
        let response = assertOK(try send("DELETE", "/customers/2"))
        XCTAssertEqual(response.text, deleted)
        XCTAssertNil(response.header("Location"))
    }

    func testDeleteAgainIsInvalidCustomer() throws {
        try createDocsCustomer()
        XCTAssertEqual(try send("DELETE", "/customers/2").status, 200)
        assertError(try send("DELETE", "/customers/2"), status: 404, code: "woocommerce_api_invalid_customer", message: "Invalid customer")
    }

    func testDeleteUnknownAndZero() throws {
        assertError(try send("DELETE", "/customers/99"), status: 404, code: "woocommerce_api_invalid_customer", message: "Invalid customer")
        assertError(try send("DELETE", "/customers/0"), status: 404, code: "woocommerce_api_invalid_customer_id",
                    message: "Invalid customer ID")
        assertError(try send("DELETE", "/customers/abc"), status: 404, code: "woocommerce_api_no_route")
    }

    func testDeleteIgnoresForceAndBody() throws {
        try createDocsCustomer()
        XCTAssertEqual(assertOK(try send("DELETE", "/customers/2?force=false")).text, deleted)
        assertError(try get("/customers/2"), status: 404, code: "woocommerce_api_invalid_customer")
    }

    func testDeletedCustomerIsGoneEverywhere() throws {
        try createDocsCustomer()
        try createCustomers(1)
        XCTAssertEqual(try send("DELETE", "/customers/2").status, 200)
        assertError(try get("/customers/2"), status: 404, code: "woocommerce_api_invalid_customer", message: "Invalid customer")
        assertError(try get("/customers/email/john.doe@example.com"), status: 404, code: "woocommerce_api_invalid_customer_email")
        let list = assertOK(try get("/customers"))
        XCTAssertEqual(try ids(list), [3])
        XCTAssertEqual(list.header("X-WC-Total"), "1")
        try assertCount(1)
        assertError(try get("/customers/2/orders"), status: 404, code: "woocommerce_api_invalid_customer")
        assertError(try get("/customers/2/downloads"), status: 404, code: "woocommerce_api_invalid_customer")
        assertError(try send("PUT", "/customers/2", body: ["customer": ["first_name": "x"]]), status: 400,
                    code: "woocommerce_api_invalid_customer")
    }

    func testEmailAndUsernameAreReusableAfterDelete() throws {
        try createDocsCustomer()
        XCTAssertEqual(try send("DELETE", "/customers/2").status, 200)
        let again = try createDocsCustomer()
        XCTAssertEqual(again["username"] as? String, "john.doe")
        XCTAssertEqual(again["email"] as? String, "john.doe@example.com")
    }

    func testDeleteWithWriteKey() throws {
        try createDocsCustomer()
        XCTAssertEqual(try send("DELETE", "/customers/2", auth: api.writeKey).text, deleted)
    }

    // MARK: Orders and downloads placeholders

    func testCustomerOrdersIsEmptyList() throws {
        try createDocsCustomer()
        let response = assertOK(try get("/customers/2/orders"))
        XCTAssertEqual(response.text, "{\"orders\":[]}")
        XCTAssertNil(response.header("X-WC-Total"))
        XCTAssertEqual(assertOK(try get("/customers/2/orders?fields=id&filter%5Blimit%5D=1&page=2")).text, "{\"orders\":[]}")
        XCTAssertEqual(assertOK(try get("/customers/1/orders")).text, "{\"orders\":[]}")
    }

    func testCustomerOrdersOfUnknownCustomer() throws {
        assertError(try get("/customers/99/orders"), status: 404, code: "woocommerce_api_invalid_customer", message: "Invalid customer")
        assertError(try get("/customers/0/orders"), status: 404, code: "woocommerce_api_invalid_customer_id")
        assertError(try get("/customers/abc/orders"), status: 404, code: "woocommerce_api_no_route")
        assertError(try send("POST", "/customers/2/orders", body: "{}"), status: 404, code: "woocommerce_api_no_route")
    }

    func testCustomerDownloadsIsEmptyList() throws {
        try createDocsCustomer()
        XCTAssertEqual(assertOK(try get("/customers/2/downloads")).text, "{\"downloads\":[]}")
        assertError(try get("/customers/99/downloads"), status: 404, code: "woocommerce_api_invalid_customer", message: "Invalid customer")
        assertError(try get("/customers/0/downloads"), status: 404, code: "woocommerce_api_invalid_customer_id")
    }

    func testOrdersAndDownloadsNeedReadPermission() throws {
        try createDocsCustomer()
        assertError(try send("GET", "/customers/2/orders", auth: api.writeKey), status: 401,
                    code: "woocommerce_api_authentication_error", message: "The API key provided does not have read permissions.")
        XCTAssertEqual(try send("GET", "/customers/2/downloads", auth: api.readKey).status, 200)
    }
}
