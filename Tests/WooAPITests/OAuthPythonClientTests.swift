import Foundation
import TestSupport
import WooAPI
import XCTest

/// Requests signed the way the official Python client (`woocommerce` 3.0.0) signs them over plain HTTP: `filter[…]`
/// keys in the order given, `/` unencoded, every parameter sent twice (issue 9). Accepted with the store's key,
/// HMAC, timestamp window and nonce rule, and nothing weaker.
final class OAuthPythonClientTests: OAuthTestCase {
    private let mismatch = "Invalid signature - provided signature does not match."

    private func clientSigned(
        _ route: String, _ parameters: [(String, String)], signer: OAuthTestSigner? = nil,
        timestamp: String = String(OAuthTestSigner.now), nonce: String = UUID().uuidString
    ) throws -> TestResponse {
        let query = (signer ?? self.signer).pythonClientQuery(
            method: "GET", url: url(route), parameters: parameters, timestamp: timestamp, nonce: nonce)
        return try send("GET", route + "?" + query, useDefaultAuth: false)
    }

    func testFilterKeysInTheOrderGivenAreAccepted() throws {
        try createCustomers(5)
        let response = assertOK(try clientSigned("/customers", [("filter[q]", "*example*"), ("filter[limit]", "2")]))
        XCTAssertEqual(try ids(response), [2, 3])
        XCTAssertEqual(response.header("X-WC-Total"), "5")
        // Sent twice, linked once; no OAuth parameter in the links.
        let kept = "filter%5Bq%5D=%2Aexample%2A&filter%5Blimit%5D=2"
        XCTAssertEqual(links(response), [link("\(kept)&page=2", "next"), link("\(kept)&page=3", "last")])
        var sha1 = signer
        sha1.signatureMethod = "HMAC-SHA1"
        let page3 = assertOK(try clientSigned("/customers", [("page", "3"), ("filter[q]", "*example*"), ("filter[limit]", "2")],
                                              signer: sha1))
        XCTAssertEqual(try ids(page3), [6])
    }

    func testValuesHoldingSlashAreAccepted() throws {
        try createCustomers(2)
        let dated = assertOK(try clientSigned("/customers", [("filter[created_at_min]", "2020/01/01"), ("filter[limit]", "5")]))
        XCTAssertEqual(try ids(dated), [2, 3])
        let searched = assertOK(try clientSigned("/customers", [("filter[q]", "user1@example.com/x")]))
        XCTAssertEqual(try ids(searched), [])
        XCTAssertEqual(try ids(assertOK(try clientSigned("/customers", [("fields", "id"), ("filter[q]", "*/*")]))), [])
    }

    func testAWrongSecretIsStill401AndDoesNotUseUpTheNonce() throws {
        var wrong = signer
        wrong.consumerSecret = "cs_" + String(repeating: "0", count: 40)
        let parameters = [("filter[q]", "*example*"), ("filter[limit]", "2")]
        assertError(try clientSigned("/customers", parameters, signer: wrong, nonce: "n1"), status: 401, code: authError,
                    message: mismatch)
        XCTAssertEqual(try ids(assertOK(try clientSigned("/customers", parameters, nonce: "n1"))), [])
    }

    func testReplayIsRefusedAndTheNonceIsUsedOnce() throws {
        let query = signer.pythonClientQuery(method: "GET", url: url("/customers"),
                                             parameters: [("filter[q]", "a/b"), ("filter[limit]", "2")], nonce: "once")
        assertOK(try send("GET", "/customers?" + query, useDefaultAuth: false))
        assertError(try send("GET", "/customers?" + query, useDefaultAuth: false), status: 401, code: authError,
                    message: "Invalid nonce - nonce has already been used.")
        // The store's construction cannot reuse it either: one nonce rule, whichever construction verified.
        let store = signer.storeQuery(method: "GET", url: url("/customers"), nonce: "once")
        assertError(try send("GET", "/customers?" + store, useDefaultAuth: false), status: 401, code: authError,
                    message: "Invalid nonce - nonce has already been used.")
    }

    func testTheTimestampWindowIsTheSame() throws {
        let stale = String(OAuthTestSigner.now - 901)
        assertError(try clientSigned("/customers", [("filter[q]", "a/b"), ("filter[limit]", "2")], timestamp: stale),
                    status: 401, code: authError, message: "Invalid timestamp.")
    }

    func testChangingASentValueBreaksTheSignature() throws {
        // The value the handler reads (the last one) is the value checked: a different second copy fails.
        let query = signer.pythonClientQuery(method: "GET", url: url("/customers"),
                                             parameters: [("filter[q]", "a/b"), ("filter[limit]", "2")])
        let tampered = query.replacingOccurrences(of: "filter%5Blimit%5D=2", with: "filter%5Blimit%5D=20", options: .backwards,
                                                  range: query.range(of: "filter%5Blimit%5D=2", options: .backwards))
        XCTAssertNotEqual(tampered, query)
        assertError(try send("GET", "/customers?" + tampered, useDefaultAuth: false), status: 401, code: authError,
                    message: mismatch)
    }
}
