import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// Authentication in "SSL" mode: Basic auth or query-string credentials (auth §2, §6–8).
final class CustomersAuthTests: APITestCase {
    private let authError = "woocommerce_api_authentication_error"

    private func assertNoChallenge(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNil(response.header("WWW-Authenticate"), file: file, line: line)
    }

    func testNoCredentialsIs404KeyMissing() throws {
        let response = try send("GET", "/customers", useDefaultAuth: false)
        assertError(response, status: 404, code: authError, message: "Consumer key is missing.")
        assertNoChallenge(response)
    }

    func testKeyWithoutSecretIs404SecretMissing() throws {
        let basicUserOnly = try send("GET", "/customers", headers: [("Authorization", basic(api.key.consumerKey, ""))],
                                     useDefaultAuth: false)
        assertError(basicUserOnly, status: 404, code: authError, message: "Consumer secret is missing.")
        assertNoChallenge(basicUserOnly)
        let queryKeyOnly = try send("GET", "/customers?consumer_key=\(api.key.consumerKey)", useDefaultAuth: false)
        assertError(queryKeyOnly, status: 404, code: authError, message: "Consumer secret is missing.")
    }

    func testWrongKeyIs401KeyInvalid() throws {
        let wrong = APIKeys.Created(id: 0, consumerKey: "ck_" + String(repeating: "0", count: 40), consumerSecret: api.key.consumerSecret)
        let response = try send("GET", "/customers", auth: wrong)
        assertError(response, status: 401, code: authError, message: "Consumer key is invalid.")
        assertNoChallenge(response)
    }

    func testWrongSecretIs401SecretInvalid() throws {
        let wrong = APIKeys.Created(id: 0, consumerKey: api.key.consumerKey, consumerSecret: "cs_" + String(repeating: "0", count: 40))
        let response = try send("GET", "/customers", auth: wrong)
        assertError(response, status: 401, code: authError, message: "Consumer secret is invalid.")
        assertNoChallenge(response)
    }

    func testSecretIsCaseSensitive() throws {
        let wrong = APIKeys.Created(id: 0, consumerKey: api.key.consumerKey, consumerSecret: api.key.consumerSecret.uppercased())
        assertError(try send("GET", "/customers", auth: wrong), status: 401, code: authError,
                    message: "Consumer secret is invalid.")
    }

    func testQueryStringCredentialsWork() throws {
        try createDocsCustomer()
        let query = "consumer_key=\(api.key.consumerKey)&consumer_secret=\(api.key.consumerSecret)"
        let response = assertOK(try send("GET", "/customers/2?\(query)", useDefaultAuth: false))
        XCTAssertEqual(try customer(response)["id"] as? Int, 2)
    }

    func testKeyAndSecretFromDifferentSources() throws {
        let response = try send("GET", "/customers/count?consumer_secret=\(api.key.consumerSecret)",
                                headers: [("Authorization", basic(api.key.consumerKey, ""))], useDefaultAuth: false)
        XCTAssertEqual(assertOK(response).text, "{\"count\":0}")
    }

    func testBasicCredentialsWinOverQuery() throws {
        let response = try send("GET", "/customers/count?consumer_key=ck_nope&consumer_secret=cs_nope")
        XCTAssertEqual(assertOK(response).text, "{\"count\":0}")
    }

    func testReadKeyCannotWrite() throws {
        let response = try send("POST", "/customers", body: Self.docsCustomerJSON, auth: api.readKey)
        assertError(response, status: 401, code: authError, message: "The API key provided does not have write permissions.")
        assertNoChallenge(response)
        try assertCount(0)
    }

    func testReadKeyCannotDeleteViaMethodOverride() throws {
        try createDocsCustomer()
        assertError(try send("POST", "/customers/2?_method=DELETE", auth: api.readKey), status: 401, code: authError,
                    message: "The API key provided does not have write permissions.")
        assertError(try send("DELETE", "/customers/2", auth: api.readKey), status: 401, code: authError,
                    message: "The API key provided does not have write permissions.")
        XCTAssertEqual(try get("/customers/2").status, 200)
    }

    func testReadKeyCanReadIncludingPostOverriddenToGet() throws {
        try createDocsCustomer()
        XCTAssertEqual(try ids(assertOK(try send("GET", "/customers", auth: api.readKey))), [2])
        let overridden = assertOK(try send("POST", "/customers/2?_method=GET", auth: api.readKey))
        XCTAssertEqual(try customer(overridden)["id"] as? Int, 2)
    }

    func testWriteKeyCannotRead() throws {
        for method in ["GET", "HEAD"] {
            let response = try send(method, "/customers", auth: api.writeKey)
            XCTAssertEqual(response.status, 401, method)
            if method == "GET" {
                assertError(response, status: 401, code: authError, message: "The API key provided does not have read permissions.")
            }
            assertNoChallenge(response)
        }
    }

    func testWriteKeyCanCreate() throws {
        let response = try send("POST", "/customers", body: ["customer": ["email": "w@example.com"]], auth: api.writeKey)
        XCTAssertEqual(response.status, 201, response.text)
        XCTAssertEqual(try customer(response)["email"] as? String, "w@example.com")
    }

    func testDeletingTheKeysOwnUserInvalidatesTheKey() throws {
        let deleted = assertOK(try send("DELETE", "/customers/1"))
        XCTAssertEqual(deleted.text, "{\"message\":\"Permanently deleted customer\"}")
        var response = try get("/customers")
        let deadline = Date().addingTimeInterval(2)
        while response.status == 200 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            response = try get("/customers")
        }
        assertError(response, status: 401, code: authError, message: "API user is invalid")
        assertNoChallenge(response)
    }

    func testIndexNeedsNoCredentialsEvenIfWrong() throws {
        let wrong = APIKeys.Created(id: 0, consumerKey: "ck_bad", consumerSecret: "cs_bad")
        XCTAssertEqual(try send("GET", "", auth: wrong).status, 200)
    }
}
