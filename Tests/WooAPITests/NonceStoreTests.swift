import Foundation
import SQLite
import Storage
import Synchronization
import WooAPI
import XCTest

/// Decisions #5: any (key, nonce) seen inside the timestamp window is a replay. The store decides (across
/// processes and restarts); memory is a bounded shortcut for replays to the same process.
final class NonceStoreTests: XCTestCase {
    private let now: Int64 = 1_700_000_000
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nonce-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private var databasePath: String { directory.appendingPathComponent("store.sqlite").path }

    private func rows(_ store: Store) throws -> [String] {
        try store.read { db in
            try db.query("SELECT key_id, nonce, timestamp FROM oauth_nonces ORDER BY key_id, nonce").map {
                "\($0[0].int64Value ?? 0) \($0[1].stringValue ?? "") \($0[2].int64Value ?? 0)"
            }
        }
    }

    func testANonceIsFreshOnceThenReplayedWhateverItsTimestamp() {
        let nonces = NonceStore(store: nil, now: now)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "n", timestamp: now, now: now), .fresh)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "n", timestamp: now, now: now), .replayed)
        // The real store keys nonces by timestamp; we refuse the nonce with any timestamp (decisions #5).
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "n", timestamp: now + 1, now: now), .replayed)
        XCTAssertEqual(nonces.use(keyID: 2, nonce: "n", timestamp: now, now: now), .fresh, "nonces are per key")
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "N", timestamp: now, now: now), .fresh, "exact comparison")
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "10", timestamp: now, now: now), .fresh)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "1e1", timestamp: now, now: now), .fresh, "no PHP loose equality")
    }

    func testSameTimestampNoncesDoNotOverwriteEachOther() {
        let nonces = NonceStore(store: nil, now: now)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "a", timestamp: now, now: now), .fresh)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "b", timestamp: now, now: now), .fresh)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "a", timestamp: now, now: now), .replayed)
    }

    func testEntriesExpireOnceTheirTimestampLeavesTheWindow() {
        let nonces = NonceStore(store: nil, now: now)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "n", timestamp: now, now: now), .fresh)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "n", timestamp: now, now: now + 900), .replayed, "still valid at +900")
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "other", timestamp: now + 901, now: now + 901), .fresh)
        XCTAssertEqual(nonces.count, 1, "the first entry expired")
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "n", timestamp: now + 901, now: now + 901), .fresh)
    }

    /// Memory is a bounded shortcut: past its capacity the oldest entry is forgotten, and the store (when there
    /// is one) still decides.
    func testFullMemoryForgetsTheOldestEntry() {
        let nonces = NonceStore(store: nil, capacity: 3, now: now)
        for (index, nonce) in ["a", "b", "c"].enumerated() {
            XCTAssertEqual(nonces.use(keyID: 1, nonce: nonce, timestamp: now + Int64(index), now: now), .fresh)
        }
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "d", timestamp: now + 10, now: now), .fresh)
        XCTAssertEqual(nonces.count, 3)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "c", timestamp: now, now: now), .replayed, "younger entries kept")
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "a", timestamp: now, now: now), .fresh, "a (the oldest) was forgotten")
    }

    func testTheHeapKeepsTheOldestFirstInAnyInsertionOrder() {
        let nonces = NonceStore(store: nil, capacity: 50, now: now)
        var timestamps = (0..<50).map { now + Int64($0) }
        timestamps.shuffle()
        for (index, timestamp) in timestamps.enumerated() {
            XCTAssertEqual(nonces.use(keyID: 1, nonce: "n\(index)", timestamp: timestamp, now: now), .fresh)
        }
        for step in 0..<10 {
            XCTAssertEqual(nonces.use(keyID: 2, nonce: "m\(step)", timestamp: now + 100 + Int64(step), now: now), .fresh)
            XCTAssertEqual(nonces.count, 50)
        }
        // Forgotten in timestamp order: the ten oldest went, the forty younger are all still held.
        for (index, timestamp) in timestamps.enumerated() where timestamp >= now + 10 {
            XCTAssertEqual(nonces.use(keyID: 1, nonce: "n\(index)", timestamp: timestamp, now: now), .replayed)
        }
    }

    private static func claim(_ nonces: NonceStore, _ keyID: Int64, _ nonce: String, timestamp: Int64, now: Int64) throws -> Bool {
        let outcome = Mutex<Result<Bool, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        nonces.claim(keyID: keyID, nonce: nonce, timestamp: timestamp, now: now) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        return try XCTUnwrap(outcome.withLock { $0 }).get()
    }

    /// The store decides: the first claim of a nonce wins, a claim by another process over the same file loses,
    /// and a row whose timestamp left the window is taken over.
    func testTheStoreDecidesAcrossProcesses() throws {
        let first = try Store(path: databasePath)
        let second = try Store(path: databasePath)  // another server over the same file
        defer { first.close(); second.close() }
        let here = NonceStore(store: first, now: now)
        let there = NonceStore(store: second, now: now)
        XCTAssertTrue(here.claimsInDatabase)
        XCTAssertEqual(here.use(keyID: 1, nonce: "n", timestamp: now, now: now), .fresh)
        XCTAssertTrue(try Self.claim(here, 1, "n", timestamp: now, now: now))
        XCTAssertEqual(there.use(keyID: 1, nonce: "n", timestamp: now, now: now), .fresh, "new to that process")
        XCTAssertFalse(try Self.claim(there, 1, "n", timestamp: now, now: now), "the store refuses it")
        XCTAssertTrue(try Self.claim(there, 2, "n", timestamp: now, now: now), "nonces are per key")
        XCTAssertFalse(try Self.claim(here, 1, "n", timestamp: now + 900, now: now + 900), "still inside the window at +900")
        XCTAssertTrue(try Self.claim(there, 1, "n", timestamp: now + 901, now: now + 901), "an expired row is taken over")
        // That last claim's write also deleted the rows that had left the window (key 2's).
        XCTAssertEqual(try rows(first), ["1 n \(now + 901)"])
    }

    /// A claim commits without an fsync of its own (`synchronous = NORMAL` for a batch of claims alone), seen at
    /// once by another connection, and the writer is back at the store's FULL for the next write.
    func testAClaimIsVisibleAtOnceAndLeavesTheStoreDurable() throws {
        let store = try Store(path: databasePath)
        let other = try Database(path: databasePath)
        defer { store.close() }
        let nonces = NonceStore(store: store, now: now)
        XCTAssertTrue(try Self.claim(nonces, 1, "seen", timestamp: now, now: now))
        XCTAssertEqual(try other.query("SELECT nonce FROM oauth_nonces").map { $0[0].stringValue }, ["seen"])
        let level = try store.writeAndWait { db in try db.query("PRAGMA synchronous").first?[0].int64Value }
        XCTAssertEqual(level, 2, "FULL again after the relaxed commit")
    }

    /// Two processes claiming the same nonce at once: exactly one wins, whatever the interleaving.
    func testConcurrentClaimsOfOneNonceHaveOneWinner() throws {
        let stores = try (0..<3).map { _ in try Store(path: databasePath) }
        defer { stores.forEach { $0.close() } }
        let now = self.now
        let nonces = stores.map { NonceStore(store: $0, now: now) }
        for round in 0..<20 {
            let wins = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: nonces.count) { index in
                if (try? NonceStoreTests.claim(nonces[index], 1, "race\(round)", timestamp: now, now: now)) == true {
                    wins.add(1, ordering: .relaxed)
                }
            }
            XCTAssertEqual(wins.load(ordering: .relaxed), 1, "round \(round)")
        }
    }

    /// Claims are committed before they are answered, so a replay after a restart is refused, and the unexpired
    /// rows are remembered in memory at startup.
    func testClaimedNoncesOutliveARestart() throws {
        var store = try Store(path: databasePath)
        var nonces = NonceStore(store: store, now: now)
        XCTAssertTrue(try Self.claim(nonces, 1, "persisted", timestamp: now - 10, now: now))
        XCTAssertTrue(try Self.claim(nonces, 2, "other key", timestamp: now, now: now))
        store.close()
        store = try Store(path: databasePath)
        defer { store.close() }
        nonces = NonceStore(store: store, now: now + 60)
        XCTAssertEqual(nonces.count, 2)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "persisted", timestamp: now, now: now + 60), .replayed)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "new", timestamp: now, now: now + 60), .fresh)
    }

    /// Expired rows are neither remembered at startup nor kept: a claim deletes them (at most once a minute).
    func testExpiredRowsAreNeitherLoadedNorKept() throws {
        let store = try Store(path: databasePath)
        defer { store.close() }
        var nonces = NonceStore(store: store, now: now)
        XCTAssertTrue(try Self.claim(nonces, 1, "old", timestamp: now - 900, now: now))
        XCTAssertTrue(try Self.claim(nonces, 1, "young", timestamp: now + 900, now: now))
        nonces = NonceStore(store: store, now: now + 1)
        XCTAssertEqual(nonces.count, 1, "old left the window")
        XCTAssertTrue(try Self.claim(nonces, 1, "other", timestamp: now + 1, now: now + 1))
        XCTAssertEqual(try rows(store), ["1 other \(now + 1)", "1 young \(now + 900)"], "old was deleted")
    }
}
