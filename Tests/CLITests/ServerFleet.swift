import Foundation
import Glibc
import TestSupport
import XCTest

/// A key made by `wc-api-server keys create --json`, as a client holds it.
struct CLIKey {
    var consumerKey: String
    var consumerSecret: String

    /// Creates a `read_write` key of the administrator on `database` (which is created and migrated if new).
    static func create(database: String) throws -> CLIKey {
        let created = try runServerBinary(["keys", "create", "--database", database, "--json"])
        guard created.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String],
              let key = object["consumer_key"], let secret = object["consumer_secret"] else {
            throw RawClientError("keys create failed (\(created.status)): \(created.stderr)")
        }
        return CLIKey(consumerKey: key, consumerSecret: secret)
    }

    /// The `Authorization` header value of HTTP Basic with this key.
    var basicAuthorization: String { "Basic " + Data("\(consumerKey):\(consumerSecret)".utf8).base64EncodedString() }

    /// A signer of OAuth 1.0a store requests with this key.
    var signer: OAuthTestSigner { OAuthTestSigner(consumerKey: consumerKey, consumerSecret: consumerSecret) }
}

/// One keep-alive connection to one server, authenticating every request with a key (HTTP Basic). Reads give up
/// after `timeout` seconds, so a test never hangs on a server that stopped answering.
final class APIConnection {
    private let client: RawClient
    private let authorization: String

    init(port: UInt16, key: CLIKey, timeout: Double = 10) throws {
        client = try RawClient(port: port, timeout: timeout)
        authorization = key.basicAuthorization
    }

    /// Sends `method path` (under `/wc-api/v2`) with an optional JSON body and reads the response.
    func send(_ method: String, _ path: String, json: String? = nil) throws -> TestResponse {
        var request = "\(method) /wc-api/v2\(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(authorization)\r\n"
        if let json {
            request += "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)"
        } else {
            request += "\r\n"
        }
        try client.send(request)
        return try client.readResponse()
    }

    /// A JSON object response's `wrapper` member (`{"customer":{…}}` → the customer).
    static func object(_ response: TestResponse, _ wrapper: String) -> [String: Any]? {
        (try? response.json() as? [String: Any])?[wrapper] as? [String: Any]
    }

    /// An error response's `errors[0].code`.
    static func errorCode(_ response: TestResponse) -> String? {
        ((try? response.json() as? [String: Any])?["errors"] as? [[String: Any]])?.first?["code"] as? String
    }
}

/// The status of `GET /wc-api/v2/customers` with `authorization`, on a fresh connection to `port`.
func customersStatus(port: UInt16, authorization: String) throws -> Int {
    let client = try RawClient(port: port)
    try client.send("GET /wc-api/v2/customers HTTP/1.1\r\nHost: x\r\nAuthorization: \(authorization)\r\n"
        + "Connection: close\r\n\r\n")
    return try client.readResponse().status
}

/// Issue 12's stateless-servers rule for keys: every server accepts `key` (so each has it cached), `keys revoke`
/// revokes it in the store, and every server refuses it within a second (the key cache lives one second). Polls
/// each server every 50 ms; gives up on a server 1.5 s after the revoke. Returns how long the last one took.
@discardableResult
func assertRevokedKeyIsRefusedWithinASecond(
    _ key: CLIKey, database: String, ports: [UInt16], file: StaticString = #filePath, line: UInt = #line
) throws -> TimeInterval {
    for port in ports {
        let status = try customersStatus(port: port, authorization: key.basicAuthorization)
        XCTAssertEqual(status, 200, "port \(port) refuses the key before the revoke", file: file, line: line)
    }
    let revoke = try runServerBinary(["keys", "revoke", "--database", database, key.consumerKey])
    XCTAssertEqual(revoke.status, 0, revoke.stderr, file: file, line: line)
    let revoked = Date()
    var slowest: TimeInterval = 0
    for port in ports {
        while try customersStatus(port: port, authorization: key.basicAuthorization) != 401 {
            guard Date().timeIntervalSince(revoked) < 1.5 else {
                XCTFail("port \(port) still accepts the key 1.5 s after the revoke", file: file, line: line)
                break
            }
            usleep(50_000)
        }
        slowest = max(slowest, Date().timeIntervalSince(revoked))
    }
    XCTAssertLessThan(slowest, 1.5, file: file, line: line)
    return slowest
}
