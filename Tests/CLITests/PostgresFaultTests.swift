import Foundation
import Glibc
import PostgresTestSupport
import Synchronization
import TestSupport
import XCTest

/// Issue 12's faults on PostgreSQL: while the database is down, requests get a 503 in the WooCommerce envelope
/// within a bounded time (never a 500, a hang or a crash), `/healthz` says 503, and when the database is back the
/// server serves again by itself; no acknowledged create is lost.
final class PostgresFaultTests: PostgresTestCase {
    /// One request's outcome: status, error code, seconds taken, and the id of a created customer.
    struct Outcome {
        var status: Int
        var code: String?
        var seconds: Double
        var createdID: Int?
    }

    func testADatabaseRestartGivesBounded503sThenRecovery() throws {
        let url = try cluster.url()
        let key = try CLIKey.create(database: url)
        let server = try ServerProcess(database: url)
        defer {
            server.signal(SIGTERM)
            _ = server.wait(timeout: 10)
        }
        let port = server.port
        func health() -> Int {
            guard let client = try? RawClient(port: port, timeout: 10) else { return 0 }
            try? client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return (try? client.readResponse().status) ?? 0
        }
        XCTAssertEqual(health(), 200)

        // Four clients create and read customers the whole time.
        let stop = Atomic<Bool>(false)
        let outcomes = Mutex<[Outcome]>([])
        let clients = DispatchGroup()
        for worker in 0..<4 {
            DispatchQueue.global().async(group: clients) {
                var sequence = 0
                while !stop.load(ordering: .relaxed) {
                    sequence += 1
                    let started = Date()
                    // A new connection each time: a client of a load balancer, not one pinned socket.
                    guard let api = try? APIConnection(port: port, key: key, timeout: 15) else {
                        outcomes.withLock { $0.append(Outcome(status: 0, code: "connect", seconds: 0)) }
                        continue
                    }
                    let response = sequence % 2 == 0
                        ? try? api.send("GET", "/customers?filter[limit]=5")
                        : try? api.send("POST", "/customers", json: #"{"customer":{"email":"w\#(worker)-\#(sequence)@example.com"}}"#)
                    let outcome = Outcome(
                        status: response?.status ?? 0, code: response.flatMap(APIConnection.errorCode),
                        seconds: Date().timeIntervalSince(started),
                        createdID: response.flatMap { APIConnection.object($0, "customer")?["id"] as? Int })
                    outcomes.withLock { $0.append(outcome) }
                    usleep(20_000)
                }
            }
        }
        usleep(700_000)
        try cluster.stopServer()
        let stopped = Date()
        usleep(1_500_000)
        XCTAssertEqual(health(), 503, "the database is down")
        let duringCount = outcomes.withLock { $0.count }
        try cluster.startServer()
        // Back by itself: /healthz and requests succeed again within a few seconds.
        var recovered = false
        while Date().timeIntervalSince(stopped) < 20 {
            if health() == 200 { recovered = true; break }
            usleep(100_000)
        }
        XCTAssertTrue(recovered, "the server did not serve again after the database came back")
        usleep(1_000_000)
        stop.store(true, ordering: .relaxed)
        XCTAssertEqual(clients.wait(timeout: .now() + 30), .success)

        let all = outcomes.withLock { $0 }
        XCTAssertGreaterThan(duringCount, 8, "requests were made while the database was down")
        for outcome in all {
            XCTAssertTrue([200, 201, 503].contains(outcome.status), "status \(outcome.status) \(outcome.code ?? "")")
            if outcome.status == 503 { XCTAssertEqual(outcome.code, "woocommerce_api_database_unavailable") }
            XCTAssertLessThan(outcome.seconds, 5, "a request took \(outcome.seconds) s")
        }
        XCTAssertGreaterThan(all.filter { $0.status == 503 }.count, 0, "the outage was seen")
        XCTAssertGreaterThan(all.suffix(8).filter { $0.status == 200 || $0.status == 201 }.count, 0, "served again")
        XCTAssertNil(server.wait(timeout: 0), "the server is still running")

        // Every acknowledged create is in the database.
        let created = Set(all.compactMap(\.createdID))
        XCTAssertGreaterThan(created.count, 0)
        let api = try APIConnection(port: port, key: key)
        for id in created { XCTAssertEqual(try api.send("GET", "/customers/\(id)").status, 200, "customer \(id)") }
    }
}
