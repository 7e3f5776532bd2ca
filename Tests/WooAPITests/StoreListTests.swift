import Foundation
import HTTP
import SQLite
import Storage
import Synchronization
@testable import WooAPI
import XCTest

/// `Store.list` (issue 11) on a real store: where a body runs, and what comes back when it is slow, fails or
/// overruns the query time limit. The live behaviour (latency, fairness, shutdown) is in CLITests' `ReadPoolTests`.
final class StoreListTests: XCTestCase {
    private var directory: URL!
    private var store: Store!

    /// Counts to `n` in SQL: a body whose run time the test chooses (2,000,000 rows: a few hundred ms).
    private static func counting(to n: Int) -> @Sendable (Database) throws -> APIResponse {
        { db in
            let total = try db.query(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) FROM c",
                [.integer(Int64(n))]).first?[0].intValue ?? 0
            return .count(total)
        }
    }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-store-list-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try makeStore(queryTimeout: .seconds(10))
    }

    /// A store over the test's file with two read threads and this query time limit.
    private func makeStore(queryTimeout: Duration) throws -> Store {
        var pool = ReadPoolConfiguration()
        pool.threads = 2
        pool.queryTimeout = queryTimeout
        return try Store(path: directory.appendingPathComponent("store.sqlite").path, readPool: pool)
    }

    override func tearDown() {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Where the outcome answers ("now" or "pool") and its response (awaited up to 10 s).
    private func answer(_ outcome: HandlerOutcome) throws -> (where: String, response: APIResponse) {
        switch outcome {
        case .now(let response):
            return ("now", response)
        case .later(let start, let body):
            let box = Mutex<APIResponse?>(nil)
            let done = DispatchSemaphore(value: 0)
            // The engine's promise, delivering here; the JSONP-free wire form is the API response as it was.
            body(APIPromise(promise: ResponsePromise { response in
                box.withLock { $0 = APIResponse(status: response.status.code, body: response.body) }
                done.signal()
            }, jsonp: nil))
            guard done.wait(timeout: .now() + 10) == .success, let response = box.withLock({ $0 }) else {
                throw RawError("no answer in 10 s")
            }
            return (start == .readPool ? "pool" : "elsewhere", response)
        }
    }

    func testCheapBodyAnswersNowOnTheCallingThread() throws {
        let (place, response) = try answer(store.list(owner: .key(1), cheap: true, Self.counting(to: 100)))
        XCTAssertEqual(place, "now")
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"count":100}"#)
    }

    func testCheapBodyPastTheLoopBudgetMovesToThePoolAndCompletes() throws {
        let start = Date()
        let outcome = store.list(owner: .key(1), cheap: true, Self.counting(to: 2_000_000))
        let onCaller = Date().timeIntervalSince(start)
        let (place, response) = try answer(outcome)
        let total = Date().timeIntervalSince(start)
        print("misjudged body: \(Int(onCaller * 1000)) ms on the calling thread (budget 5 ms), answered after \(Int(total * 1000)) ms")
        XCTAssertEqual(place, "pool")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"count":2000000}"#)
        XCTAssertLessThan(onCaller, 0.05, "the caller is held for about the budget, not the whole read")
        XCTAssertGreaterThan(total, onCaller * 2, "the read itself must outlast the budget for this test to mean something")
    }

    func testExpensiveBodyGoesStraightToThePool() throws {
        let (place, response) = try answer(store.list(owner: .address("127.0.0.1"), cheap: false, Self.counting(to: 10)))
        XCTAssertEqual(place, "pool")
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"count":10}"#)
    }

    func testErrorsAreEnvelopesWhereverTheBodyRuns() throws {
        let failing: @Sendable (Database) throws -> APIResponse = { _ in throw APIError.noRoute }
        for cheap in [true, false] {
            let (_, response) = try answer(store.list(owner: .key(1), cheap: cheap, failing))
            XCTAssertEqual(response.status, 404)
            XCTAssertEqual(response.body, APIError.noRoute.envelope)
        }
    }

    func testPooledReadPastTheQueryTimeLimitIs503AndThePoolKeepsServing() throws {
        store.close()
        store = try makeStore(queryTimeout: .milliseconds(300))
        let start = Date()
        let (place, response) = try answer(store.list(owner: .key(1), cheap: false, Self.counting(to: 1_000_000_000)))
        XCTAssertEqual(place, "pool")
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(response.body, APIError.queryTimeout(.milliseconds(300)).envelope)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        for _ in 0..<4 {
            let (_, next) = try answer(store.list(owner: .key(1), cheap: false, Self.counting(to: 5)))
            XCTAssertEqual(String(decoding: next.body, as: UTF8.self), #"{"count":5}"#)
        }
    }

    func testAfterShutdownReadsAreRefusedWith503() throws {
        store.beginShutdown()
        let (_, response) = try answer(store.list(owner: .key(1), cheap: false, Self.counting(to: 5)))
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(response.body, APIError.serverShuttingDown.envelope)
    }
}

private struct RawError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
