import Foundation
import Postgres
import PostgresTestSupport
import SQLite
import Storage
import Synchronization
import WooAPI
import XCTest

/// The store over PostgreSQL, below the HTTP layer: nonce claims decided by the database across stores, and
/// non-durable writes committed without waiting for their WAL flush.
final class PostgresStoreTests: PostgresTestCase {
    private func wait<T: Sendable>(_ start: (@escaping @Sendable (Result<T, any Error>) -> Void) -> Void) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        start { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        return try XCTUnwrap(outcome.withLock { $0 }).get()
    }

    func testNonceClaimsAreDecidedByTheDatabaseAcrossStores() throws {
        let location = StoreLocation(try cluster.url())
        let first = try Store(location: location), second = try Store(location: location)
        defer { first.close(); second.close() }
        let now: Int64 = 1_700_000_000
        let here = NonceStore(store: first, now: now), there = NonceStore(store: second, now: now)
        XCTAssertTrue(try wait { here.claim(keyID: 1, nonce: "n", timestamp: now, now: now, completion: $0) })
        XCTAssertFalse(try wait { there.claim(keyID: 1, nonce: "n", timestamp: now, now: now, completion: $0) })
        XCTAssertTrue(try wait { there.claim(keyID: 2, nonce: "n", timestamp: now, now: now, completion: $0) })
        XCTAssertTrue(try wait { here.claim(keyID: 1, nonce: "n", timestamp: now + 901, now: now + 901, completion: $0) },
                      "an expired row is taken over")
    }

    func testANonDurableWriteCommitsWithoutWaitingForItsFlush() throws {
        // The test cluster runs with synchronous_commit off for speed; this database's sessions get the real default.
        try makeConnection().execute("ALTER DATABASE \(TestCluster.database) SET synchronous_commit = on")
        defer { _ = try? makeConnection().execute("ALTER DATABASE \(TestCluster.database) RESET synchronous_commit") }
        let store = try Store(location: StoreLocation(try cluster.url()))
        defer { store.close() }
        let durable: String = try wait { completion in
            store.write({ db in try db.query("SHOW synchronous_commit").first?[0].stringValue ?? "" }, completion: completion)
        }
        let relaxed: String = try wait { completion in
            store.write(durable: false, { db in try db.query("SHOW synchronous_commit").first?[0].stringValue ?? "" },
                        completion: completion)
        }
        XCTAssertEqual(durable, "on")
        XCTAssertEqual(relaxed, "off")
        let after: String = try wait { completion in
            store.write({ db in try db.query("SHOW synchronous_commit").first?[0].stringValue ?? "" }, completion: completion)
        }
        XCTAssertEqual(after, "on", "SET LOCAL ends with its transaction")
    }
}
