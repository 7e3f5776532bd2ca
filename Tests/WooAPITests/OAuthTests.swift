import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// OAuth 1.0a over plain HTTP, end to end over the real listener (auth §3–§5, decisions #4): requests signed
/// the v2 store's way (as the official SDKs do) and the RFC 5849 way (as generic OAuth libraries do) succeed.
class OAuthTestCase: APITestCase {
    let authError = "woocommerce_api_authentication_error"

    var signer: OAuthTestSigner { OAuthTestSigner(consumerKey: api.key.consumerKey, consumerSecret: api.key.consumerSecret) }

    /// The URL a client signs for `/wc-api/v2<route>`.
    func url(_ route: String, host: String? = nil) -> String {
        "http://\(host ?? "127.0.0.1:\(api.port)")/wc-api/v2\(route)"
    }

    /// Sends `method /wc-api/v2<route>` with `parameters` and the OAuth ones in the query, signed the store's way.
    func storeSigned(
        _ method: String, _ route: String, parameters: [(String, String)] = [], body: Any? = nil,
        signer: OAuthTestSigner? = nil, signedMethod: String? = nil, headers: [(String, String)] = []
    ) throws -> TestResponse {
        let query = (signer ?? self.signer).storeQuery(method: signedMethod ?? method, url: url(route), parameters: parameters)
        return try send(method, route + "?" + query, body: body, headers: headers, useDefaultAuth: false)
    }

    /// Sends `method /wc-api/v2<route>?<query>` with an RFC 5849 `Authorization: OAuth` header.
    func headerSigned(
        _ method: String, _ route: String, query: [(String, String)] = [], body: Any? = nil,
        signer: OAuthTestSigner? = nil
    ) throws -> TestResponse {
        let header = (signer ?? self.signer).rfcHeader(method: method, url: url(route), query: query)
        let path = route + (query.isEmpty ? "" : "?" + Self.queryString(query))
        return try send(method, path, body: body, headers: [("Authorization", header)], useDefaultAuth: false)
    }

    /// Sends a bodiless request with exactly these headers (no default `Host`).
    func sendRaw(_ method: String, _ target: String, headers: [(String, String)]) throws -> TestResponse {
        let client = try live.connect()
        var head = "\(method) \(target) HTTP/1.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try client.send(head + "\r\n")
        return try client.readResponse(head: method == "HEAD")
    }

    static func queryString(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(OAuthTestSigner.encode($0.0))=\(OAuthTestSigner.encode($0.1))" }.joined(separator: "&")
    }
}

final class OAuthTests: OAuthTestCase {
    func testStoreSignedCreateReadUpdateListDelete() throws {
        let created = try storeSigned("POST", "/customers", body: Self.docsCustomerJSON)
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual(try customer(created)["email"] as? String, "john.doe@example.com")
        XCTAssertEqual(try customer(assertOK(try storeSigned("GET", "/customers/2")))["id"] as? Int, 2)
        let updated = assertOK(try storeSigned("PUT", "/customers/2", body: ["customer": ["first_name": "Johnny"]]))
        XCTAssertEqual(try customer(updated)["first_name"] as? String, "Johnny")
        let list = assertOK(try storeSigned("GET", "/customers", parameters: [("filter[q]", "*john*"), ("filter[limit]", "5")]))
        XCTAssertEqual(try ids(list), [2])
        XCTAssertEqual(assertOK(try storeSigned("DELETE", "/customers/2")).text, "{\"message\":\"Permanently deleted customer\"}")
        try assertCount(0)
    }

    func testStoreSignedHMACSHA1AndHEAD() throws {
        var sha1 = signer
        sha1.signatureMethod = "HMAC-SHA1"
        XCTAssertEqual(assertOK(try storeSigned("GET", "/customers/count", signer: sha1)).text, "{\"count\":0}")
        let head = try storeSigned("HEAD", "/customers")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("X-WC-Total"), "0")
    }

    func testStoreSignedQuirkyValuesVerify() throws {
        try createDocsCustomer()
        let response = try storeSigned("GET", "/customers", parameters: [
            ("filter[q]", "john.doe@example.com"), ("fields", "id,email"), ("filter[orderby]", "email"),
            ("filter[order]", "DESC"), ("filter[created_at_min]", "2000-01-01 00:00:00"), ("x", "a+b%c é\u{1F600}"),
        ])
        XCTAssertEqual(try customers(assertOK(response)).map { $0["email"] as? String }, ["john.doe@example.com"])
    }

    func testStoreSignedMethodOverrideSignsTheEffectiveMethod() throws {
        try createDocsCustomer()
        let wrong = try storeSigned("POST", "/customers/2", parameters: [("_method", "DELETE")])
        assertError(wrong, status: 401, code: authError, message: "Invalid signature - provided signature does not match.")
        let deleted = try storeSigned("POST", "/customers/2", parameters: [("_method", "DELETE")], signedMethod: "DELETE")
        XCTAssertEqual(assertOK(deleted).text, "{\"message\":\"Permanently deleted customer\"}")
        let id = try XCTUnwrap(try createDocsCustomer()["id"] as? Int)
        let overridden = try storeSigned("POST", "/customers/\(id)", body: ["customer": ["last_name": "Roe"]],
                                         signedMethod: "PUT", headers: [("X-HTTP-Method-Override", "PUT")])
        XCTAssertEqual(try customer(assertOK(overridden))["last_name"] as? String, "Roe")
    }

    func testStoreSignedWithTheRequestsHostWhenItDiffersFromThePublicURL() throws {
        // The public URL says 127.0.0.1; a client configured with http://localhost:<port> signs that host.
        let host = "localhost:\(api.port)"
        let query = signer.storeQuery(method: "GET", url: url("/customers/count", host: host))
        let response = try sendRaw("GET", "/wc-api/v2/customers/count?" + query, headers: [("Host", host)])
        XCTAssertEqual(assertOK(response).text, "{\"count\":0}")
        let other = signer.storeQuery(method: "GET", url: url("/customers/count", host: "example.com"))
        assertError(try sendRaw("GET", "/wc-api/v2/customers/count?" + other, headers: [("Host", host)]), status: 401,
                    code: authError, message: "Invalid signature - provided signature does not match.")
    }

    func testQueryStringRouteFormSignsThePrettyURL() throws {
        try createDocsCustomer()
        let parameters = [("wc-api-version", "2"), ("wc-api-route", "/customers/2")]
        let query = signer.storeQuery(method: "GET", url: url("/customers/2"), parameters: parameters)
        let response = try api.request("GET", "/?" + query, useDefaultAuth: false)
        XCTAssertEqual(try customer(assertOK(response))["id"] as? Int, 2)
    }

    func testUnencodedPlusInTheSignatureIsRepaired() throws {
        // Find a request whose signature has a "+", then send it raw: the query parser turns it into a space.
        for attempt in 0..<200 {
            let query = signer.storeQuery(method: "GET", url: url("/customers/count"), nonce: "plus\(attempt)")
            guard query.contains("oauth_signature="), query.contains("%2B") else { continue }
            let raw = query.replacingOccurrences(of: "%2B", with: "+")
            XCTAssertEqual(assertOK(try send("GET", "/customers/count?" + raw, useDefaultAuth: false)).text, "{\"count\":0}")
            return
        }
        XCTFail("no signature with a + in 200 tries")
    }

    func testRFC5849HeaderSignedRequestsSucceed() throws {
        let created = try headerSigned("POST", "/customers", body: ["customer": ["email": "rfc@example.com"]])
        XCTAssertEqual(created.status, 201, created.text)
        let id = try XCTUnwrap(try customer(created)["id"] as? Int)
        XCTAssertEqual(try customer(assertOK(try headerSigned("GET", "/customers/\(id)")))["email"] as? String, "rfc@example.com")
        let list = assertOK(try headerSigned("GET", "/customers", query: [("filter[q]", "rfc@example.com"), ("fields", "id")]))
        XCTAssertEqual(try ids(list), [id])
        let patched = assertOK(try headerSigned("PATCH", "/customers/\(id)", body: ["customer": ["first_name": "R F"]]))
        XCTAssertEqual(try customer(patched)["first_name"] as? String, "R F")
        XCTAssertEqual(assertOK(try headerSigned("DELETE", "/customers/\(id)")).text, "{\"message\":\"Permanently deleted customer\"}")
    }

    func testRFC5849HMACSHA1AndSHA256() throws {
        for method in ["HMAC-SHA1", "HMAC-SHA256"] {
            var rfc = signer
            rfc.signatureMethod = method
            XCTAssertEqual(assertOK(try headerSigned("GET", "/customers/count", signer: rfc)).text, "{\"count\":0}", method)
        }
    }

    func testRFC5849ParametersInTheQuery() throws {
        // Generic libraries can put the OAuth parameters in the query instead (signature_type=query): key `secret&`.
        let oauth = [("oauth_consumer_key", api.key.consumerKey), ("oauth_nonce", UUID().uuidString),
                     ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", String(OAuthTestSigner.now)),
                     ("oauth_version", "1.0")]
        var sha1 = signer
        sha1.signatureMethod = "HMAC-SHA1"
        let signature = sha1.rfcSignature(method: "GET", url: url("/customers/count"), parameters: oauth)
        let query = Self.queryString(oauth + [("oauth_signature", signature)])
        XCTAssertEqual(assertOK(try send("GET", "/customers/count?" + query, useDefaultAuth: false)).text, "{\"count\":0}")
    }

    func testRFC5849FormBodyParametersAreSigned() throws {
        try createDocsCustomer()
        let oauth = [("oauth_consumer_key", api.key.consumerKey), ("oauth_nonce", UUID().uuidString),
                     ("oauth_signature_method", "HMAC-SHA256"), ("oauth_timestamp", String(OAuthTestSigner.now))]
        let signature = signer.rfcSignature(method: "POST", url: url("/customers/2"),
                                            parameters: oauth + [("_method", "GET"), ("note", "a b")])
        let header = "OAuth " + (oauth + [("oauth_signature", signature)])
            .map { "\($0.0)=\"\(OAuthTestSigner.encode($0.1))\"" }.joined(separator: ",")
        let response = try send("POST", "/customers/2?_method=GET", body: "note=a+b", headers: [
            ("Authorization", header), ("Content-Type", "application/x-www-form-urlencoded"),
        ], useDefaultAuth: false)
        XCTAssertEqual(try customer(assertOK(response))["id"] as? Int, 2)
    }

    func testOAuthWinsOverBasicCredentialsSentAlongside() throws {
        // A plain-HTTP store verifies OAuth and ignores Basic (auth §1): a stray oauth_ parameter means OAuth.
        let response = try send("GET", "/customers/count?oauth_nonce=1")
        assertError(response, status: 404, code: authError, message: "oauth_consumer_key parameter is missing")
        XCTAssertEqual(assertOK(try get("/customers/count")).text, "{\"count\":0}", "Basic alone still works")
        let queryAuth = "consumer_key=\(api.key.consumerKey)&consumer_secret=\(api.key.consumerSecret)"
        XCTAssertEqual(assertOK(try send("GET", "/customers/count?" + queryAuth, useDefaultAuth: false)).text, "{\"count\":0}")
    }

    func testLinkHeadersNeverCarryOAuthParametersOrSecrets() throws {
        try createCustomers(3)
        let response = assertOK(try storeSigned("GET", "/customers", parameters: [("filter[limit]", "1"), ("page", "2")]))
        let links = links(response)
        XCTAssertEqual(links.count, 4, "\(links)")
        for link in links {
            XCTAssertFalse(link.contains("oauth_"), link)
            XCTAssertFalse(link.contains(api.key.consumerKey), link)
        }
        XCTAssertEqual(links.first, link("filter%5Blimit%5D=1&page=1", "first"))
        let queryAuth = "consumer_key=\(api.key.consumerKey)&consumer_secret=\(api.key.consumerSecret)&filter%5Blimit%5D=1"
        for link in self.links(assertOK(try send("GET", "/customers?" + queryAuth, useDefaultAuth: false))) {
            XCTAssertFalse(link.contains("consumer_"), link)
            XCTAssertFalse(link.contains(api.key.consumerSecret), link)
        }
    }
}

/// The access log never shows OAuth parameters or secrets: it has no query string.
final class OAuthAccessLogTests: XCTestCase {
    func testAccessLogOmitsOAuthParametersAndSecrets() throws {
        let lines = LineCollector()
        let api = try LiveAPI(configure: {
            $0.accessLog = true
            $0.accessLogSink = lines.sink
        })
        let signer = OAuthTestSigner(consumerKey: api.key.consumerKey, consumerSecret: api.key.consumerSecret)
        let query = signer.storeQuery(method: "GET", url: "http://127.0.0.1:\(api.port)/wc-api/v2/customers")
        XCTAssertEqual(try api.request("GET", "/wc-api/v2/customers?" + query, useDefaultAuth: false).status, 200)
        let secretQuery = "consumer_key=\(api.key.consumerKey)&consumer_secret=\(api.key.consumerSecret)"
        XCTAssertEqual(try api.request("GET", "/wc-api/v2/customers?" + secretQuery, useDefaultAuth: false).status, 200)
        XCTAssertEqual(try api.request("GET", "/wc-api/v2/customers?oauth_nonce=1", useDefaultAuth: false).status, 404)
        api.stop()  // flushes the loops' log buffers
        let log = lines.all
        XCTAssertEqual(log.count, 3, "\(log)")
        for line in log {
            XCTAssertTrue(line.contains(" GET /wc-api/v2/customers "), line)
            XCTAssertFalse(line.contains("oauth_"), line)
            XCTAssertFalse(line.contains("consumer_"), line)
            XCTAssertFalse(line.contains(api.key.consumerSecret), line)
            XCTAssertFalse(line.contains("?"), line)
        }
    }
}
