import Foundation
import Synchronization
import TestSupport
import XCTest

/// Issue 9: no request value a key holder sends may grow the server for good. 50,000 list requests with random
/// `filter[orderby]` lists, then 50,000 with random `fields`, search, date bounds, `filter[in]` and roles, leave
/// the real server's resident memory within a few MB of where a warm-up left it.
final class MemoryBoundTests: XCTestCase {
    /// Most the resident set may grow past the warmed-up figure (allocator slack, not a per-request cost).
    private let allowedGrowth = 8 << 20

    func testResidentMemoryStaysFlatUnderRandomListQueries() throws {
        let store = try LoadStore(customers: 300)
        // glibc's default arenas: measured, their jitter stays under 1 MB here, so no MALLOC_ARENA_MAX is needed.
        let server = try ServerProcess(database: store.database)
        let load = ListLoad(port: server.port, authorization: store.authorization)
        try load.createProductsAndOrders(count: 6)

        // The warm-up prepares the common statement shapes on every read connection and fills the customer cache.
        let warmUp = load.run(1_000, seed: 1) { $0.orderby() } + load.run(1_000, seed: 2) { $0.filters() }
        XCTAssertEqual(warmUp.failures, 0, warmUp.firstFailure ?? "")
        let start = try XCTUnwrap(server.residentBytes())

        let orderby = load.run(50_000, seed: 3) { $0.orderby() }
        XCTAssertEqual(orderby.failures, 0, orderby.firstFailure ?? "")
        let afterOrderby = try XCTUnwrap(server.residentBytes())

        let filters = load.run(50_000, seed: 4) { $0.filters() }
        XCTAssertEqual(filters.failures, 0, filters.firstFailure ?? "")
        let afterFilters = try XCTUnwrap(server.residentBytes())

        func kib(_ bytes: Int) -> String { "\(bytes / 1024) KiB" }
        let report = "RSS after warm-up \(kib(start)); after 50,000 orderby requests \(kib(afterOrderby)) "
            + "(grew \(kib(afterOrderby - start))); after 50,000 more with random filters \(kib(afterFilters)) "
            + "(grew \(kib(afterFilters - start)))"
        print(report)
        XCTAssertLessThanOrEqual(afterOrderby - start, allowedGrowth, report)
        XCTAssertLessThanOrEqual(afterFilters - start, allowedGrowth, report)
    }
}

/// A temporary store with `customers` seeded customers and one read-write key.
private final class LoadStore {
    let directory: URL
    let database: String
    /// `Basic <base64(key:secret)>`.
    let authorization: String

    init(customers: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = directory.appendingPathComponent("store.sqlite").path
        let seeded = try runServerBinary(["seed", "--database", database, "--customers", "\(customers)"])
        guard seeded.status == 0 else { throw RawClientError("seed failed: \(seeded.stderr)") }
        let created = try runServerBinary(["keys", "create", "--database", database, "--json"])
        let key = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String] ?? [:]
        authorization = "Basic " + Data("\(key["consumer_key"] ?? ""):\(key["consumer_secret"] ?? "")".utf8).base64EncodedString()
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// Sends requests over a few keep-alive connections at once and counts the answers that are not 200.
private struct ListLoad {
    let port: UInt16
    let authorization: String
    /// Concurrent connections (the server has one event loop per core; a few more keep them all busy).
    var connections = 4

    struct Outcome {
        var failures = 0
        var firstFailure: String?

        static func + (lhs: Outcome, rhs: Outcome) -> Outcome {
            Outcome(failures: lhs.failures + rhs.failures, firstFailure: lhs.firstFailure ?? rhs.firstFailure)
        }
    }

    /// Creates `count` products and as many orders of them.
    func createProductsAndOrders(count: Int) throws {
        let client = try RawClient(port: port)
        for n in 1...count {
            let product = try send("POST", "/wc-api/v2/products", #"{"product":{"title":"Item \#(n)","regular_price":"\#(n).50"}}"#, client)
            let id = (try product.json() as? [String: Any])?["product"].flatMap { ($0 as? [String: Any])?["id"] as? Int }
            guard product.status == 201, let id else { throw RawClientError("product: \(product.status) \(product.text)") }
            let order = try send("POST", "/wc-api/v2/orders", #"{"order":{"line_items":[{"product_id":\#(id),"quantity":\#(n)}]}}"#, client)
            guard order.status == 201 else { throw RawClientError("order: \(order.status) \(order.text)") }
        }
    }

    /// Sends `total` GET requests, split over ``connections`` threads; `target` makes each one's path and query.
    func run(_ total: Int, seed: UInt64, _ target: @escaping @Sendable (inout RandomListRequests) -> String) -> Outcome {
        let outcome = Mutex(Outcome())
        let group = DispatchGroup()
        for connection in 0..<connections {
            group.enter()
            let share = total / connections + (connection < total % connections ? 1 : 0)
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                var requests = RandomListRequests(seed: seed &* 1_000 &+ UInt64(connection))
                var client: RawClient?
                var mine = Outcome()
                for _ in 0..<share {
                    let path = target(&requests)
                    do {
                        if client == nil { client = try RawClient(port: port) }
                        let response = try send("GET", path, nil, client!)
                        if response.status != 200 {
                            mine.failures += 1
                            mine.firstFailure = mine.firstFailure ?? "\(path): \(response.status) \(response.text)"
                        }
                    } catch {
                        client = nil
                        mine.failures += 1
                        mine.firstFailure = mine.firstFailure ?? "\(path): \(error)"
                    }
                }
                outcome.withLock { $0 = $0 + mine }
            }
        }
        group.wait()
        return outcome.withLock { $0 }
    }

    private func send(_ method: String, _ path: String, _ body: String?, _ client: RawClient) throws -> TestResponse {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: \(authorization)\r\n"
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        try client.send(request + "\r\n" + (body ?? ""))
        return try client.readResponse()
    }
}
