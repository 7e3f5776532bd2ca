import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `POST|PUT|PATCH /customers/bulk` (customers §11.4; decisions #10, #28).
final class CustomersBulkTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    private func bulk(_ items: [Any], method: String = "POST") throws -> TestResponse {
        try send(method, "/customers/bulk", body: ["customers": items])
    }

    func testCreateTwoAndEditOne() throws {
        try createDocsCustomer()
        let response = assertOK(try bulk([["email": "a@example.com"], ["id": 2, "first_name": "Edited"],
                                           ["email": "b@example.com", "first_name": "B"]]), status: 201)
        let json = try ordered(response)
        XCTAssertEqual(json.keys, ["customers"])
        for index in 0..<3 { XCTAssertEqual(json["customers"]?[index]?.keys, Self.customerKeys) }
        let items = try customers(response)
        XCTAssertEqual(items.count, 3)
        XCTAssertEqual(items.map { $0["id"] as? Int }, [3, 2, 4])
        XCTAssertEqual(items[0]["email"] as? String, "a@example.com")
        XCTAssertEqual(items[0]["username"] as? String, "a")
        XCTAssertEqual(items[1]["first_name"] as? String, "Edited")
        XCTAssertEqual(items[1]["last_name"] as? String, "Doe")
        XCTAssertEqual(items[2]["first_name"] as? String, "B")
        try assertCount(3)
        XCTAssertEqual(try customer(try get("/customers/2"))["first_name"] as? String, "Edited")
    }

    func testInvalidItemIsReportedInlineAndOthersStillCreated() throws {
        let response = assertOK(try bulk([["email": "good1@example.com"], ["email": "bad"], ["email": "good2@example.com"]]),
                                status: 201)
        XCTAssertTrue(plainText(response).contains(
            "{\"id\":0,\"error\":{\"code\":\"customer_invalid_email\",\"message\":\"Invalid email address\"}}"), response.text)
        let items = try XCTUnwrap(try object(response)["customers"] as? [[String: Any]])
        XCTAssertEqual(items.count, 3)
        XCTAssertEqual(items[0]["id"] as? Int, 2)
        XCTAssertEqual(Set(items[1].keys), ["id", "error"])
        XCTAssertEqual(items[2]["id"] as? Int, 3, "a failed item must not use up an id")
        try assertCount(2)
    }

    func testEditErrorsAreInlineWithTheirID() throws {
        try createDocsCustomer()
        let response = assertOK(try bulk([["id": 99, "first_name": "x"], ["id": 2, "email": "admin@example.com"],
                                           ["id": 2, "first_name": "Ok"]]))
        let text = plainText(response)
        XCTAssertTrue(text.contains("{\"id\":99,\"error\":{\"code\":\"woocommerce_api_invalid_customer\",\"message\":\"Invalid customer\"}}"), text)
        XCTAssertTrue(text.contains("{\"id\":2,\"error\":{\"code\":\"registration-error-email-exists\","), text)
        let items = try XCTUnwrap(try object(response)["customers"] as? [[String: Any]])
        XCTAssertEqual(items.count, 3)
        XCTAssertEqual(items[2]["first_name"] as? String, "Ok")
        XCTAssertEqual(try customer(try get("/customers/2"))["email"] as? String, "john.doe@example.com")
    }

    func testOnlyEditsIs200() throws {
        try createDocsCustomer()
        for method in ["POST", "PUT", "PATCH"] {
            let response = assertOK(try bulk([["id": 2, "last_name": method]], method: method))
            XCTAssertEqual(try customers(response).first?["last_name"] as? String, method)
        }
    }

    func testOnlyFailedCreatesIs200() throws {
        let response = assertOK(try bulk([["email": "bad"], ["first_name": "no email"]]))
        let items = try XCTUnwrap(try object(response)["customers"] as? [[String: Any]])
        XCTAssertEqual(items.compactMap { ($0["error"] as? [String: Any])?["code"] as? String },
                       ["customer_invalid_email", "woocommerce_api_missing_customer_email"])
        try assertCount(0)
    }

    func testDuplicateEmailInsideOneBatch() throws {
        let response = assertOK(try bulk([["email": "dup@example.com"], ["email": "dup@example.com"]]), status: 201)
        let items = try XCTUnwrap(try object(response)["customers"] as? [[String: Any]])
        XCTAssertEqual(items[0]["id"] as? Int, 2)
        XCTAssertEqual((items[1]["error"] as? [String: Any])?["code"] as? String, "registration-error-email-exists")
        try assertCount(1)
    }

    func testMissingCustomersKey() throws {
        for body in ["{}", "{\"customer\":[]}", "{\"customers\":null}"] {
            assertError(try send("POST", "/customers/bulk", body: body), status: 400,
                        code: "woocommerce_api_missing_customers_data", message: "No customers data specified to create/edit customers")
        }
        assertError(try send("POST", "/customers/bulk", body: ""), status: 400, code: "woocommerce_api_missing_callback_param",
                    message: "Missing parameter data")
    }

    func testEmptyBatch() throws {
        XCTAssertEqual(assertOK(try bulk([])).text, "{\"customers\":[]}")
    }

    func testMoreThan100ItemsIs413() throws {
        let items = (1...101).map { ["email": "bulk\($0)@example.com"] }
        assertError(try bulk(items), status: 413, code: "woocommerce_api_customers_request_entity_too_large",
                    message: "Unable to accept more than 100 items for this request.")
        try assertCount(0)
    }

    func testExactly100ItemsIsAccepted() throws {
        let items = (1...100).map { ["id": 1000 + $0, "first_name": "x"] }
        let response = assertOK(try bulk(items))
        XCTAssertEqual(try XCTUnwrap(try object(response)["customers"] as? [Any]).count, 100)
    }

    func testBulkNeedsWritePermission() throws {
        assertError(try send("POST", "/customers/bulk", body: ["customers": [["email": "r@example.com"]]], auth: api.readKey),
                    status: 401, code: "woocommerce_api_authentication_error",
                    message: "The API key provided does not have write permissions.")
        try assertCount(0)
    }
}
