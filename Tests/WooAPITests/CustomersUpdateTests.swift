import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `PUT|PATCH|POST /customers/<id>` (customers §7; decisions #9, #9b, #10, #26).
final class CustomersUpdateTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    private var original: [String: Any] = [:]

    override func setUpWithError() throws {
        try super.setUpWithError()
        original = try createDocsCustomer()
    }

    /// Asserts customer 2 is exactly as created.
    private func assertUnchanged(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try customer(try get("/customers/2"), file: file, line: line) as NSDictionary,
                       original as NSDictionary, "customer 2 changed", file: file, line: line)
    }

    private func update(_ fields: Any, method: String = "PUT", id: String = "2") throws -> TestResponse {
        try send(method, "/customers/\(id)", body: ["customer": fields])
    }

    func testPutPatchAndPostAllUpdate() throws {
        for (index, method) in ["PUT", "PATCH", "POST"].enumerated() {
            let response = assertOK(try update(["first_name": "Name\(index)"], method: method))
            let updated = try customer(response)
            XCTAssertEqual(updated["first_name"] as? String, "Name\(index)", method)
            XCTAssertEqual(updated["id"] as? Int, 2)
            XCTAssertEqual(try ordered(response)["customer"]?.keys, Self.customerKeys)
            XCTAssertEqual(try customer(try get("/customers/2"))["first_name"] as? String, "Name\(index)", method)
        }
    }

    func testMissingWrapperIsCheckedBeforeID() throws {
        for path in ["/customers/2", "/customers/0", "/customers/99"] {
            for body in ["{}", "{\"first_name\":\"x\"}", "{\"customer\":null}", "[]"] {
                assertError(try send("PUT", path, body: body), status: 400, code: "woocommerce_api_missing_customer_data",
                            message: "No customer data specified to edit customer")
            }
        }
        try assertUnchanged()
    }

    func testMalformedBody() throws {
        for body in ["", "null", "{\"customer\":"] {
            assertError(try send("PUT", "/customers/2", body: body), status: 400,
                        code: "woocommerce_api_missing_callback_param", message: "Missing parameter data")
        }
    }

    func testIDZeroIs400() throws {
        assertError(try update(["first_name": "x"], id: "0"), status: 400, code: "woocommerce_api_invalid_customer_id",
                    message: "Invalid customer ID")
    }

    func testUnknownIDIs400() throws {
        for method in ["PUT", "PATCH", "POST"] {
            assertError(try update(["first_name": "x"], method: method, id: "99"), status: 400,
                        code: "woocommerce_api_invalid_customer", message: "Invalid customer")
        }
        try assertCount(1)
    }

    func testPartialUpdateKeepsOtherFields() throws {
        let updated = try customer(assertOK(try update(["first_name": "Jim", "billing_address": ["first_name": "Jimmy"]])))
        var expected = original
        expected["first_name"] = "Jim"
        var billing = original["billing_address"] as! [String: Any]
        billing["first_name"] = "Jimmy"
        expected["billing_address"] = billing
        XCTAssertEqual(updated as NSDictionary, expected as NSDictionary)
        XCTAssertEqual(try customer(try get("/customers/2")) as NSDictionary, expected as NSDictionary)
    }

    func testEmptyStringClearsAField() throws {
        let updated = try customer(assertOK(try update(["last_name": "", "shipping_address": ["city": ""]])))
        XCTAssertEqual(updated["last_name"] as? String, "")
        XCTAssertEqual((updated["shipping_address"] as? [String: Any])?["city"] as? String, "")
        XCTAssertEqual((updated["shipping_address"] as? [String: Any])?["state"] as? String, "CA")
    }

    func testUsernameChangeIsIgnored() throws {
        let updated = try customer(assertOK(try update(["username": "someone.else", "first_name": "J"])))
        XCTAssertEqual(updated["username"] as? String, "john.doe")
        XCTAssertEqual(updated["first_name"] as? String, "J")
    }

    func testRoleIDAndCreatedAtAreIgnored() throws {
        let updated = try customer(assertOK(try update(["role": "administrator", "id": 1, "created_at": "2001-01-01T00:00:00Z"])))
        XCTAssertEqual(updated as NSDictionary, original as NSDictionary)
        try assertUnchanged()
    }

    func testEmailChange() throws {
        let updated = try customer(assertOK(try update(["email": "new.john@example.com"])))
        XCTAssertEqual(updated["email"] as? String, "new.john@example.com")
        XCTAssertEqual(updated["avatar_url"] as? String, avatar("4fd5d67d870d096c6ff74e4b7a56887c"))
        XCTAssertEqual(try customer(assertOK(try get("/customers/email/new.john@example.com")))["id"] as? Int, 2)
        assertError(try get("/customers/email/john.doe@example.com"), status: 404, code: "woocommerce_api_invalid_customer_email")
        // The old address is free again.
        XCTAssertEqual(try api.createCustomer(["email": "john.doe@example.com", "username": "jd2"])["id"] as? Int, 3)
    }

    func testEmailCaseOnlyChangeIsApplied() throws {
        let updated = try customer(assertOK(try update(["email": "John.Doe@Example.com"])))
        XCTAssertEqual(updated["email"] as? String, "John.Doe@Example.com")
    }

    func testSameEmailIsNotAConflict() throws {
        let updated = try customer(assertOK(try update(["email": "john.doe@example.com", "first_name": "Same"])))
        XCTAssertEqual(updated["first_name"] as? String, "Same")
    }

    func testInvalidEmailSavesNothing() throws {
        assertError(try update(["email": "not-an-email", "first_name": "Changed"]), status: 400,
                    code: "customer_invalid_email", message: "Invalid email address")
        try assertUnchanged()
    }

    func testTakenEmailIs400AndSavesNothing() throws {
        try api.createCustomer(["email": "taken@example.com"])
        for email in ["taken@example.com", "TAKEN@example.com", "admin@example.com"] {
            assertError(try update(["email": email, "first_name": "Changed"]), status: 400,
                        code: "registration-error-email-exists",
                        message: "An account is already registered with your email address. Please log in.")
        }
        try assertUnchanged()
    }

    func testEmptyEmailIs400AndSavesNothing() throws {
        assertError(try update(["email": "", "first_name": "Changed"]), status: 400,
                    code: "customer_invalid_email", message: "Invalid email address")
        try assertUnchanged()
    }

    func testInvalidBillingEmailSavesNothing() throws {
        assertError(try update(["first_name": "Changed", "email": "fresh@example.com",
                                "billing_address": ["email": "bad", "city": "Paris"]]),
                    status: 400, code: "customer_invalid_billing_email", message: "Invalid billing email address")
        try assertUnchanged()
        assertError(try get("/customers/email/fresh@example.com"), status: 404, code: "woocommerce_api_invalid_customer_email")
    }

    func testNullValuesDoNotTouchFields() throws {
        let body = "{\"customer\":{\"first_name\":null,\"email\":null,\"password\":null,"
            + "\"billing_address\":{\"city\":null},\"shipping_address\":null}}"
        let updated = try customer(assertOK(try send("PUT", "/customers/2", body: body)))
        XCTAssertEqual(updated as NSDictionary, original as NSDictionary)
        try assertUnchanged()
    }

    func testNonObjectWrapperIsANoOp() throws {
        for body in ["{\"customer\":\"x\"}", "{\"customer\":[]}", "{\"customer\":{}}"] {
            let response = assertOK(try send("PUT", "/customers/2", body: body))
            XCTAssertEqual(try customer(response) as NSDictionary, original as NSDictionary, body)
        }
        try assertUnchanged()
    }

    func testPasswordChangeIsNeverEchoed() throws {
        let response = assertOK(try update(["password": "n3w-Secret"]))
        XCTAssertFalse(response.text.contains("n3w-Secret"))
        XCTAssertFalse(response.text.contains("password"))
        XCTAssertEqual(try customer(response) as NSDictionary, original as NSDictionary)
    }

    func testBackslashesAreKept() throws {
        let updated = try customer(assertOK(try update(["last_name": "O\\Brien", "billing_address": ["company": "A\\B"]])))
        XCTAssertEqual(updated["last_name"] as? String, "O\\Brien")
        XCTAssertEqual((updated["billing_address"] as? [String: Any])?["company"] as? String, "A\\B")
    }

    func testUpdateIgnoresFieldsParameter() throws {
        let response = assertOK(try send("PUT", "/customers/2?fields=id", body: ["customer": ["first_name": "F"]]))
        XCTAssertEqual(try ordered(response)["customer"]?.keys, Self.customerKeys)
    }

    func testAdministratorIsEditable() throws {
        let updated = try customer(assertOK(try update(["first_name": "Boss"], id: "1")))
        XCTAssertEqual(updated["first_name"] as? String, "Boss")
        XCTAssertEqual(updated["role"] as? String, "administrator")
    }

    func testArrayWhereStringExpectedSavesNothing() throws {
        let response = try update(["first_name": "Changed", "last_name": ["x"]])
        XCTAssertTrue((400..<500).contains(response.status), response.text)
        XCTAssertNotNil((try? object(response))?["errors"] as? [[String: Any]], response.text)
        try assertUnchanged()
    }

    func testInvalidUTF8SavesNothing() throws {
        let body = Array("{\"customer\":{\"first_name\":\"".utf8) + [0xC3, 0x28] + Array("\"}}".utf8)
        assertError(try sendBytes("PUT", "/customers/2", body), status: 400, code: "woocommerce_api_missing_callback_param")
        try assertUnchanged()
    }
}
