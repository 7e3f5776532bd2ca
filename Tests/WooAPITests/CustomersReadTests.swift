import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `GET /customers/<id>`, `GET /customers/email/<email>` and `fields` (customers §3.5, §5; decisions #6, #23, #25).
final class CustomersReadTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    private let notFoundEmail = "Invalid customer email"

    func testReadByID() throws {
        let created = try createDocsCustomer()
        let response = assertOK(try get("/customers/2"))
        XCTAssertEqual(try customer(response) as NSDictionary, created as NSDictionary)
        XCTAssertEqual(try ordered(response)["customer"]?.keys, Self.customerKeys)
        XCTAssertNil(response.header("X-WC-Total"))
        XCTAssertEqual(links(response), [])
    }

    func testIDZeroIsInvalidCustomerID() throws {
        assertError(try get("/customers/0"), status: 404, code: "woocommerce_api_invalid_customer_id", message: "Invalid customer ID")
        assertError(try get("/customers/000"), status: 404, code: "woocommerce_api_invalid_customer_id", message: "Invalid customer ID")
    }

    func testUnknownIDIsInvalidCustomer() throws {
        assertError(try get("/customers/99"), status: 404, code: "woocommerce_api_invalid_customer", message: "Invalid customer")
        assertError(try get("/customers/99999999999999999999"), status: 404, code: "woocommerce_api_invalid_customer")
    }

    func testLeadingZerosAreAccepted() throws {
        try createDocsCustomer()
        XCTAssertEqual(try customer(assertOK(try get("/customers/002")))["id"] as? Int, 2)
    }

    func testAdministratorIsReadable() throws {
        let admin = try customer(assertOK(try get("/customers/1")))
        XCTAssertEqual(admin["id"] as? Int, 1)
        XCTAssertEqual(admin["role"] as? String, "administrator")
        XCTAssertEqual(admin["username"] as? String, "admin")
        XCTAssertEqual(admin["email"] as? String, "admin@example.com")
        XCTAssertEqual(admin["avatar_url"] as? String, avatar("e64c7d89f26bd1972efa854d13d7dd61"))
    }

    func testPathIDWinsOverQueryID() throws {
        try createDocsCustomer()
        XCTAssertEqual(try customer(assertOK(try get("/customers/2?id=1")))["id"] as? Int, 2)
        assertError(try get("/customers/99?id=2"), status: 404, code: "woocommerce_api_invalid_customer")
    }

    func testPathEmailWinsOverQueryEmail() throws {
        try createDocsCustomer()
        let response = assertOK(try get("/customers/email/john.doe@example.com?email=admin@example.com"))
        XCTAssertEqual(try customer(response)["id"] as? Int, 2)
    }

    func testReadByEmail() throws {
        let created = try createDocsCustomer()
        let response = assertOK(try get("/customers/email/john.doe@example.com"))
        XCTAssertEqual(try customer(response) as NSDictionary, created as NSDictionary)
    }

    func testReadByPercentEncodedEmail() throws {
        try createDocsCustomer()
        XCTAssertEqual(try customer(assertOK(try get("/customers/email/john.doe%40example.com")))["id"] as? Int, 2)
        XCTAssertEqual(try customer(assertOK(try get("/customers/email/john%2Edoe%40example%2Ecom")))["id"] as? Int, 2)
    }

    func testReadByEmailIsCaseInsensitive() throws {
        try createDocsCustomer()
        XCTAssertEqual(try customer(assertOK(try get("/customers/email/JOHN.DOE@EXAMPLE.COM")))["id"] as? Int, 2)
    }

    func testReadAdministratorByEmail() throws {
        XCTAssertEqual(try customer(assertOK(try get("/customers/email/admin@example.com")))["id"] as? Int, 1)
    }

    func testUnknownOrInvalidEmail() throws {
        try createDocsCustomer()
        for email in ["nobody@example.com", "not-an-email", "a@b", "john.doe@example", "john.doe%2540example.com"] {
            assertError(try get("/customers/email/\(email)"), status: 404,
                        code: "woocommerce_api_invalid_customer_email", message: notFoundEmail)
        }
    }

    func testEmailWithApostropheAndPlusIsReadableByPath() throws {
        let created = try api.createCustomer(["email": "o'brien+tag@example.com"])
        XCTAssertEqual(created["email"] as? String, "o'brien+tag@example.com")
        XCTAssertEqual(created["username"] as? String, "obrientag")
        for path in ["o'brien+tag@example.com", "o%27brien%2Btag%40example.com"] {
            let response = assertOK(try get("/customers/email/\(path)"))
            XCTAssertEqual(try customer(response)["id"] as? Int, 2, path)
        }
        // Decoded exactly once: `%252B` is a literal `%2B`, not a `+`.
        assertError(try get("/customers/email/o%27brien%252Btag%40example.com"), status: 404,
                    code: "woocommerce_api_invalid_customer_email")
    }

    func testPlusInEmailPathIsNotASpace() throws {
        try api.createCustomer(["email": "a+b@example.com"])
        XCTAssertEqual(try customer(assertOK(try get("/customers/email/a+b@example.com")))["email"] as? String, "a+b@example.com")
    }

    func testFieldsIDAndEmail() throws {
        try createDocsCustomer()
        XCTAssertEqual(assertOK(try get("/customers/2?fields=id,email")).text,
                       "{\"customer\":{\"id\":2,\"email\":\"john.doe@example.com\"}}")
        XCTAssertEqual(assertOK(try get("/customers/email/john.doe@example.com?fields=email,id")).text,
                       "{\"customer\":{\"id\":2,\"email\":\"john.doe@example.com\"}}")
    }

    func testFieldsWithSubField() throws {
        try createDocsCustomer()
        XCTAssertEqual(assertOK(try get("/customers/2?fields=id,billing_address.city")).text,
                       "{\"customer\":{\"id\":2,\"billing_address\":{\"city\":\"San Francisco\"}}}")
    }

    func testSubFieldRulesUnionChildrenAcrossParents() throws {
        try createDocsCustomer()
        XCTAssertEqual(assertOK(try get("/customers/2?fields=billing_address.city,shipping_address.state")).text,
                       "{\"customer\":{\"billing_address\":{\"city\":\"San Francisco\",\"state\":\"CA\"},"
                       + "\"shipping_address\":{\"city\":\"San Francisco\",\"state\":\"CA\"}}}")
    }

    func testSubFieldMatchingNothingGivesEmptyArray() throws {
        try createDocsCustomer()
        XCTAssertEqual(assertOK(try get("/customers/2?fields=id,billing_address.nope")).text,
                       "{\"customer\":{\"id\":2,\"billing_address\":[]}}")
    }

    func testFieldsAreNotTrimmed() throws {
        try createDocsCustomer()
        XCTAssertEqual(assertOK(try get("/customers/2?fields=id,%20email")).text, "{\"customer\":{\"id\":2}}")
    }

    func testFieldsMatchingNothingGivesEmptyArray() throws {
        try createDocsCustomer()
        XCTAssertEqual(assertOK(try get("/customers/2?fields=nothing")).text, "{\"customer\":[]}")
    }

    func testEmptyFieldsReturnsEverything() throws {
        try createDocsCustomer()
        XCTAssertEqual(try ordered(assertOK(try get("/customers/2?fields=")))["customer"]?.keys, Self.customerKeys)
    }

    func testArrayFieldsIsInvalidParameter() throws {
        try createDocsCustomer()
        assertError(try get("/customers/2?fields%5B%5D=id"), status: 400, code: "woocommerce_api_invalid_parameter")
        assertError(try get("/customers/2?fields[]=id"), status: 400, code: "woocommerce_api_invalid_parameter")
        assertError(try get("/customers?fields%5Ba%5D=id"), status: 400, code: "woocommerce_api_invalid_parameter")
    }

    func testReadsWorkWithReadOnlyKey() throws {
        try createDocsCustomer()
        XCTAssertEqual(try send("GET", "/customers/2", auth: api.readKey).status, 200)
        XCTAssertEqual(try send("GET", "/customers/email/john.doe@example.com", auth: api.readKey).status, 200)
    }
}
