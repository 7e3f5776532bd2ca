import Foundation
import SQLite
import Storage
import Synchronization
import TestSupport
import WooAPI
import XCTest

/// Decisions #31: `last_access` is kept, but written at most once a minute per key, off the request path.
final class AuthenticatorTests: XCTestCase {
    private final class Clock: Sendable {
        let seconds = Mutex<Int64>(1_700_000_000)
        func advance(_ by: Int64) { seconds.withLock { $0 += by } }
        var now: Int64 { seconds.withLock { $0 } }
    }

    private func lastAccess(_ api: LiveAPI) throws -> Int64? {
        let keyHash = Authenticator.hashKey(api.key.consumerKey)
        return try api.store.read { db in
            try db.query("SELECT last_access FROM api_keys WHERE consumer_key = ?", [.text(keyHash)]).first?[0].int64Value
        }
    }

    private func waitForLastAccess(_ api: LiveAPI, _ expected: Int64?, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(2)
        while try lastAccess(api) != expected && Date() < deadline { usleep(10_000) }
        XCTAssertEqual(try lastAccess(api), expected, file: file, line: line)
    }

    func testLastAccessIsWrittenAtMostOnceAMinute() throws {
        let clock = Clock()
        let api = try LiveAPI(now: { clock.now })
        XCTAssertNil(try lastAccess(api))
        XCTAssertEqual(try api.request("GET", "/wc-api/v2/customers").status, 200)
        try waitForLastAccess(api, 1_700_000_000)
        clock.advance(30)
        XCTAssertEqual(try api.request("GET", "/wc-api/v2/customers").status, 200)
        usleep(100_000)
        XCTAssertEqual(try lastAccess(api), 1_700_000_000, "a second write inside the minute")
        clock.advance(31)
        XCTAssertEqual(try api.request("GET", "/wc-api/v2/customers").status, 200)
        try waitForLastAccess(api, 1_700_000_061)
    }

    func testFailedAuthenticationDoesNotTouchLastAccess() throws {
        let api = try LiveAPI()
        let wrong = APIKeys.Created(id: 0, consumerKey: api.key.consumerKey, consumerSecret: "cs_wrong")
        XCTAssertEqual(try api.request("GET", "/wc-api/v2/customers", auth: wrong).status, 401)
        usleep(100_000)
        XCTAssertNil(try lastAccess(api))
    }

    func testRevokedKeyStopsWorkingWithinTheCacheLifetime() throws {
        let api = try LiveAPI()
        XCTAssertEqual(try api.request("GET", "/wc-api/v2/customers").status, 200)
        let consumerKey = api.key.consumerKey
        _ = try api.store.writeAndWait { db in try APIKeys.revoke(consumerKey, in: db) }
        let deadline = Date().addingTimeInterval(3)
        var status = 200
        while status == 200 && Date() < deadline {
            status = try api.request("GET", "/wc-api/v2/customers").status
            usleep(50_000)
        }
        XCTAssertEqual(status, 401)
    }
}
