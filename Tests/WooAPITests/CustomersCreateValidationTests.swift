import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `POST /customers` failures, in the real store's order of checks (customers §1.6, §4.1–4.3, errors §2), and
/// Decisions #10 (a failed create leaves no trace, not even a used-up id) and #26 (invalid UTF-8 → 400).
final class CustomersCreateValidationTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    private let emailExists = "An account is already registered with your email address. Please log in."
    private let usernameExists = "An account is already registered with that username. Please choose another."

    /// Asserts the store holds no customer and the next create gets id 2.
    private func assertNoTrace(file: StaticString = #filePath, line: UInt = #line) throws {
        try assertCount(0, file: file, line: line)
        let next = try api.createCustomer(["email": "next@example.com"])
        XCTAssertEqual(next["id"] as? Int, 2, "a failed create must not use up an id", file: file, line: line)
    }

    func testMissingWrapper() throws {
        for body in ["{}", "[]", "{\"email\":\"a@example.com\"}", "{\"customer\":null}", "\"customer\"", "42"] {
            assertError(try send("POST", "/customers", body: body), status: 400, code: "woocommerce_api_missing_customer_data",
                        message: "No customer data specified to create customer")
        }
        try assertNoTrace()
    }

    func testMalformedEmptyOrNullBody() throws {
        for body in ["{\"customer\":{\"email\":", "", "null", "{'customer':{}}", "{\"customer\":{}} trailing"] {
            assertError(try send("POST", "/customers", body: body), status: 400,
                        code: "woocommerce_api_missing_callback_param", message: "Missing parameter data")
        }
        try assertNoTrace()
    }

    func testMissingEmail() throws {
        for body in ["{\"customer\":{\"first_name\":\"x\"}}", "{\"customer\":{\"email\":null}}", "{\"customer\":\"x\"}"] {
            assertError(try send("POST", "/customers", body: body), status: 400,
                        code: "woocommerce_api_missing_customer_email", message: "Missing parameter email")
        }
        try assertNoTrace()
    }

    func testInvalidEmail() throws {
        for email in ["not-an-email", "a@b", "a b@example.com", "@example.com", "x@example..com", "jo@exämple.com"] {
            assertError(try send("POST", "/customers", body: ["customer": ["email": email]]), status: 400,
                        code: "customer_invalid_email", message: "Invalid email address")
        }
        try assertNoTrace()
    }

    func testEmptyEmailString() throws {
        assertError(try send("POST", "/customers", body: ["customer": ["email": ""]]), status: 400,
                    code: "registration-error-invalid-email", message: "Please provide a valid email address.")
        try assertNoTrace()
    }

    func testDuplicateEmail() throws {
        try createDocsCustomer()
        for email in ["john.doe@example.com", "JOHN.DOE@Example.COM", "admin@example.com"] {
            assertError(try send("POST", "/customers", body: ["customer": ["email": email]]), status: 400,
                        code: "registration-error-email-exists", message: emailExists)
        }
        try assertCount(1)
    }

    func testInvalidUsername() throws {
        for username in ["john+doe", "jo<b>hn</b>é!", "!!!"] {
            assertError(try send("POST", "/customers", body: ["customer": ["email": "jd@example.com", "username": username]]),
                        status: 400, code: "registration-error-invalid-username", message: "Please enter a valid account username.")
        }
        try assertNoTrace()
    }

    func testDuplicateUsername() throws {
        try createDocsCustomer()
        for username in ["john.doe", "JOHN.DOE", "admin"] {
            assertError(try send("POST", "/customers", body: ["customer": ["email": "other@example.com", "username": username]]),
                        status: 400, code: "registration-error-username-exists", message: usernameExists)
        }
        try assertCount(1)
    }

    func testDuplicateEmailIsReportedBeforeDuplicateUsername() throws {
        try createDocsCustomer()
        assertError(try send("POST", "/customers", body: Self.docsCustomerJSON), status: 400,
                    code: "registration-error-email-exists", message: emailExists)
    }

    func testInvalidEmailIsReportedBeforeUsernameChecks() throws {
        assertError(try send("POST", "/customers", body: ["customer": ["email": "bad", "username": "john+doe"]]),
                    status: 400, code: "customer_invalid_email")
    }

    func testInvalidBillingEmailLeavesNoTrace() throws {
        var body = docsCustomer
        var billing = body["billing_address"] as! [String: Any]
        billing["email"] = "not-an-email"
        body["billing_address"] = billing
        assertError(try send("POST", "/customers", body: ["customer": body]), status: 400,
                    code: "customer_invalid_billing_email", message: "Invalid billing email address")
        assertError(try get("/customers/email/john.doe@example.com"), status: 404, code: "woocommerce_api_invalid_customer_email")
        assertError(try get("/customers/2"), status: 404, code: "woocommerce_api_invalid_customer")
        try assertCount(0)
        XCTAssertEqual(try customers(try get("/customers")).count, 0)
        // Neither the email, the username nor the id were used up.
        let created = try createDocsCustomer()
        XCTAssertEqual(created["id"] as? Int, 2)
        XCTAssertEqual(created["username"] as? String, "john.doe")
    }

    func testEmptyBillingEmailIsAllowed() throws {
        let created = try api.createCustomer(["email": "e@example.com", "billing_address": ["email": ""]])
        XCTAssertEqual((created["billing_address"] as? [String: Any])?["email"] as? String, "")
    }

    func testArrayWhereStringExpectedIsRejected() throws {
        for customer: [String: Any] in [["email": "a@example.com", "first_name": ["x"]],
                                        ["email": ["a@example.com"]],
                                        ["email": "a@example.com", "billing_address": ["city": ["x": 1]]]] {
            let response = try send("POST", "/customers", body: ["customer": customer])
            XCTAssertTrue((400..<500).contains(response.status), "\(customer): \(response.status) \(response.text)")
            let errors = (try? object(response))?["errors"] as? [[String: Any]]
            XCTAssertNotNil(errors?.first?["code"] as? String, response.text)
        }
        try assertNoTrace()
    }

    func testInvalidUTF8BodyIsMissingData() throws {
        let body = Array("{\"customer\":{\"email\":\"u@example.com\",\"first_name\":\"".utf8) + [0xFF, 0xFE] + Array("\"}}".utf8)
        assertError(try sendBytes("POST", "/customers", body), status: 400,
                    code: "woocommerce_api_missing_callback_param", message: "Missing parameter data")
        let overlong = Array("{\"customer\":{\"email\":\"u@example.com\",\"first_name\":\"".utf8) + [0xC0, 0xAF] + Array("\"}}".utf8)
        assertError(try sendBytes("POST", "/customers", overlong), status: 400, code: "woocommerce_api_missing_callback_param")
        let surrogate = Array("{\"customer\":{\"email\":\"u@example.com\",\"first_name\":\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}}".utf8)
        assertError(try sendBytes("POST", "/customers", surrogate), status: 400, code: "woocommerce_api_missing_callback_param")
        try assertNoTrace()
    }

    func testDeeplyNestedJSONIsRejectedQuickly() throws {
        let start = Date()
        let arrays = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let response = try send("POST", "/customers", body: "{\"customer\":" + arrays + "}")
        XCTAssertEqual(response.status, 400, response.text)
        XCTAssertNotNil((try? object(response))?["errors"] as? [[String: Any]], response.text)
        let objects = String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        let second = try send("POST", "/customers", body: objects)
        XCTAssertEqual(second.status, 400, second.text)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        try assertNoTrace()
    }

    func testFormEncodedBodyIsMissingData() throws {
        let response = try send("POST", "/customers", body: "customer[email]=f@example.com")
        assertError(response, status: 400, code: "woocommerce_api_missing_callback_param", message: "Missing parameter data")
    }

    func testDataInQueryStringIsIgnored() throws {
        assertError(try send("POST", "/customers?data=%7B%7D", body: ""), status: 400,
                    code: "woocommerce_api_missing_callback_param", message: "Missing parameter data")
    }
}
