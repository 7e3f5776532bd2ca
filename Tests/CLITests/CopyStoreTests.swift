import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import SQLite
import TestSupport
import XCTest

/// `wc-api-server copy-store` (issue 12): a store moved from SQLite to PostgreSQL and back serves the same bytes,
/// keeps its keys and id sequences, and a non-empty target is refused untouched.
final class CopyStoreTests: PostgresTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("copy-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func testAStoreMovedToPostgresAndBackServesTheSameBytes() throws {
        let original = path("original.sqlite")
        let seeded = try runServerBinary(["seed", "--database", original, "--customers", "120", "--orders", "200",
                                          "--products", "8"])
        XCTAssertEqual(seeded.status, 0, seeded.stderr)
        let key = try CLIKey.create(database: original)
        // A nonce used, and the newest customer deleted: its id must not be handed out again after the moves.
        let db = try SQLite.Database(path: original)
        try db.execute("INSERT INTO oauth_nonces (key_id, nonce, timestamp) VALUES (1, 'used', ?)", [.integer(Int64(time(nil)))])
        let newest = try XCTUnwrap(try db.query("SELECT max(id) FROM users").first?[0].int64Value)
        try db.execute("DELETE FROM users WHERE id = ?", [.integer(newest)])
        let before = try snapshot(of: original, key: key)

        let postgres = try cluster.url()
        let there = try runServerBinary(["copy-store", "--from", original, "--to", postgres])
        XCTAssertEqual(there.status, 0, there.stderr)
        XCTAssertTrue(there.stdout.contains("counts and figures verified"), there.stdout)
        XCTAssertTrue(there.stdout.contains("1 oauth_nonces"), there.stdout)
        let back = path("back.sqlite")
        let home = try runServerBinary(["copy-store", "--from", postgres, "--to", back])
        XCTAssertEqual(home.status, 0, home.stderr)
        XCTAssertEqual(home.stdout.split(separator: ":").dropFirst().joined(), there.stdout.split(separator: ":").dropFirst().joined(),
                       "the same rows each way")

        let after = try snapshot(of: back, key: key)  // the source's key works on the copy
        assertSameBodies(before, after)
        XCTAssertGreaterThan(before["/customers?filter[limit]=-1"]?.count ?? 0, 10_000)

        // Ids: the next customer on the copy gets the id the original would give, past the deleted one.
        let server = try ServerProcess(database: back)
        defer { server.signal(SIGTERM); _ = server.wait(timeout: 10) }
        let created = try APIConnection(port: server.port, key: key)
            .send("POST", "/customers", json: #"{"customer":{"email":"moved@example.com"}}"#)
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual(APIConnection.object(created, "customer")?["id"] as? Int, Int(newest) + 1)
    }

    func testANonEmptyTargetIsRefusedAndLeftAsItWas() throws {
        let source = path("source.sqlite"), target = path("target.sqlite")
        XCTAssertEqual(try runServerBinary(["seed", "--database", source, "--customers", "5"]).status, 0)
        _ = try CLIKey.create(database: target)  // a key is data: the target is no longer empty
        let refused = try runServerBinary(["copy-store", "--from", source, "--to", target])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("the target store is not empty (api_keys has rows)"), refused.stderr)
        let db = try SQLite.Database(path: target)
        XCTAssertEqual(try db.query("SELECT count(*) FROM users").first?[0].intValue, 1, "nothing copied")

        // The same on PostgreSQL, after a first copy filled it.
        let postgres = try cluster.url()
        XCTAssertEqual(try runServerBinary(["copy-store", "--from", source, "--to", postgres]).status, 0)
        let again = try runServerBinary(["copy-store", "--from", source, "--to", postgres])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("not empty"), again.stderr)
        let count = try makeConnection().execute("SELECT count(*) FROM users").value(row: 0, column: 0)
        XCTAssertEqual(count, "6")
    }

    func testUsageErrors() throws {
        let missing = try runServerBinary(["copy-store", "--from", path("nothing.sqlite"), "--to", path("t.sqlite")])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no store at"), missing.stderr)
        XCTAssertEqual(try runServerBinary(["copy-store", "--to", path("t.sqlite")]).status, 2)
        XCTAssertEqual(try runServerBinary(["copy-store", "--from", "a", "--to", "a"]).status, 2)
        XCTAssertTrue(try runServerBinary(["copy-store", "--help"]).stdout.contains("usage: wc-api-server copy-store"))
    }
}

extension XCTestCase {
    /// What a client sees of a store: the bodies of a set of reads, with the same key.
    func snapshot(of database: String, key: CLIKey) throws -> [String: String] {
        let server = try ServerProcess(database: database)
        defer {
            server.signal(SIGTERM)
            _ = server.wait(timeout: 10)
        }
        let api = try APIConnection(port: server.port, key: key)
        var bodies: [String: String] = [:]
        for route in ["/customers?filter[limit]=-1", "/customers/count", "/orders?filter[limit]=-1&status=any",
                      "/orders/count", "/products?filter[limit]=-1", "/customers/5/orders", "/customers/5/downloads",
                      "/customers?filter[q]=*smith*&filter[orderby]=email", "/customers/email/admin@example.com"] {
            let response = try api.send("GET", route)
            XCTAssertEqual(response.status, 200, "\(route): \(response.text.prefix(200))")
            // What differs between two server processes by nature: their port in links, and the placeholder
            // image's times (the moment of the request).
            bodies[route] = response.text.replacingOccurrences(of: "127.0.0.1:\(server.port)", with: "HOST")
                .replacingOccurrences(of: #""images":\[[^\]]*\]"#, with: #""images":[…]"#, options: .regularExpression)
        }
        return bodies
    }

    /// Fails for every route whose body differs between two snapshots, showing where.
    func assertSameBodies(_ before: [String: String], _ after: [String: String],
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(before.keys.sorted(), after.keys.sorted(), file: file, line: line)
        for route in before.keys.sorted() {
            let (old, new) = (Array(before[route] ?? ""), Array(after[route] ?? ""))
            guard old != new else { continue }
            let at = zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
            XCTFail("\(route) differs at \(at): …\(String(old[max(0, at - 80)..<min(old.count, at + 80)])) ≠ "
                    + "…\(String(new[max(0, at - 80)..<min(new.count, at + 80)]))", file: file, line: line)
        }
    }
}
