import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// Routing, the index, method overrides, HEAD and JSONP (customers §1.1–1.4, §1.7, §1.9, §12; decisions #21, #29).
final class CustomersRoutingTests: APITestCase {
    private let noRoute = "No route was found matching the URL and request method"

    func testIndexNeedsNoAuthAndListsStoreKeysInOrder() throws {
        for path in ["", "/"] {
            let response = assertOK(try send("GET", path, useDefaultAuth: false))
            let json = try ordered(response)
            XCTAssertEqual(json.keys, ["store"], path)
            XCTAssertEqual(json["store"]?.keys, ["name", "description", "URL", "wc_version", "routes", "meta"], path)
            XCTAssertEqual(json["store"]?["routes"]?.keys.first, "/", path)
        }
    }

    func testIndexRouteEntriesHaveTheRealKeyOrder() throws {
        let text = plainText(try send("GET", "", useDefaultAuth: false))
        let self_ = "\(base)/wc-api/v2"
        let expected = [
            "\"/\":{\"supports\":[\"HEAD\",\"GET\"],\"meta\":{\"self\":\"\(self_)/\"}}",
            "\"/customers\":{\"supports\":[\"HEAD\",\"GET\",\"POST\"],\"meta\":{\"self\":\"\(self_)/customers\"},\"accepts_data\":true}",
            "\"/customers/count\":{\"supports\":[\"HEAD\",\"GET\"],\"meta\":{\"self\":\"\(self_)/customers/count\"}}",
            "\"/customers/<id>\":{\"supports\":[\"HEAD\",\"GET\",\"POST\",\"PUT\",\"PATCH\",\"DELETE\"],\"accepts_data\":true}",
            "\"/customers/bulk\":{\"accepts_data\":true,\"meta\":{\"self\":\"\(self_)/customers/bulk\"},\"supports\":[\"POST\",\"PUT\",\"PATCH\"]}",
        ]
        for entry in expected { XCTAssertTrue(text.contains(entry), "missing \(entry) in \(text)") }
    }

    func testIndexAcceptsOnlyGetAndHead() throws {
        XCTAssertEqual(try send("HEAD", "", useDefaultAuth: false).status, 200)
        assertError(try send("DELETE", "", useDefaultAuth: false), status: 404, code: "woocommerce_api_no_route", message: noRoute)
    }

    func testTrailingSlashesAreAccepted() throws {
        try createDocsCustomer()
        XCTAssertEqual(try ids(assertOK(try get("/customers/"))), [2])
        XCTAssertEqual(try customer(assertOK(try get("/customers/2/")))["id"] as? Int, 2)
    }

    func testRouteMatchingIsCaseInsensitive() throws {
        try createDocsCustomer()
        XCTAssertEqual(try ids(assertOK(try get("/CUSTOMERS"))), [2])
        XCTAssertEqual(try customer(assertOK(try get("/Customers/2")))["id"] as? Int, 2)
    }

    func testQueryStringRouteForm() throws {
        try createDocsCustomer()
        let response = assertOK(try api.request("GET", "/?wc-api-version=2&wc-api-route=/customers/2"))
        XCTAssertEqual(try customer(response)["email"] as? String, "john.doe@example.com")
    }

    func testQueryStringRouteIsNotSlashTrimmed() throws {
        assertError(try api.request("GET", "/?wc-api-version=2&wc-api-route=/customers/"),
                    status: 404, code: "woocommerce_api_no_route", message: noRoute)
    }

    func testUnknownRouteWithAuthIsNoRoute() throws {
        assertError(try get("/nope"), status: 404, code: "woocommerce_api_no_route", message: noRoute)
    }

    func testUnknownRouteWithoutAuthIsAuthError() throws {
        assertError(try send("GET", "/nope", useDefaultAuth: false), status: 404,
                    code: "woocommerce_api_authentication_error", message: "Consumer key is missing.")
    }

    func testNonNumericAndNegativeIDsAreNoRoute() throws {
        for path in ["/customers/abc", "/customers/-1", "/customers/email", "/customers/email/"] {
            assertError(try get(path), status: 404, code: "woocommerce_api_no_route", message: noRoute)
        }
    }

    func testWrongMethodOnKnownPathIsNoRouteNot405() throws {
        let delete = try send("DELETE", "/customers")
        assertError(delete, status: 404, code: "woocommerce_api_no_route", message: noRoute)
        XCTAssertNil(delete.header("Allow"))
        assertError(try send("PUT", "/customers", body: ["customer": ["first_name": "x"]]),
                    status: 404, code: "woocommerce_api_no_route")
        assertError(try send("POST", "/customers/count", body: "{}"), status: 404, code: "woocommerce_api_no_route")
        assertError(try get("/customers/bulk"), status: 404, code: "woocommerce_api_no_route")
    }

    func testOptionsIsUnsupportedMethod() throws {
        assertError(try send("OPTIONS", "/customers"), status: 400,
                    code: "woocommerce_api_unsupported_method", message: "Unsupported request method")
    }

    func testHeadOnCustomerHasGetHeadersAndNoBody() throws {
        try createDocsCustomer()
        let get = try get("/customers/2")
        let client = try live.connect()
        let token = Data("\(api.key.consumerKey):\(api.key.consumerSecret)".utf8).base64EncodedString()
        try client.send("HEAD /wc-api/v2/customers/2 HTTP/1.1\r\nHost: 127.0.0.1:\(api.port)\r\n"
                        + "Authorization: Basic \(token)\r\nConnection: close\r\n\r\n")
        let head = try client.readResponse(head: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Type"), "application/json; charset=UTF-8")
        XCTAssertEqual(head.header("Content-Length"), get.header("Content-Length"))
        XCTAssertEqual(head.header("Content-Length"), String(get.body.count))
        let names = { (r: TestResponse) in r.headers.map { $0.name.lowercased() }.filter { $0 != "date" }.sorted() }
        XCTAssertEqual(names(head), names(get))
        XCTAssertEqual(try client.readUntilClosed(), [], "HEAD must not send a body")
    }

    func testHeadOnListHasPaginationHeaders() throws {
        try createCustomers(3)
        let head = try send("HEAD", "/customers?filter%5Blimit%5D=2")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("X-WC-Total"), "3")
        XCTAssertEqual(head.header("X-WC-TotalPages"), "2")
        XCTAssertEqual(links(head), [link("filter%5Blimit%5D=2&page=2", "next"), link("filter%5Blimit%5D=2&page=2", "last")])
        XCTAssertEqual(head.body, [])
    }

    func testMethodQueryOverrideDeleteOnPostDeletes() throws {
        try createDocsCustomer()
        let response = assertOK(try send("POST", "/customers/2?_method=DELETE"))
        XCTAssertEqual(response.text, "{\"message\":\"Permanently deleted customer\"}")
        assertError(try get("/customers/2"), status: 404, code: "woocommerce_api_invalid_customer")
    }

    func testMethodQueryOverrideOnGetIsIgnored() throws {
        try createDocsCustomer()
        let response = assertOK(try get("/customers/2?_method=DELETE"))
        XCTAssertEqual(try customer(response)["id"] as? Int, 2)
        XCTAssertEqual(try get("/customers/2").status, 200, "GET with _method=DELETE must not delete (decisions #29)")
    }

    func testMethodOverrideHeaderOnGetIsIgnored() throws {
        try createDocsCustomer()
        let response = assertOK(try send("GET", "/customers/2", headers: [("X-HTTP-Method-Override", "DELETE")]))
        XCTAssertEqual(try customer(response)["id"] as? Int, 2)
        XCTAssertEqual(try get("/customers/2").status, 200)
    }

    func testMethodOverrideHeaderIsUpperCased() throws {
        try createDocsCustomer()
        let put = assertOK(try send("POST", "/customers/2", body: ["customer": ["first_name": "Jim"]],
                                    headers: [("X-HTTP-Method-Override", "put")]))
        XCTAssertEqual(try customer(put)["first_name"] as? String, "Jim")
        let delete = assertOK(try send("POST", "/customers/2", headers: [("X-HTTP-Method-Override", "delete")]))
        XCTAssertEqual(delete.text, "{\"message\":\"Permanently deleted customer\"}")
        assertError(try get("/customers/2"), status: 404, code: "woocommerce_api_invalid_customer")
    }

    func testMethodQueryWinsOverHeader() throws {
        try createDocsCustomer()
        let response = try send("POST", "/customers/2?_method=GET", headers: [("X-HTTP-Method-Override", "DELETE")])
        XCTAssertEqual(try customer(assertOK(response))["id"] as? Int, 2)
        XCTAssertEqual(try get("/customers/2").status, 200)
    }

    func testJSONPWrapsTheBody() throws {
        try createDocsCustomer()
        let plain = try get("/customers/2")
        let response = try get("/customers/2?_jsonp=cb")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Content-Type"), "application/javascript; charset=UTF-8")
        XCTAssertEqual(response.header("X-Content-Type-Options"), "nosniff")
        XCTAssertEqual(response.text, "/**/cb(" + plain.text + ")")
    }

    func testJSONPWrapsErrorsWithTheirStatus() throws {
        let response = try get("/customers/99?_jsonp=my.cb_1")
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(response.header("Content-Type"), "application/javascript; charset=UTF-8")
        XCTAssertEqual(response.text,
                       "/**/my.cb_1({\"errors\":[{\"code\":\"woocommerce_api_invalid_customer\",\"message\":\"Invalid customer\"}]})")
    }

    func testJSONPInvalidCallbackIsANormalEnvelope() throws {
        let response = try get("/customers?_jsonp=a(b")
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(response.text,
                       "{\"errors\":[{\"code\":\"woocommerce_api_jsonp_callback_invalid\",\"message\":\"The JSONP callback function is invalid\"}]}")
        XCTAssertNil(response.header("X-Content-Type-Options"))
        XCTAssertEqual(response.header("Content-Type"), "application/javascript; charset=UTF-8", "customers §12: any _jsonp")
    }

    func testEngineErrorsCarryTheEnvelope() throws {
        let client = try live.connect()
        let token = Data("\(api.key.consumerKey):\(api.key.consumerSecret)".utf8).base64EncodedString()
        try client.send("POST /wc-api/v2/customers HTTP/1.1\r\nHost: 127.0.0.1:\(api.port)\r\nAuthorization: Basic \(token)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: \(2 * 1024 * 1024)\r\n\r\n")
        try? client.send(Array(repeating: UInt8(ascii: " "), count: 16 * 1024))
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("Content-Type"), "application/json; charset=UTF-8")
        let object = try self.object(response)
        let errors = try XCTUnwrap(object["errors"] as? [[String: Any]], response.text)
        XCTAssertNotNil(errors.first?["code"] as? String)
        XCTAssertNotNil(errors.first?["message"] as? String)
        XCTAssertTrue(response.text.hasPrefix("{\"errors\":[{\"code\":"), response.text)
        try assertCount(0)
    }
}
