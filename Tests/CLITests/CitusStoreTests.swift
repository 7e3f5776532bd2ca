import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import Synchronization
import TestSupport
import WooAPI
import XCTest

/// A store on Citus (issue 12, docs/scale-out.md §5) through the real binary: one moved there from SQLite with
/// `copy-store` serves the same bytes and keeps every invariant through writes (unique emails across shards, exact
/// figures, guest orders), and one seeded there directly has its lookups, role counts and figures right. The
/// layout itself is applied by the commands (the databases start with the citus extension and nothing else).
final class CitusStoreTests: XCTestCase {
    private static let shared = Mutex<Result<CitusCluster, any Error>?>(nil)
    private static let databases = Atomic<Int>(0)
    private var directory: URL!

    override class func setUp() {
        super.setUp()
        guard CitusCluster.unavailableReason == nil else { return }
        let started = Result<CitusCluster, any Error> { try CitusCluster.start() }
        shared.withLock { $0 = started }
    }

    override class func tearDown() {
        let cluster = shared.withLock { state -> CitusCluster? in
            defer { state = nil }
            return try? state?.get()
        }
        cluster?.stop()
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let reason = CitusCluster.unavailableReason { throw XCTSkip("Citus store tests skipped: \(reason)") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("citus-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func makeDatabase() throws -> String {
        guard let state = Self.shared.withLock({ $0 }) else {
            throw ClusterUnavailable("the Citus test cluster was not started")
        }
        return try state.get().makeDatabase("citus_store_\(Self.databases.add(1, ordering: .relaxed).newValue)")
    }

    /// Every customer's figures equal what their orders give, each email and login has exactly its lookup row, and
    /// the role counts sum to the users per role.
    private func assertBookkeeping(of database: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let db = try PostgresConnection(conninfo: database)
        defer { db.close() }
        XCTAssertTrue(try PostgresSchema.isDistributed(db), "not distributed", file: file, line: line)
        let users = try db.execute("SELECT id, email, username, role, orders_count, total_spent_cents, "
                                   + "coalesce(last_order_id, 0) FROM users ORDER BY id")
        let orders = try db.execute("SELECT customer_id, id, status, total_cents FROM orders")
        var expected: [String: (count: Int64, cents: Int64, last: Int64)] = [:]
        for row in 0..<orders.rowCount {
            let customer = orders.value(row: row, column: 0) ?? "", status = orders.value(row: row, column: 2) ?? ""
            let id = try orders.int64(row: row, column: 1) ?? 0, cents = try orders.int64(row: row, column: 3) ?? 0
            var figures = expected[customer] ?? (0, 0, 0)
            if status != "trash" { figures.count += 1; figures.last = max(figures.last, id) }
            if status == "processing" || status == "completed" { figures.cents += cents }
            expected[customer] = figures
        }
        var roles: [String: Int64] = [:]
        for row in 0..<users.rowCount {
            let id = users.value(row: row, column: 0) ?? ""
            let want = expected[id] ?? (0, 0, 0)
            let got = (try users.int64(row: row, column: 4) ?? -1, try users.int64(row: row, column: 5) ?? -1,
                       try users.int64(row: row, column: 6) ?? -1)
            XCTAssertTrue(got == want, "user \(id): figures \(got) ≠ \(want) from the orders", file: file, line: line)
            roles[users.value(row: row, column: 3) ?? "", default: 0] += 1
        }
        let emails = try db.execute("SELECT count(*) FROM users u WHERE u.email <> ''").int64(row: 0, column: 0)
        XCTAssertEqual(try db.execute("SELECT count(*) FROM user_emails").int64(row: 0, column: 0), emails,
                       file: file, line: line)
        XCTAssertEqual(try db.execute("SELECT count(*) FROM user_logins").int64(row: 0, column: 0),
                       Int64(users.rowCount), file: file, line: line)
        let counts = try db.execute("SELECT role, sum(users) FROM role_counts GROUP BY role HAVING sum(users) <> 0")
        var summed: [String: Int64] = [:]
        for row in 0..<counts.rowCount { summed[counts.value(row: row, column: 0) ?? ""] = try counts.int64(row: row, column: 1) }
        XCTAssertEqual(summed, roles, "role counts", file: file, line: line)
    }

    func testAStoreCopiedOntoCitusServesTheSameBytesAndKeepsItsInvariants() throws {
        let original = directory.appendingPathComponent("original.sqlite").path
        let seeded = try runServerBinary(["seed", "--database", original, "--customers", "80", "--orders", "150",
                                          "--products", "6"])
        XCTAssertEqual(seeded.status, 0, seeded.stderr)
        let key = try CLIKey.create(database: original)
        let before = try snapshot(of: original, key: key)

        let citus = try makeDatabase()
        let copied = try runServerBinary(["copy-store", "--from", original, "--to", citus])
        XCTAssertEqual(copied.status, 0, copied.stderr)
        XCTAssertTrue(copied.stdout.contains("counts and figures verified"), copied.stdout)
        assertSameBodies(before, try snapshot(of: citus, key: key))
        try assertBookkeeping(of: citus)

        // Writes on the distributed store: an email taken on another shard is refused, whatever its case; a new
        // one is created once; orders move a customer's figures; a deleted customer's orders become guest orders.
        let server = try ServerProcess(database: citus)
        defer { server.signal(SIGTERM); _ = server.wait(timeout: 10) }
        let api = try APIConnection(port: server.port, key: key)
        let taken = try api.send("GET", "/customers/5")
        let email = try XCTUnwrap(APIConnection.object(taken, "customer")?["email"] as? String)
        let duplicate = try api.send("POST", "/customers", json: #"{"customer":{"email":"\#(email.uppercased())"}}"#)
        XCTAssertEqual(duplicate.status, 400, duplicate.text)
        XCTAssertTrue(duplicate.text.contains("registration-error-email-exists"), duplicate.text)
        let created = try api.send("POST", "/customers", json: #"{"customer":{"email":"new@citus.example"}}"#)
        XCTAssertEqual(created.status, 201, created.text)
        let id = try XCTUnwrap(APIConnection.object(created, "customer")?["id"] as? Int)
        XCTAssertEqual(try api.send("POST", "/customers", json: #"{"customer":{"email":"NEW@citus.example"}}"#).status, 400)
        let moved = try api.send("PUT", "/customers/\(id)", json: #"{"customer":{"email":"moved@citus.example"}}"#)
        XCTAssertEqual(moved.status, 200, moved.text)
        XCTAssertEqual(try api.send("POST", "/customers", json: #"{"customer":{"email":"new@citus.example"}}"#).status,
                       201, "the old email is free again")
        for status in ["completed", "processing", "pending"] {
            let order = try api.send("POST", "/orders", json: #"{"order":{"customer_id":\#(id),"status":"\#(status)","#
                                     + #""line_items":[{"product_id":\#(try firstProductID(api)),"quantity":2}]}}"#)
            XCTAssertEqual(order.status, 201, order.text)
        }
        let customer = try XCTUnwrap(APIConnection.object(try api.send("GET", "/customers/\(id)"), "customer"))
        XCTAssertEqual(customer["orders_count"] as? Int, 3)
        let orders = try api.send("GET", "/customers/\(id)/orders")
        XCTAssertEqual(orders.status, 200)
        XCTAssertEqual(try api.send("DELETE", "/customers/\(id)").status, 200)
        try assertBookkeeping(of: citus)
        let guests = try PostgresConnection(conninfo: citus)
        defer { guests.close() }
        XCTAssertEqual(try guests.execute("SELECT count(*) FROM orders WHERE customer_id = $1", [.integer(Int64(id))])
                        .int64(row: 0, column: 0), 0, "the deleted customer's orders are guest orders")
    }

    func testASeedOnCitusHasItsLookupsRoleCountsAndFigures() throws {
        let citus = try makeDatabase()
        let seeded = try runServerBinary(["seed", "--database", citus, "--customers", "60", "--orders", "90",
                                          "--products", "5"])
        XCTAssertEqual(seeded.status, 0, seeded.stderr)
        try assertBookkeeping(of: citus)
    }

    private func firstProductID(_ api: APIConnection) throws -> Int {
        let products = try api.send("GET", "/products?filter[limit]=1")
        let list = try XCTUnwrap((try products.json() as? [String: Any])?["products"] as? [[String: Any]])
        return try XCTUnwrap(list.first?["id"] as? Int)
    }
}
