import Foundation
import Glibc
import SQLite
import Synchronization
import TestSupport
import WooAPI
import XCTest

/// Issue 12's scale-out tests with the real binary: three `wc-api-server serve` processes over one store, each
/// with its own caches, anchors and writer, must answer as one server would. Every count is exact; every client
/// read and process wait is bounded.
///
/// The back end is chosen by ``makeDatabase()`` alone (a SQLite file today): a PostgreSQL pass overrides it (and
/// ``schemaVersion(of:)``) and runs every test unchanged. None of these tests is SQLite by nature.
class ScaleOutTests: XCTestCase {
    /// How many servers share the store.
    static let serverCount = 3
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-scaleout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A new store that nothing has initialised yet: on SQLite a file path that does not exist. Each call gives
    /// another one. The one place the suite names its back end.
    func makeDatabase() throws -> String {
        directory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
    }

    /// The schema version the store records (SQLite: `PRAGMA user_version`).
    func schemaVersion(of database: String) throws -> Int {
        try SQLite.Database(path: database, configuration: .init(readOnly: true, journalMode: nil)).userVersion()
    }

    /// A store with a key (the key command creates and migrates it), and three servers over it.
    private func startFleet() throws -> (database: String, key: CLIKey, servers: [ServerProcess]) {
        let database = try makeDatabase()
        let key = try CLIKey.create(database: database)
        return (database, key, try ServerProcess.startTogether(Self.serverCount, database: database))
    }

    // MARK: 1. Nonces

    /// An OAuth request used on one server is refused by each of the others as a replay (401, the real store's
    /// message); and the same request sent to all three at once, twice to each, goes through exactly once.
    func testAnOAuthRequestReplayedToAnotherServerIsRefused() throws {
        let (_, key, servers) = try startFleet()
        let ports = servers.map(\.port)
        // Every copy carries the Host the request was signed for, as a replay through a balancer would.
        let host = "127.0.0.1:\(ports[0])"
        let url = "http://\(host)/wc-api/v2/customers/count"
        @Sendable func send(_ query: String, to port: UInt16) throws -> TestResponse {
            let client = try RawClient(port: port, timeout: 10)
            try client.send("GET /wc-api/v2/customers/count?\(query) HTTP/1.1\r\nHost: \(host)\r\n"
                + "Connection: close\r\n\r\n")
            return try client.readResponse()
        }
        for (origin, port) in ports.enumerated() {
            let query = key.signer.storeQuery(method: "GET", url: url, nonce: "replay-\(origin)")
            XCTAssertEqual(try send(query, to: port).status, 200)
            for other in ports where other != port {
                let replay = try send(query, to: other)
                XCTAssertEqual(replay.status, 401, "replay of server \(origin)'s request: \(replay.text)")
                XCTAssertEqual(APIConnection.errorCode(replay), "woocommerce_api_authentication_error")
                XCTAssertTrue(replay.text.contains("Invalid nonce - nonce has already been used."), replay.text)
            }
        }
        for round in 0..<4 {
            let query = key.signer.storeQuery(method: "GET", url: url, nonce: "race-\(round)")
            let statuses = Mutex<[Int]>([])
            XCTAssertEqual(onThreads(2 * ports.count) { worker in
                let status = try send(query, to: ports[worker % ports.count]).status
                statuses.withLock { $0.append(status) }
            }, [])
            XCTAssertEqual(statuses.withLock { $0.sorted() }, [200] + Array(repeating: 401, count: 2 * ports.count - 1),
                           "round \(round)")
        }
        assertNoServerLogged(servers)
    }

    // MARK: 2. Concurrent creates

    /// 3×200 creates at once (200 through each server, on four connections each) give 600 different ids, and every
    /// server's list then has exactly those customers (plus the 30 made before) on its pages, with an exact
    /// `X-WC-Total`, and its searches find them — although each server's page anchors and remembered search were
    /// made before the others wrote. Then 30 deletes spread over the servers, and the same again.
    func testConcurrentCreatesThroughEveryServerGiveUniqueIdsAndAnExactTotal() throws {
        let (_, key, servers) = try startFleet()
        let ports = servers.map(\.port)
        var before: Set<Int> = []
        let first = try APIConnection(port: ports[0], key: key)
        for n in 0..<30 { before.insert(try Self.create(on: first, email: "before-\(n)@example.com")) }
        // Each server reads every page and a search first, so it has anchors and a remembered list to keep right.
        for port in ports {
            XCTAssertEqual(try listedIDs(port: port, key: key, expectedTotal: 30), before)
            XCTAssertEqual(try searchTotal("*@example.com", port: port, key: key), 30)
        }

        let created = Mutex<[Int]>([])
        let perServer = 200, connections = 4
        XCTAssertEqual(onThreads(ports.count * connections) { worker in
            let connection = try APIConnection(port: ports[worker % ports.count], key: key)
            for n in 0..<(perServer / connections) {
                let id = try Self.create(on: connection, email: "w\(worker)-\(n)@example.com")
                created.withLock { $0.append(id) }
            }
        }, [])
        let ids = created.withLock { $0 }
        XCTAssertEqual(ids.count, 600)
        XCTAssertEqual(Set(ids).count, 600, "duplicate ids")
        XCTAssertTrue(Set(ids).isDisjoint(with: before))
        for port in ports {
            XCTAssertEqual(try listedIDs(port: port, key: key, expectedTotal: 630), before.union(ids), "server \(port)")
            XCTAssertEqual(try searchTotal("*@example.com", port: port, key: key), 630, "server \(port)")
            XCTAssertEqual(try searchTotal("w1-*", port: port, key: key), perServer / connections, "server \(port)")
        }
        // Deletes through each server in turn leave every server's pages and totals exact too.
        let deleted = Set(ids.prefix(30))
        for (index, id) in deleted.enumerated() {
            let connection = try APIConnection(port: ports[index % ports.count], key: key)
            let response = try connection.send("DELETE", "/customers/\(id)")
            XCTAssertEqual(response.status, 200, response.text)
        }
        for port in ports {
            let remaining = before.union(ids).subtracting(deleted)
            XCTAssertEqual(try listedIDs(port: port, key: key, expectedTotal: 600), remaining, "server \(port)")
            XCTAssertEqual(try searchTotal("*@example.com", port: port, key: key), 600, "server \(port)")
        }
        assertNoServerLogged(servers)
    }

    // MARK: 3. One email, three servers

    /// The same new email created on all three servers at once (twice on each): exactly one 201, the five others
    /// the real store's 400 for an existing email; every server then finds that one customer by email.
    func testTheSameNewEmailCreatedOnEveryServerAtOnceIsCreatedOnce() throws {
        let (_, key, servers) = try startFleet()
        let ports = servers.map(\.port)
        let rounds = 6, copies = 2 * ports.count
        for round in 0..<rounds {
            let email = "same-\(round)@example.com"
            let body = #"{"customer":{"email":"\#(email)","first_name":"Round \#(round)"}}"#
            let connections = try (0..<copies).map { try APIConnection(port: ports[$0 % ports.count], key: key) }
            let boxes = connections.map(UncheckedConnection.init)
            let responses = Mutex<[TestResponse]>([])
            XCTAssertEqual(onThreads(copies) { worker in
                let response = try boxes[worker].connection.send("POST", "/customers", json: body)
                responses.withLock { $0.append(response) }
            }, [])
            let all = responses.withLock { $0 }
            XCTAssertEqual(all.map(\.status).sorted(), [201] + Array(repeating: 400, count: copies - 1),
                           "round \(round)")
            for refused in all where refused.status == 400 {
                XCTAssertEqual(APIConnection.errorCode(refused), "registration-error-email-exists", refused.text)
            }
            let winner = try XCTUnwrap(all.first { $0.status == 201 }.flatMap { APIConnection.object($0, "customer") })
            for port in ports {
                let found = try APIConnection(port: port, key: key).send("GET", "/customers/email/\(email)")
                XCTAssertEqual(found.status, 200, found.text)
                XCTAssertEqual(APIConnection.object(found, "customer")?["id"] as? Int, winner["id"] as? Int)
            }
        }
        for port in ports {
            let list = try APIConnection(port: port, key: key).send("GET", "/customers")
            XCTAssertEqual(list.header("X-WC-Total"), String(rounds))
        }
        assertNoServerLogged(servers)
    }

    // MARK: 4. Customer figures

    /// Orders for one customer created through all three servers at once, in every registered status: each server
    /// then shows exactly their count, the sum of the paid ones' totals (processing, completed; customers §3.3)
    /// and the last one — also the servers that had the customer in their JSON cache before the orders — and the
    /// exact orders totals, by status too. Before the orders, an edit through one server shows on the others.
    func testConcurrentOrdersForOneCustomerGiveExactFiguresOnEveryServer() throws {
        let (_, key, servers) = try startFleet()
        let ports = servers.map(\.port)
        let customer = try Self.create(on: APIConnection(port: ports[0], key: key), email: "buyer@example.com")
        for port in ports {  // cached by every server, figures zero; an orders list read (anchors, a count)
            let connection = try APIConnection(port: port, key: key)
            let read = try connection.send("GET", "/customers/\(customer)")
            XCTAssertEqual(APIConnection.object(read, "customer")?["orders_count"] as? Int, 0)
            XCTAssertEqual(try connection.send("GET", "/orders").header("X-WC-Total"), "0")
        }
        // An edit through one server is what the others show next, although they had the customer cached.
        let renamed = try APIConnection(port: ports[1], key: key)
            .send("PUT", "/customers/\(customer)", json: #"{"customer":{"first_name":"Renamed"}}"#)
        XCTAssertEqual(renamed.status, 200, renamed.text)
        for port in ports {
            let read = try APIConnection(port: port, key: key).send("GET", "/customers/\(customer)")
            XCTAssertEqual(APIConnection.object(read, "customer")?["first_name"] as? String, "Renamed",
                           "server \(port)")
        }
        let statuses = ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"]
        let orders = Mutex<[(id: Int, status: String, cents: Int)]>([])
        let perWorker = 12, workers = 2 * ports.count
        XCTAssertEqual(onThreads(workers) { worker in
            let connection = try APIConnection(port: ports[worker % ports.count], key: key)
            for n in 0..<perWorker {
                let status = statuses[(worker * perWorker + n) % statuses.count]
                let cents = 1_001 + 37 * worker + 113 * n
                let body = #"{"order":{"customer_id":\#(customer),"status":"\#(status)","shipping_lines":[{"#
                    + #""method_id":"flat_rate","method_title":"Flat Rate","total":\#(Double(cents) / 100)}]}}"#
                let response = try connection.send("POST", "/orders", json: body)
                guard response.status == 201, let order = APIConnection.object(response, "order"),
                      let id = order["id"] as? Int, let total = order["total"] as? String,
                      let given = Int(total.replacingOccurrences(of: ".", with: "")) else {
                    throw RawClientError("order create: \(response.status) \(response.text)")
                }
                guard given == cents, order["status"] as? String == status else {
                    throw RawClientError("order \(id) came back as \(total) \(order["status"] ?? "")")
                }
                orders.withLock { $0.append((id, status, cents)) }
            }
        }, [])
        let created = orders.withLock { $0 }
        XCTAssertEqual(created.count, workers * perWorker)
        let paid = created.filter { $0.status == "processing" || $0.status == "completed" }.reduce(0) { $0 + $1.cents }
        let expectedSpent = String(format: "%d.%02d", paid / 100, paid % 100)
        let lastID = try XCTUnwrap(created.map(\.id).max())
        for port in ports {
            let connection = try APIConnection(port: port, key: key)
            let read = try connection.send("GET", "/customers/\(customer)")
            let figures = try XCTUnwrap(APIConnection.object(read, "customer"), read.text)
            XCTAssertEqual(figures["orders_count"] as? Int, workers * perWorker, "server \(port)")
            XCTAssertEqual(figures["total_spent"] as? String, expectedSpent, "server \(port)")
            XCTAssertEqual(figures["last_order_id"] as? Int, lastID, "server \(port)")
            let listed = try connection.send("GET", "/customers/\(customer)/orders")
            let listedOrders = (try listed.json() as? [String: Any])?["orders"] as? [[String: Any]]
            let ids = listedOrders?.compactMap { $0["id"] as? Int }
            XCTAssertEqual(ids.map(Set.init), Set(created.map(\.id)), "server \(port)")
            XCTAssertEqual(try connection.send("GET", "/orders").header("X-WC-Total"), String(created.count))
            for status in ["completed", "pending"] {
                let count = created.filter { $0.status == status }.count
                let byStatus = try connection.send("GET", "/orders?status=\(status)")
                XCTAssertEqual(byStatus.header("X-WC-Total"), String(count), "\(status) on server \(port)")
            }
        }
        assertNoServerLogged(servers)
    }

    // MARK: 5. Revoked keys

    /// A key revoked in the store is refused by all three servers within a second (the two-server case is
    /// `CLITests.testAKeyRevokedElsewhereIsRefusedByEveryServerWithinASecond`; both use the same helper).
    func testAKeyRevokedElsewhereIsRefusedByAllThreeWithinASecond() throws {
        let (database, key, servers) = try startFleet()
        let other = try CLIKey.create(database: database)
        try assertRevokedKeyIsRefusedWithinASecond(key, database: database, ports: servers.map(\.port))
        for server in servers {  // only the revoked key is refused
            XCTAssertEqual(try customersStatus(port: server.port, authorization: other.basicAuthorization), 200)
        }
    }

    // MARK: 6. kill -9 under load

    /// Creates through all three servers; one is killed with SIGKILL mid-stream; the other two go on. Every create
    /// any server acknowledged (201) is then read back through the survivors, and they never answered anything
    /// but 201 — not while the killed process held the store's write lock, nor after.
    func testEveryAcknowledgedCreateSurvivesKillingOneServerUnderLoad() throws {
        let (_, key, servers) = try startFleet()
        let ports = servers.map(\.port)
        let acknowledged = Mutex<[(id: Int, email: String, server: Int)]>([])
        let attempted = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let survivorFailures = Mutex<[String]>([])
        let workers = 2 * ports.count
        let group = DispatchGroup()
        for worker in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let server = worker % ports.count
                guard let connection = try? APIConnection(port: ports[server], key: key, timeout: 10) else { return }
                var n = 0
                while !stop.load(ordering: .relaxed) {
                    let email = "k\(worker)-\(n)@example.com"
                    n += 1
                    attempted.add(1, ordering: .relaxed)
                    do {
                        let body = #"{"customer":{"email":"\#(email)"}}"#
                        let response = try connection.send("POST", "/customers", json: body)
                        guard response.status == 201,
                              let id = APIConnection.object(response, "customer")?["id"] as? Int else {
                            throw RawClientError("\(response.status) \(response.text)")
                        }
                        acknowledged.withLock { $0.append((id, email, server)) }
                    } catch {
                        // The killed server's clients lose their connection; any other failure is a finding.
                        if server != 0 { survivorFailures.withLock { $0.append("server \(server): \(error)") } }
                        return
                    }
                }
            }
        }
        func waitForAcknowledged(_ count: Int) {
            let deadline = Date().addingTimeInterval(10)
            while acknowledged.withLock({ $0.count }) < count && Date() < deadline { usleep(5_000) }
        }
        waitForAcknowledged(150)
        servers[0].signal(SIGKILL)
        XCTAssertEqual(servers[0].wait(timeout: 5), SIGKILL)
        let atKill = acknowledged.withLock { $0.count }
        waitForAcknowledged(atKill + 150)
        stop.store(true, ordering: .relaxed)
        XCTAssertEqual(group.wait(timeout: .now() + 20), .success, "clients did not finish")
        XCTAssertEqual(survivorFailures.withLock { $0 }, [])

        let acked = acknowledged.withLock { $0 }
        XCTAssertGreaterThanOrEqual(acked.count, atKill + 150)
        XCTAssertTrue(acked.contains { $0.server == 0 }, "the killed server acknowledged nothing")
        let readers = try ports.dropFirst().map { try APIConnection(port: $0, key: key) }
        for (index, create) in acked.enumerated() {
            let response = try readers[index % readers.count].send("GET", "/customers/\(create.id)")
            XCTAssertEqual(response.status, 200, "customer \(create.id) (acknowledged by server \(create.server)) lost")
            XCTAssertEqual(APIConnection.object(response, "customer")?["email"] as? String, create.email)
        }
        // Creates the killed server committed but never answered may be there too, no others; both survivors agree.
        let totals = try readers.map { try $0.send("GET", "/customers").header("X-WC-Total").flatMap(Int.init) }
        XCTAssertEqual(Set(totals).count, 1, "\(totals)")
        let total = try XCTUnwrap(totals.first ?? nil)
        XCTAssertGreaterThanOrEqual(total, acked.count)
        XCTAssertLessThanOrEqual(total, attempted.load(ordering: .relaxed))
        assertNoServerLogged(Array(servers.dropFirst()))
    }

    // MARK: 7. Migration race

    /// Three servers started at the same instant on a store nothing has created yet: all three come up and serve
    /// reads and writes, and the store has the current schema version (applied once: a second application fails
    /// on its first `CREATE TABLE`, and that server would not have started). Five rounds, each on a new store.
    func testServersRacingToCreateANewStoreAllComeUp() throws {
        for round in 0..<5 {
            let database = try makeDatabase()
            let servers = try ServerProcess.startTogether(Self.serverCount, database: database)
            XCTAssertEqual(try schemaVersion(of: database), Store.schemaVersion, "round \(round)")
            let key = try CLIKey.create(database: database)
            for (index, server) in servers.enumerated() {
                let connection = try APIConnection(port: server.port, key: key)
                XCTAssertEqual(try connection.send("GET", "/customers").header("X-WC-Total"), String(index))
                let body = #"{"customer":{"email":"r\#(round)-\#(index)@example.com"}}"#
                XCTAssertEqual(try connection.send("POST", "/customers", json: body).status, 201)
            }
            assertNoServerLogged(servers)
            for server in servers {
                server.signal(SIGTERM)
                XCTAssertEqual(server.wait(timeout: 10), 0)
            }
        }
    }

    // MARK: Helpers

    /// Creates a customer with `email` and returns its id; anything but a 201 is an error.
    private static func create(on connection: APIConnection, email: String) throws -> Int {
        let response = try connection.send("POST", "/customers", json: #"{"customer":{"email":"\#(email)"}}"#)
        guard response.status == 201, let id = APIConnection.object(response, "customer")?["id"] as? Int else {
            throw RawClientError("create \(email): \(response.status) \(response.text)")
        }
        return id
    }

    /// Every customer id on every page of `port`'s list, 50 a page, checking each page's `X-WC-Total` and
    /// `X-WC-TotalPages` and that no id is listed twice.
    private func listedIDs(port: UInt16, key: CLIKey, expectedTotal: Int) throws -> Set<Int> {
        let connection = try APIConnection(port: port, key: key)
        let pages = (expectedTotal + 49) / 50
        var ids: [Int] = []
        for page in 1...max(pages, 1) {
            let response = try connection.send("GET", "/customers?filter%5Blimit%5D=50&page=\(page)")
            XCTAssertEqual(response.status, 200, response.text)
            XCTAssertEqual(response.header("X-WC-Total"), String(expectedTotal), "page \(page)")
            XCTAssertEqual(response.header("X-WC-TotalPages"), String(pages), "page \(page)")
            let customers = (try response.json() as? [String: Any])?["customers"] as? [[String: Any]] ?? []
            ids += customers.compactMap { $0["id"] as? Int }
        }
        XCTAssertEqual(ids.count, expectedTotal, "listed \(ids.count) of \(expectedTotal) on port \(port)")
        XCTAssertEqual(Set(ids).count, ids.count, "an id listed twice on port \(port)")
        return Set(ids)
    }

    /// `X-WC-Total` of a customers search (`filter[q]`, customers §6.2) on `port`.
    private func searchTotal(_ term: String, port: UInt16, key: CLIKey) throws -> Int? {
        let query = term.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? term
        let response = try APIConnection(port: port, key: key).send("GET", "/customers?filter%5Bq%5D=\(query)")
        XCTAssertEqual(response.status, 200, response.text)
        return response.header("X-WC-Total").flatMap(Int.init)
    }

    /// Fails when a server wrote anything past its listening line: the server logs every 500 and every state it
    /// could not save, so a clean run logs nothing.
    private func assertNoServerLogged(_ servers: [ServerProcess], file: StaticString = #filePath, line: UInt = #line) {
        for server in servers {
            let lines = server.errorOutput.split(separator: "\n").filter { !$0.contains("listening on http://") }
            XCTAssertEqual(lines, [], "server \(server.port) logged", file: file, line: line)
        }
    }

    /// Runs `body(worker)` for `count` workers, each on its own thread, released together; waits at most `timeout`
    /// seconds (a stuck worker fails the test instead of hanging it). Returns what the workers threw.
    private func onThreads(
        _ count: Int, timeout: Double = 60, _ body: @escaping @Sendable (Int) throws -> Void
    ) -> [String] {
        let failures = Mutex<[String]>([])
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for worker in 0..<count {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                start.wait()
                do { try body(worker) } catch { failures.withLock { $0.append("worker \(worker): \(error)") } }
            }
        }
        for _ in 0..<count { start.signal() }
        guard group.wait(timeout: .now() + timeout) == .success else {
            return ["workers still running after \(timeout) s"]
        }
        return failures.withLock { $0 }
    }
}

/// Hands a connection opened on the test's thread to the one worker thread that uses it.
private final class UncheckedConnection: @unchecked Sendable {
    let connection: APIConnection
    init(_ connection: APIConnection) { self.connection = connection }
}
