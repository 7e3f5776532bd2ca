import Foundation
import SQLite
import Storage
import TestSupport
import WooAPI
import XCTest

final class CLITests: XCTestCase {
    private var directory: URL!
    private var database: String { directory.appendingPathComponent("store.sqlite").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func testHelpExitsZeroForEveryCommand() throws {
        for arguments in [["--help"], ["serve", "--help"], ["keys", "--help"], ["seed", "--help"]] {
            let result = try runServerBinary(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.stdout.contains("usage: wc-api-server"), "\(arguments): \(result.stdout)")
        }
    }

    func testUnknownFlagIsAClearErrorWithStatus2() throws {
        let result = try runServerBinary(["serve", "--prot", "80"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("unknown option --prot"), result.stderr)
        XCTAssertEqual(try runServerBinary(["frobnicate"]).status, 2)
        XCTAssertEqual(try runServerBinary(["keys", "create", "--permissions", "admin", "--database", database]).status, 2)
    }

    func testKeysCreatePrintsKeyAndSecretAndStoresOnlyTheHash() throws {
        let result = try runServerBinary(["keys", "create", "--database", database, "--permissions", "read"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        let key = try XCTUnwrap(lines.first?.dropFirst("consumer_key=".count))
        XCTAssertTrue(lines[0].hasPrefix("consumer_key=ck_"))
        XCTAssertTrue(lines[1].hasPrefix("consumer_secret=cs_"))
        XCTAssertEqual(key.count, 43)
        let db = try Database(path: database)
        let row = try XCTUnwrap(db.query("SELECT consumer_key, permissions, truncated_key FROM api_keys").first)
        XCTAssertEqual(row[0].stringValue, Authenticator.hashKey(String(key)))
        XCTAssertEqual(row[1].stringValue, "read")
        XCTAssertEqual(row[2].stringValue, String(key.suffix(7)))
    }

    func testKeysCreateJSONListAndRevoke() throws {
        let created = try runServerBinary(["keys", "create", "--database", database, "--json", "--description", "ci"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String])
        let key = try XCTUnwrap(object["consumer_key"])
        XCTAssertTrue(object["consumer_secret"]?.hasPrefix("cs_") ?? false)
        let list = try runServerBinary(["keys", "list", "--database", database])
        XCTAssertTrue(list.stdout.contains("…\(key.suffix(7))"), list.stdout)
        XCTAssertTrue(list.stdout.contains("ci"))
        XCTAssertFalse(list.stdout.contains(key))
        XCTAssertEqual(try runServerBinary(["keys", "revoke", "--database", database, key]).status, 0)
        XCTAssertEqual(try runServerBinary(["keys", "revoke", "--database", database, key]).status, 2)
    }

    func testSeedAddsCustomersThatTheAPIServes() throws {
        let seeded = try runServerBinary(["seed", "--database", database, "--customers", "25"])
        XCTAssertEqual(seeded.status, 0, seeded.stderr)
        let db = try SQLite.Database(path: database)
        XCTAssertEqual(try db.query("SELECT count(*) FROM users WHERE role = 'customer'").first?[0].intValue, 25)
        XCTAssertEqual(try db.query("SELECT count(DISTINCT email) FROM users").first?[0].intValue, 26)
        XCTAssertEqual(try db.userVersion(), Store.schemaVersion)
    }

    func testEnvironmentVariablesConfigureServe() throws {
        let result = try runServerBinary(["serve", "--port", "99999"], environment: ["WC_API_DATABASE": database])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--port must be an integer in 0...65535"), result.stderr)
    }

    func testOAuthNonceCapacityMustBePositive() throws {
        let flag = try runServerBinary(["serve", "--oauth-nonces", "0", "--database", database])
        XCTAssertEqual(flag.status, 2)
        XCTAssertTrue(flag.stderr.contains("--oauth-nonces must be an integer in 1...100000000"), flag.stderr)
        let environment = try runServerBinary(["serve", "--database", database], environment: ["WC_API_OAUTH_NONCES": "lots"])
        XCTAssertEqual(environment.status, 2, environment.stderr)
        XCTAssertTrue(try runServerBinary(["serve", "--help"]).stdout.contains("--oauth-nonces N"))
    }

    func testServeStopsGracefullyOnSIGTERM() throws {
        let server = try ServerProcess(database: database)
        let response = try RawClient(port: server.port)
        try response.send("GET /wc-api/v2 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try response.readResponse().status, 200)
        server.signal(SIGTERM)
        XCTAssertEqual(server.wait(), 0)
    }

    /// `serve --reuse-port`: a second server on the same store and port starts and serves, and keeps serving once
    /// the first has stopped; without the flag the second cannot bind (status 1, the bind error on stderr).
    func testServeReusePortLetsTwoServersShareAPort() throws {
        let first = try ServerProcess(database: database, extraArguments: ["--reuse-port"])
        let refused = try runServerBinary(["serve", "--port", String(first.port), "--database", database, "--no-access-log"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("bind"), refused.stderr)
        let second = try ServerProcess(database: database, extraArguments: ["--reuse-port", "--port", String(first.port)])
        XCTAssertEqual(second.port, first.port)
        first.signal(SIGTERM)
        XCTAssertEqual(first.wait(), 0)
        for _ in 0..<8 {
            let client = try RawClient(port: second.port)
            try client.send("GET /wc-api/v2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
        }
        second.signal(SIGTERM)
        XCTAssertEqual(second.wait(), 0)
    }

    /// Stateless servers (issue 12): a key revoked by another process (`keys revoke`, or another server) is refused
    /// by every server on the store within a second — the key cache lives one second and is then read again.
    func testAKeyRevokedElsewhereIsRefusedByEveryServerWithinASecond() throws {
        let key = try CLIKey.create(database: database)
        let servers = [try ServerProcess(database: database), try ServerProcess(database: database)]
        try assertRevokedKeyIsRefusedWithinASecond(key, database: database, ports: servers.map(\.port))
        for server in servers {
            server.signal(SIGTERM)
            _ = server.wait()
        }
    }

    /// `GET /healthz`: outside the API, no key needed; 200 while the store can be read, 503 with the error
    /// envelope once its file is gone (a volume unmounted under the server), and other methods are the API's 404.
    func testHealthzAnswersForLoadBalancers() throws {
        let server = try ServerProcess(database: database)
        func request(_ method: String) throws -> TestResponse {
            let client = try RawClient(port: server.port)
            try client.send("\(method) /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return try client.readResponse(head: method == "HEAD")
        }
        let healthy = try request("GET")
        XCTAssertEqual(healthy.status, 200)
        XCTAssertEqual(healthy.text, #"{"status":"ok"}"#)
        XCTAssertEqual(try request("HEAD").status, 200)
        XCTAssertEqual(try request("POST").status, 404)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let unhealthy = try request("GET")
        XCTAssertEqual(unhealthy.status, 503)
        XCTAssertTrue(unhealthy.text.contains("woocommerce_api_database_unavailable"), unhealthy.text)
        server.signal(SIGTERM)
        _ = server.wait()
    }

    func testServeStopsGracefullyOnSIGINTClosingIdleConnections() throws {
        let server = try ServerProcess(database: database)
        let idle = try RawClient(port: server.port)
        try idle.send("GET /wc-api/v2 HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try idle.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertNil(response.header("Connection"), "kept alive before the signal")
        server.signal(SIGINT)
        XCTAssertTrue(idle.isClosedByServer())
        XCTAssertEqual(server.wait(timeout: 10), 0)
    }
}
