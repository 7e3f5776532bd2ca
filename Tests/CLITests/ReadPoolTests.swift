import Foundation
import SQLite
import Storage
import Synchronization
import TestSupport
import XCTest

/// Issue 11: no request waits on another client's slow query. The real binary on one event loop, over a store of
/// 300,000 customers (seeded with SQL, a few seconds), with list shapes that scan and sort every row: point reads
/// stay fast beside them, a read past the query time limit is a 503, the pool is fair between keys and bounded,
/// a misjudged "cheap" shape leaves the loop, and SIGTERM ends everything within the grace period.
final class ReadPoolTests: XCTestCase {
    /// A search matching every customer, sorted by two keys the indexes cannot give, at a deep page: it reads,
    /// filters and sorts all 300,000 rows, and its count scans them all again.
    static let slowList = "/wc-api/v2/customers?filter%5Bq%5D=*e*&filter%5Borderby%5D=email,username&filter%5Border%5D=desc&page=20000"
    /// A point read of one seeded customer.
    static let pointRead = "/wc-api/v2/customers/5000"

    /// Fifty point reads 10 ms apart, each answered 200 (while a flood of slow lists runs); their times.
    private func pointReadTimes(_ client: Client) throws -> [Double] {
        var times: [Double] = []
        for _ in 0..<50 {
            let (response, seconds) = try client.timedGet(Self.pointRead)
            XCTAssertEqual(response.status, 200, response.text)
            times.append(seconds)
            usleep(10_000)
        }
        return times
    }

    private static let shared = Mutex<SeededStore?>(nil)

    override class func tearDown() {
        shared.withLock { $0 = nil }
        super.tearDown()
    }

    /// The store, built on first use and shared by the suite's tests (they only read it).
    private func store() throws -> SeededStore {
        try Self.shared.withLock { store in
            if let store { return store }
            let made = try SeededStore(customers: 300_000)
            store = made
            return made
        }
    }

    // (a) A point read is answered in milliseconds on the one event loop while slow lists run.
    func testPointReadStaysFastWhileSlowListsRunOnOneLoop() throws {
        let store = try store()
        let server = try ServerProcess(database: store.database, extraArguments: ["--threads", "1", "--read-threads", "2"])
        let client = try Client(port: server.port, authorization: store.authorizations[0])

        _ = try client.get(Self.pointRead)
        let (slow, slowAlone) = try client.timedGet(Self.slowList)
        XCTAssertEqual(slow.status, 200, slow.text)
        let alone = try (0..<50).map { _ in try client.timedGet(Self.pointRead).seconds }

        let flood = Flood(port: server.port, authorization: store.authorizations[1], path: Self.slowList, connections: 4)
        usleep(100_000)
        let during = try pointReadTimes(client)
        let flooded = flood.stop()
        XCTAssertGreaterThan(flooded.ok, 0, "the slow lists must have run during the measurement: \(flooded)")
        XCTAssertEqual(flooded.other, 0, "\(flooded)")

        let report = "slow list alone \(ms(slowAlone)); GET alone p50 \(ms(percentile(alone, 50))) p99 \(ms(percentile(alone, 99))); "
            + "GET during 4 slow-list clients p50 \(ms(percentile(during, 50))) p99 \(ms(percentile(during, 99))) "
            + "max \(ms(during.max()!)); slow lists answered meanwhile: \(flooded.ok)"
        print(report)
        XCTAssertGreaterThan(slowAlone, 0.1, "the slow list must really be slow for this test to mean something: \(report)")
        XCTAssertLessThan(percentile(during, 99), 0.025, report)
    }

    // (b) A read past the query time limit is a 503 with its code, quickly, and the server keeps serving.
    func testQueryTimeLimitAnswers503AndTheServerKeepsServing() throws {
        let store = try store()
        let server = try ServerProcess(
            database: store.database, extraArguments: ["--threads", "1", "--read-threads", "2", "--query-timeout", "0.1"])
        let client = try Client(port: server.port, authorization: store.authorizations[0])
        // (The slow list takes ~250–900 ms alone here; the limit is well below that.)
        for _ in 0..<3 {
            let (response, seconds) = try client.timedGet(Self.slowList)
            print("query time limit 100 ms: answered \(response.status) after \(ms(seconds))")
            XCTAssertEqual(response.status, 503, response.text)
            XCTAssertEqual(try errorCode(response), "woocommerce_api_query_timeout")
            XCTAssertTrue(response.text.contains("limit of 0.1 s"), response.text)
            XCTAssertGreaterThanOrEqual(seconds, 0.1)
            XCTAssertLessThan(seconds, 2.0)
        }
        // Both pool connections (each interrupted above, in some order) still answer reads — a count with a search
        // runs on the pool, through the email index — as does the loop.
        for _ in 0..<6 {
            let count = try client.get("/wc-api/v2/customers/count?filter%5Bq%5D=seed77%40example.com")
            XCTAssertEqual(count.status, 200, count.text)
            XCTAssertEqual(count.text, #"{"count":1}"#)
        }
        XCTAssertEqual(try client.get(Self.pointRead).status, 200)
        XCTAssertEqual(try client.get("/wc-api/v2/customers/count").text, #"{"count":300000}"#)
    }

    // (c) One key floods the pool; another key's slow read still starts at once, not behind the flood.
    func testAnotherKeysSlowReadIsNotQueuedBehindAFlood() throws {
        let store = try store()
        let server = try ServerProcess(database: store.database, extraArguments: ["--threads", "1", "--read-threads", "2"])
        let port = server.port
        let finished = Mutex<[(key: String, at: Double)]>([])
        let start = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        func send(_ key: String, _ authorization: String) {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let client = try? Client(port: port, authorization: authorization, timeout: 60),
                      let response = try? client.get(Self.slowList), response.status == 200 else {
                    finished.withLock { $0.append((key: key + " failed", at: 0)) }
                    return
                }
                let at = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                finished.withLock { $0.append((key: key, at: at)) }
            }
        }
        for _ in 0..<6 { send("A", store.authorizations[0]) }
        usleep(150_000)  // the flood is queued before B asks
        send("B", store.authorizations[1])
        group.wait()
        let order = finished.withLock { $0 }.sorted { $0.at < $1.at }
        let report = order.map { "\($0.key) \(ms($0.at))" }.joined(separator: ", ")
        print("finish order (6 slow lists of key A, then 1 of key B, 2 read threads): \(report)")
        XCTAssertFalse(order.contains { $0.key.hasSuffix("failed") }, report)
        // Key A runs on one thread at a time (threads − 1), so B gets the other at once: it finishes before most of
        // A's reads, where a first-come queue would put it after all six.
        let place = try XCTUnwrap(order.firstIndex { $0.key == "B" })
        XCTAssertLessThanOrEqual(place, 3, report)
    }

    // (d) Past the queue bounds (per key, then overall) a read is refused at once with a 503 and Retry-After.
    func testFullQueuesAnswer503ServerBusyAtOnce() throws {
        let store = try store()
        let server = try ServerProcess(database: store.database, extraArguments: [
            "--threads", "1", "--read-threads", "2", "--read-queue", "3", "--read-queue-per-client", "2"])
        let port = server.port
        let results = Mutex<[(key: String, status: Int, code: String?, retryAfter: String?, seconds: Double)]>([])
        let group = DispatchGroup()
        func send(_ key: String, _ authorization: String) {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let client = try? Client(port: port, authorization: authorization, timeout: 60),
                      let timed = try? client.timedGet(Self.slowList) else {
                    results.withLock { $0.append((key: key, status: 0, code: nil, retryAfter: nil, seconds: 0)) }
                    return
                }
                let (response, seconds) = timed
                let code = try? errorCode(response)
                results.withLock { $0.append((key: key, status: response.status, code: code,
                                              retryAfter: response.header("Retry-After"), seconds: seconds)) }
            }
        }
        // Key A: one read runs (its limit: threads − 1), two wait (its queue bound), three are refused.
        // (Everything below is sent within ~60 ms, well inside one slow read, so nothing has finished meanwhile.)
        for _ in 0..<6 { send("A", store.authorizations[0]) }
        usleep(50_000)
        // Key B: one runs on the other thread, one waits (3 waiting: the overall bound), one is refused.
        for _ in 0..<3 { send("B", store.authorizations[1]) }
        group.wait()
        let all = results.withLock { $0 }
        let report = all.map { "\($0.key) \($0.status) \($0.code ?? "-") \(ms($0.seconds))" }.joined(separator: ", ")
        print("queue bounds (per client 2, overall 3): \(report)")
        for key in ["A", "B"] {
            let mine = all.filter { $0.key == key }
            let refused = mine.filter { $0.status == 503 }
            XCTAssertEqual(mine.filter { $0.status == 200 }.count, key == "A" ? 3 : 2, report)
            XCTAssertEqual(refused.count, key == "A" ? 3 : 1, report)
            for refusal in refused {
                XCTAssertEqual(refusal.code, "woocommerce_api_server_busy", report)
                XCTAssertEqual(refusal.retryAfter, "1", report)
                XCTAssertLessThan(refusal.seconds, 0.1, "a refusal is immediate: \(report)")
            }
        }
    }

    // (e) A shape declared cheap that is slow (the default order, a 1,000-row page) completes from the pool, and
    // the loop it was tried on stays free: each attempt holds it for the 5 ms budget at most.
    func testMisjudgedCheapShapeMovesToThePoolAndCompletes() throws {
        let store = try store()
        let server = try ServerProcess(database: store.database, extraArguments: ["--threads", "1", "--read-threads", "2"])
        let client = try Client(port: server.port, authorization: store.authorizations[0])
        let bigPage = "/wc-api/v2/customers?filter%5Blimit%5D=1000&page=150"
        let (page, alone) = try client.timedGet(bigPage)
        XCTAssertEqual(page.status, 200, page.text)
        let customers = try XCTUnwrap((try page.json() as? [String: Any])?["customers"] as? [[String: Any]])
        XCTAssertEqual(customers.count, 1000)
        XCTAssertEqual(customers.first?["username"] as? String, "seed149001")
        XCTAssertEqual(customers.last?["username"] as? String, "seed150000")
        XCTAssertEqual(page.header("X-WC-Total"), "300000")

        let flood = Flood(port: server.port, authorization: store.authorizations[1], path: bigPage, connections: 2)
        usleep(100_000)
        let during = try pointReadTimes(client)
        let flooded = flood.stop()
        XCTAssertGreaterThan(flooded.ok, 0, "\(flooded)")
        XCTAssertEqual(flooded.other, 0, "\(flooded)")
        let report = "1,000-row default-order page alone \(ms(alone)) (loop budget 5 ms); GET during 2 such clients "
            + "p50 \(ms(percentile(during, 50))) p99 \(ms(percentile(during, 99))); pages answered meanwhile: \(flooded.ok)"
        print(report)
        XCTAssertGreaterThan(alone, 0.02, "the page must outlast the loop budget for this test to mean something: \(report)")
        // Were the pages run on the loop, most GETs would wait one out (≥ 20 ms). The 90th percentile shows that
        // without the scheduling noise of a 2-core machine running three busy threads (the 99th is reported).
        XCTAssertLessThan(percentile(during, 90), 0.025, report)
    }

    // Every read-pool limit is explicit: a zero, negative or non-numeric value is a usage error (status 2).
    func testReadPoolFlagsRefuseBadValues() throws {
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("wc-readpool-flags-\(UUID().uuidString).sqlite").path
        let cases: [([String], [String: String], String)] = [
            (["--query-timeout", "0"], [:], "--query-timeout"), (["--query-timeout", "-1"], [:], "--query-timeout"),
            (["--query-timeout", "soon"], [:], "--query-timeout"), ([], ["WC_API_QUERY_TIMEOUT": "0"], "--query-timeout"),
            (["--read-threads", "0"], [:], "--read-threads"), (["--loop-budget", "0"], [:], "--loop-budget"),
            (["--read-queue", "0"], [:], "--read-queue"), (["--read-queue-per-client", "0"], [:], "--read-queue-per-client"),
        ]
        for (arguments, environment, name) in cases {
            let result = try runServerBinary(["serve", "--port", "0", "--database", database] + arguments, environment: environment)
            XCTAssertEqual(result.status, 2, "\(arguments) \(environment): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(name + " must be"), "\(arguments) \(environment): \(result.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: database), "refused before the store is opened")
    }

    // Shutdown: with slow reads running and waiting, SIGTERM ends the process (status 0) well within its grace;
    // every client gets an answer (its 200, or a 503) or a closed connection — none hangs.
    func testSigtermWithSlowReadsRunningExitsPromptly() throws {
        let store = try store()
        let server = try ServerProcess(database: store.database, extraArguments: ["--threads", "1", "--read-threads", "2"])
        let port = server.port, authorizations = store.authorizations
        let outcomes = Mutex<[String]>([])
        let group = DispatchGroup()
        for index in 0..<6 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let outcome: String
                do {
                    let client = try Client(port: port, authorization: authorizations[index % 2], timeout: 8)
                    let response = try client.get(Self.slowList)
                    outcome = "\(response.status) \((try? errorCode(response)) ?? "")"
                } catch {
                    outcome = "closed: \(error)"
                }
                outcomes.withLock { $0.append(outcome) }
            }
        }
        usleep(300_000)
        let start = Date()
        server.signal(SIGTERM)
        let status = server.wait(timeout: 9)
        let elapsed = Date().timeIntervalSince(start)
        group.wait()
        let all = outcomes.withLock { $0 }
        print("SIGTERM with 6 slow reads in flight: exited \(status.map(String.init) ?? "no") after \(ms(elapsed)); clients: \(all)")
        XCTAssertEqual(status, 0)
        XCTAssertLessThan(elapsed, 5.0)
        for outcome in all {
            XCTAssertTrue(outcome.hasPrefix("200") || outcome.hasPrefix("503") || outcome.hasPrefix("closed"), outcome)
            XCTAssertFalse(outcome.contains("timed out") || outcome.contains("Resource temporarily"), outcome)
        }
        XCTAssertTrue(all.contains { $0.contains("woocommerce_api_server_shutting_down") }, "\(all)")
    }
}

// MARK: Helpers

/// A temporary store with the admin's two keys and `customers` customers inserted by one SQL statement.
private final class SeededStore: Sendable {
    let directory: URL
    let database: String
    /// `Basic <base64(key:secret)>` of two keys (two owners for the read pool).
    let authorizations: [String]

    init(customers: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-readpool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = directory.appendingPathComponent("store.sqlite").path
        var authorizations: [String] = []
        for _ in 0..<2 {
            let created = try runServerBinary(["keys", "create", "--database", database, "--json"])
            let key = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String] ?? [:]
            authorizations.append(
                "Basic " + Data("\(key["consumer_key"] ?? ""):\(key["consumer_secret"] ?? "")".utf8).base64EncodedString())
        }
        self.authorizations = authorizations
        let db = try Database(path: database)
        try db.execute("""
            INSERT INTO users (username, email, password_hash, role, created_at, updated_at)
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
            SELECT 'seed' || x, 'seed' || x || '@example.com', 'x', 'customer', 1700000000 + x, 1700000000 + x FROM n
            """, [.integer(Int64(customers))])
        try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// One keep-alive connection with a key's credentials.
private final class Client {
    let raw: RawClient
    let authorization: String

    init(port: UInt16, authorization: String, timeout: Double = 30) throws {
        raw = try RawClient(port: port, timeout: timeout)
        self.authorization = authorization
    }

    func get(_ path: String) throws -> TestResponse {
        try raw.send("GET \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: \(authorization)\r\n\r\n")
        return try raw.readResponse()
    }

    /// The response and the seconds from sending to having read it whole.
    func timedGet(_ path: String) throws -> (TestResponse, seconds: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try get(path)
        return (response, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}

/// `connections` threads sending `path` over and over until ``stop()``, counting the answers.
private final class Flood: Sendable {
    struct Counts: CustomStringConvertible {
        var ok = 0, other = 0
        var firstOther: String?
        var description: String { "\(ok) × 200, \(other) other\(firstOther.map { " (first: \($0))" } ?? "")" }
    }

    private let running = Atomic<Bool>(true)
    private let counts = Mutex(Counts())
    private let group = DispatchGroup()

    init(port: UInt16, authorization: String, path: String, connections: Int) {
        for _ in 0..<connections {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                guard let client = try? Client(port: port, authorization: authorization, timeout: 60) else {
                    counts.withLock { $0.other += 1 }
                    return
                }
                while running.load(ordering: .relaxed) {
                    let response = try? client.get(path)
                    counts.withLock { counts in
                        if response?.status == 200 {
                            counts.ok += 1
                        } else {
                            counts.other += 1
                            counts.firstOther = counts.firstOther ?? response.map { "\($0.status) \($0.text.prefix(200))" } ?? "no answer"
                        }
                    }
                    if response == nil { return }
                }
            }
        }
    }

    /// Stops the clients (each finishes the request it is in) and returns the counts.
    func stop() -> Counts {
        running.store(false, ordering: .relaxed)
        group.wait()
        return counts.withLock { $0 }
    }
}

private func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p / 100).rounded(.up)) - 1)]
}

private func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

private func errorCode(_ response: TestResponse) throws -> String? {
    let object = try response.json() as? [String: Any]
    return ((object?["errors"] as? [[String: Any]])?.first)?["code"] as? String
}
