import Foundation
import Synchronization
import TestSupport
import WooAPI
import XCTest

/// Every OAuth failure: exact status and envelope (auth §3, §5, §8), in the real store's order of checks
/// (parameters → key → signature method → signature → timestamp → nonce → key permission), and replays refused
/// across a restart (decisions #5).
final class OAuthErrorTests: OAuthTestCase {
    private let mismatch = "Invalid signature - provided signature does not match."

    private func sendQuery(_ route: String, _ query: String) throws -> TestResponse {
        try send("GET", route + "?" + query, useDefaultAuth: false)
    }

    func testEachMissingParameterIs404InTheStoresOrder() throws {
        for (index, name) in OAuthVerifier.requiredParameters.enumerated() {
            // Everything after `name` is missing too: the first missing one is reported.
            let omitted = Set(OAuthVerifier.requiredParameters[index...])
            let query = signer.storeQuery(method: "GET", url: url("/customers"), omit: omitted, extra: [("oauth_version", "1.0")])
            assertError(try sendQuery("/customers", query), status: 404, code: authError, message: "\(name) parameter is missing")
            let onlyThis = signer.storeQuery(method: "GET", url: url("/customers"), omit: [name])
            assertError(try sendQuery("/customers", onlyThis), status: 404, code: authError, message: "\(name) parameter is missing")
        }
    }

    func testEmptyAndZeroValuesCountAsMissing() throws {
        for value in ["", "0"] {
            let query = signer.storeQuery(method: "GET", url: url("/customers"), nonce: value)
            assertError(try sendQuery("/customers", query), status: 404, code: authError,
                        message: "oauth_nonce parameter is missing")
        }
        let arrayNonce = signer.storeQuery(method: "GET", url: url("/customers"), omit: ["oauth_nonce"]) + "&oauth_nonce%5B%5D=1"
        assertError(try sendQuery("/customers", arrayNonce), status: 404, code: authError, message: "oauth_nonce parameter is missing")
    }

    func testUnknownKeyIs401KeyInvalid() throws {
        let stranger = OAuthTestSigner(consumerKey: "ck_" + String(repeating: "0", count: 40), consumerSecret: api.key.consumerSecret)
        assertError(try storeSigned("GET", "/customers", signer: stranger), status: 401, code: authError,
                    message: "Consumer key is invalid.")
    }

    func testWrongSecretIs401SignatureMismatchForBothConstructions() throws {
        let wrong = OAuthTestSigner(consumerKey: api.key.consumerKey, consumerSecret: "cs_" + String(repeating: "0", count: 40))
        assertError(try storeSigned("GET", "/customers", signer: wrong), status: 401, code: authError, message: mismatch)
        assertError(try headerSigned("GET", "/customers", signer: wrong), status: 401, code: authError, message: mismatch)
    }

    func testTamperedSignatureOrParameterIs401() throws {
        let query = signer.storeQuery(method: "GET", url: url("/customers"), parameters: [("page", "1")], signature: "AAAA")
        assertError(try sendQuery("/customers", query), status: 401, code: authError, message: mismatch)
        let signed = signer.storeQuery(method: "GET", url: url("/customers"), parameters: [("page", "1")])
        let tampered = signed.replacingOccurrences(of: "page=1", with: "page=2")
        assertError(try sendQuery("/customers", tampered), status: 401, code: authError, message: mismatch)
        let otherRoute = signer.storeQuery(method: "GET", url: url("/customers/count"))
        assertError(try sendQuery("/customers", otherRoute), status: 401, code: authError, message: mismatch)
        let trailingSlash = signer.storeQuery(method: "GET", url: url("/customers/"))
        assertError(try sendQuery("/customers/", trailingSlash), status: 401, code: authError, message: mismatch)
    }

    func testUnknownSignatureMethodIs401() throws {
        for method in ["PLAINTEXT", "RSA-SHA1", "hmac-sha1", "HMAC-SHA512"] {
            var other = signer
            other.signatureMethod = method
            assertError(try storeSigned("GET", "/customers", signer: other), status: 401, code: authError,
                        message: "Invalid signature - signature method is invalid.")
        }
    }

    func testTimestampWindowIsFifteenMinutesInclusive() throws {
        let clock = TestClock(1_700_000_000)
        api = try LiveAPI(now: clock.function)
        for (offset, ok) in [(-900, true), (900, true), (-901, false), (901, false)] {
            let query = signer.storeQuery(method: "GET", url: url("/customers/count"), timestamp: String(1_700_000_000 + offset))
            let response = try sendQuery("/customers/count", query)
            if ok {
                XCTAssertEqual(assertOK(response).text, "{\"count\":0}", "offset \(offset)")
            } else {
                assertError(response, status: 401, code: authError, message: "Invalid timestamp.")
            }
        }
        for text in ["abc", "1700000000abc", "1e999", " 1.7e9 "] {
            let query = signer.storeQuery(method: "GET", url: url("/customers/count"), timestamp: text)
            let response = try sendQuery("/customers/count", query)
            if text == " 1.7e9 " {
                XCTAssertEqual(response.status, 200, "a PHP numeric string")
            } else {
                assertError(response, status: 401, code: authError, message: "Invalid timestamp.")
            }
        }
    }

    func testSignatureIsCheckedBeforeTheTimestamp() throws {
        let query = signer.storeQuery(method: "GET", url: url("/customers"), timestamp: "1", signature: "AAAA")
        assertError(try sendQuery("/customers", query), status: 401, code: authError, message: mismatch)
    }

    func testReplayedNonceIs401WhateverTheTimestamp() throws {
        let query = signer.storeQuery(method: "GET", url: url("/customers"), nonce: "once")
        XCTAssertEqual(assertOK(try sendQuery("/customers", query)).status, 200)
        assertError(try sendQuery("/customers", query), status: 401, code: authError,
                    message: "Invalid nonce - nonce has already been used.")
        let later = signer.storeQuery(method: "GET", url: url("/customers"), timestamp: String(OAuthTestSigner.now + 5), nonce: "once")
        assertError(try sendQuery("/customers", later), status: 401, code: authError,
                    message: "Invalid nonce - nonce has already been used.")
        let header = signer.rfcHeader(method: "GET", url: url("/customers"), nonce: "rfc-once")
        XCTAssertEqual(try send("GET", "/customers", headers: [("Authorization", header)], useDefaultAuth: false).status, 200)
        assertError(try send("GET", "/customers", headers: [("Authorization", header)], useDefaultAuth: false), status: 401,
                    code: authError, message: "Invalid nonce - nonce has already been used.")
    }

    func testConcurrentReplaysLetExactlyOneThrough() throws {
        let query = signer.storeQuery(method: "GET", url: url("/customers/count"), nonce: "race")
        let port = api.port
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let client = try? RawClient(port: port)
            try? client?.send("GET /wc-api/v2/customers/count?\(query) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
            if let status = try? client?.readResponse().status { statuses.withLock { $0.append(status) } }
        }
        XCTAssertEqual(statuses.withLock { $0.sorted() }, [200] + Array(repeating: 401, count: 7))
    }

    func testNonceIsUsedUpEvenWhenThePermissionCheckFails() throws {
        let reader = OAuthTestSigner(consumerKey: api.readKey.consumerKey, consumerSecret: api.readKey.consumerSecret)
        let query = reader.storeQuery(method: "POST", url: url("/customers"))
        let body = Self.docsCustomerJSON
        assertError(try send("POST", "/customers?" + query, body: body, useDefaultAuth: false), status: 401, code: authError,
                    message: "The API key provided does not have write permissions.")
        assertError(try send("POST", "/customers?" + query, body: body, useDefaultAuth: false), status: 401, code: authError,
                    message: "Invalid nonce - nonce has already been used.")
        let writer = OAuthTestSigner(consumerKey: api.writeKey.consumerKey, consumerSecret: api.writeKey.consumerSecret)
        assertError(try storeSigned("GET", "/customers", signer: writer), status: 401, code: authError,
                    message: "The API key provided does not have read permissions.")
        XCTAssertEqual(try storeSigned("GET", "/customers", signer: reader).status, 200)
    }

    func testReplayIsRefusedAfterARestart() throws {
        let oldHost = "127.0.0.1:\(api.port)"
        let query = signer.storeQuery(method: "GET", url: url("/customers/count"), nonce: "survives")
        XCTAssertEqual(assertOK(try sendQuery("/customers/count", query)).text, "{\"count\":0}")
        api = try live.restarted()
        // Signed for the old port: sent with the old Host, so the signature still verifies and the nonce decides.
        let replay = try sendRaw("GET", "/wc-api/v2/customers/count?" + query, headers: [("Host", oldHost)])
        assertError(replay, status: 401, code: authError, message: "Invalid nonce - nonce has already been used.")
        let fresh = signer.storeQuery(method: "GET", url: url("/customers/count", host: oldHost), nonce: "new")
        XCTAssertEqual(try sendRaw("GET", "/wc-api/v2/customers/count?" + fresh, headers: [("Host", oldHost)]).status, 200)
    }

    /// Issue 12's stateless-servers rule: a nonce used on one server is refused by another server over the same
    /// store (the store decides, not the process's memory), also when both get it at the same moment.
    func testANonceUsedOnOneServerIsRefusedByAnother() throws {
        let other = try LiveAPI(databasePath: live.store.path)
        defer { other.stop() }
        let host = "127.0.0.1:\(api.port)"
        @Sendable func send(_ query: String, to port: UInt16) throws -> TestResponse {
            let client = try RawClient(port: port)
            try client.send("GET /wc-api/v2/customers/count?\(query) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
            return try client.readResponse()
        }
        let query = signer.storeQuery(method: "GET", url: url("/customers/count"), nonce: "shared")
        XCTAssertEqual(try send(query, to: api.port).status, 200)
        assertError(try send(query, to: other.port), status: 401, code: authError,
                    message: "Invalid nonce - nonce has already been used.")
        let second = signer.storeQuery(method: "GET", url: url("/customers/count"), nonce: "first-elsewhere")
        XCTAssertEqual(try send(second, to: other.port).status, 200)
        assertError(try send(second, to: api.port), status: 401, code: authError,
                    message: "Invalid nonce - nonce has already been used.")
        // Eight copies at once, four to each server: exactly one goes through.
        let ports = [api.port, other.port]
        for round in 0..<5 {
            let race = signer.storeQuery(method: "GET", url: url("/customers/count"), nonce: "race-\(round)")
            let statuses = Mutex<[Int]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                if let status = try? send(race, to: ports[index % 2]).status { statuses.withLock { $0.append(status) } }
            }
            XCTAssertEqual(statuses.withLock { $0.sorted() }, [200] + Array(repeating: 401, count: 7), "round \(round)")
        }
    }

    func testMalformedOAuthHeaderIs400() throws {
        for header in ["OAuth oauth_consumer_key", "OAuth oauth_nonce=\"x", "OAuth a=\"1\" b=\"2\""] {
            assertError(try send("GET", "/customers", headers: [("Authorization", header)], useDefaultAuth: false),
                        status: 400, code: authError, message: "The OAuth Authorization header is malformed.")
        }
        assertError(try send("GET", "/customers", headers: [("Authorization", "OAuth realm=\"x\"")], useDefaultAuth: false),
                    status: 404, code: authError, message: "oauth_consumer_key parameter is missing")
    }

    func testGarbageNeverGivesA500() throws {
        let queries = [
            "oauth_consumer_key=%00&oauth_timestamp=%FF%FE&oauth_nonce=x&oauth_signature=%ZZ&oauth_signature_method=HMAC-SHA1",
            "oauth_consumer_key=\(api.key.consumerKey)&oauth_timestamp=1&oauth_nonce=x&oauth_signature=%25%25%25&oauth_signature_method=HMAC-SHA1",
            "oauth_consumer_key=\(api.key.consumerKey)&oauth_timestamp=1&oauth_nonce=x&oauth_signature=x&oauth_signature_method=HMAC-SHA1&filter[a][b]=1&fields[]=x",
            "oauth_consumer_key[]=x&oauth_timestamp=1",
        ]
        for query in queries {
            let response = try sendQuery("/customers", query)
            XCTAssertTrue([400, 401, 404].contains(response.status), "\(query): \(response.status) \(response.text)")
            XCTAssertNotNil((try? response.json()) as? [String: Any], response.text)
        }
    }
}
