import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `POST /customers`: successful creates, output shape, usernames (customers §3, §4; decisions #1, #2, #17, #19, #26).
final class CustomersCreateTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    func testCreateDocsPayloadReturnsTheFullCustomer() throws {
        let before = Int(Date().timeIntervalSince1970)
        let response = assertOK(try send("POST", "/customers", body: Self.docsCustomerJSON), status: 201)
        let after = Int(Date().timeIntervalSince1970)
        XCTAssertNil(response.header("Location"))
        let customer = try self.customer(response)
        XCTAssertEqual(customer["id"] as? Int, 2)
        XCTAssertEqual(customer["email"] as? String, "john.doe@example.com")
        XCTAssertEqual(customer["first_name"] as? String, "John")
        XCTAssertEqual(customer["last_name"] as? String, "Doe")
        XCTAssertEqual(customer["username"] as? String, "john.doe")
        XCTAssertEqual(customer["role"] as? String, "customer")
        XCTAssertEqual(customer["avatar_url"] as? String, avatar("8eb1b522f60d11fa897de1dc6351b7e8"))
        let docs = docsCustomer
        XCTAssertEqual(customer["billing_address"] as? NSDictionary, docs["billing_address"] as? NSDictionary)
        XCTAssertEqual(customer["shipping_address"] as? NSDictionary, docs["shipping_address"] as? NSDictionary)

        // created_at: true UTC, second precision, `Z` (decisions #17).
        let created = try XCTUnwrap(customer["created_at"] as? String)
        XCTAssertNotNil(created.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression), created)
        let formatter = ISO8601DateFormatter()
        let seconds = Int(try XCTUnwrap(formatter.date(from: created)).timeIntervalSince1970)
        XCTAssertTrue((before - 1...after + 1).contains(seconds), "\(created) not within the request")
    }

    func testCreatedCustomerHasExactKeyOrderAndTypes() throws {
        let response = try send("POST", "/customers", body: Self.docsCustomerJSON)
        XCTAssertEqual(response.status, 201)
        let json = try ordered(response)
        XCTAssertEqual(json.keys, ["customer"])
        let customer = try XCTUnwrap(json["customer"])
        XCTAssertEqual(customer.keys, Self.customerKeys)
        XCTAssertEqual(customer["billing_address"]?.keys, Self.billingKeys)
        XCTAssertEqual(customer["shipping_address"]?.keys, Self.shippingKeys)
        XCTAssertEqual(customer["id"]?.raw, "2")
        XCTAssertEqual(customer["last_order_id"]?.raw, "null")
        XCTAssertEqual(customer["last_order_date"]?.raw, "null")
        XCTAssertEqual(customer["orders_count"]?.raw, "0")
        XCTAssertEqual(customer["total_spent"]?.raw, "\"0.00\"")
        XCTAssertEqual(customer["role"]?.raw, "\"customer\"")
    }

    func testReadBackEqualsCreateResponse() throws {
        let created = try createDocsCustomer()
        XCTAssertEqual(try customer(try get("/customers/2")) as NSDictionary, created as NSDictionary)
    }

    func testEmailOnlyGeneratesUsernameFromLocalPart() throws {
        let first = try api.createCustomer(["email": "jane.roe@example.com"])
        XCTAssertEqual(first["username"] as? String, "jane.roe")
        XCTAssertEqual(first["first_name"] as? String, "")
        XCTAssertEqual(first["last_name"] as? String, "")
        for key in Self.billingKeys { XCTAssertEqual((first["billing_address"] as? [String: Any])?[key] as? String, "", key) }
        for key in Self.shippingKeys { XCTAssertEqual((first["shipping_address"] as? [String: Any])?[key] as? String, "", key) }
        XCTAssertEqual(try api.createCustomer(["email": "jane.roe@other.example.com"])["username"] as? String, "jane.roe1")
        XCTAssertEqual(try api.createCustomer(["email": "jane.roe@third.example.com"])["username"] as? String, "jane.roe2")
    }

    func testGeneratedUsernameDropsDisallowedCharacters() throws {
        XCTAssertEqual(try api.createCustomer(["email": "john+tag@x.com"])["username"] as? String, "johntag")
    }

    func testGeneratedUsernameCollidesCaseInsensitively() throws {
        try api.createCustomer(["email": "x@example.com", "username": "Bob"])
        XCTAssertEqual(try api.createCustomer(["email": "bob@example.com"])["username"] as? String, "bob1")
    }

    func testEmptyUsernameIsGenerated() throws {
        XCTAssertEqual(try api.createCustomer(["email": "ann@example.com", "username": ""])["username"] as? String, "ann")
    }

    func testGivenUsernameKeepsCase() throws {
        XCTAssertEqual(try api.createCustomer(["email": "jd@example.com", "username": "John.Doe"])["username"] as? String, "John.Doe")
    }

    func testEmailCaseIsPreserved() throws {
        let created = try api.createCustomer(["email": "Mixed.Case@Example.com"])
        XCTAssertEqual(created["email"] as? String, "Mixed.Case@Example.com")
        // The avatar hashes the trimmed, lower-cased email.
        XCTAssertEqual(created["avatar_url"] as? String, avatar(Self.md5("mixed.case@example.com")))
    }

    func testPasswordIsAcceptedAndNeverReturned() throws {
        let response = try send("POST", "/customers",
                                body: ["customer": ["email": "pw@example.com", "password": "s3cret-Pass!"]])
        XCTAssertEqual(response.status, 201, response.text)
        XCTAssertFalse(response.text.contains("s3cret"))
        XCTAssertFalse(response.text.contains("password"))
        XCTAssertNil(try customer(response)["password"])
        XCTAssertFalse(try get("/customers/2").text.contains("password"))
    }

    func testPartialBillingSetsOnlyGivenKeys() throws {
        let created = try api.createCustomer(["email": "p@example.com", "billing_address": ["city": "Paris", "phone": "1"]])
        let billing = try XCTUnwrap(created["billing_address"] as? [String: Any])
        for key in Self.billingKeys {
            XCTAssertEqual(billing[key] as? String, ["city": "Paris", "phone": "1"][key] ?? "", key)
        }
        let shipping = try XCTUnwrap(created["shipping_address"] as? [String: Any])
        for key in Self.shippingKeys { XCTAssertEqual(shipping[key] as? String, "", key) }
    }

    func testRoleAndIdInInputAreIgnored() throws {
        let created = try api.createCustomer(["email": "r@example.com", "role": "administrator", "id": 99,
                                              "created_at": "2001-01-01T00:00:00Z", "avatar_url": "http://x"])
        XCTAssertEqual(created["id"] as? Int, 2)
        XCTAssertEqual(created["role"] as? String, "customer")
        XCTAssertNotEqual(created["created_at"] as? String, "2001-01-01T00:00:00Z")
        XCTAssertEqual(created["avatar_url"] as? String, avatar(Self.md5("r@example.com")))
        assertError(try get("/customers/99"), status: 404, code: "woocommerce_api_invalid_customer")
        try assertCount(1, query: "?filter%5Brole%5D=administrator")
    }

    func testNumericPostcodeBecomesString() throws {
        let response = try send("POST", "/customers", body: "{\"customer\":{\"email\":\"n@example.com\",\"billing_address\":{\"postcode\":94103},\"shipping_address\":{\"postcode\":94103}}}")
        XCTAssertEqual(response.status, 201, response.text)
        let json = try ordered(response)
        XCTAssertEqual(json["customer"]?["billing_address"]?["postcode"]?.raw, "\"94103\"")
        XCTAssertEqual(json["customer"]?["shipping_address"]?["postcode"]?.raw, "\"94103\"")
    }

    func testBackslashesAreKept() throws {
        let created = try api.createCustomer(["email": "ob@example.com", "first_name": "O\\Brien", "last_name": "a\\\\b",
                                              "billing_address": ["address_1": "C:\\path"]])
        XCTAssertEqual(created["first_name"] as? String, "O\\Brien")
        XCTAssertEqual(created["last_name"] as? String, "a\\\\b")
        XCTAssertEqual((created["billing_address"] as? [String: Any])?["address_1"] as? String, "C:\\path")
        let read = try customer(try get("/customers/2"))
        XCTAssertEqual(read["first_name"] as? String, "O\\Brien")
    }

    func testUnicodeNamesRoundTrip() throws {
        let created = try api.createCustomer(["email": "jo@example.com", "first_name": "João", "last_name": "李 😀"])
        XCTAssertEqual(created["first_name"] as? String, "João")
        XCTAssertEqual(created["last_name"] as? String, "李 😀")
    }

    func testIdsAreSequential() throws {
        XCTAssertEqual(try createCustomers(3), [2, 3, 4])
    }

    func testCreateIgnoresFieldsParameter() throws {
        let response = try send("POST", "/customers?fields=id", body: ["customer": ["email": "f@example.com"]])
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(try ordered(response)["customer"]?.keys, Self.customerKeys)
    }

    func testMD5HelperMatchesKnownVector() {
        XCTAssertEqual(Self.md5("john.doe@example.com"), "8eb1b522f60d11fa897de1dc6351b7e8")
        XCTAssertEqual(Self.md5(""), "d41d8cd98f00b204e9800998ecf8427e")
    }
}
