import Foundation
import SQLite
import WooAPI
import XCTest

/// Decisions #5: any (key, nonce) seen inside the timestamp window is a replay; the store is bounded without
/// opening a replay hole, and persisted so a restart still refuses replays.
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

    func testWhenFullTheOldestIsEvictedAndTimestampsUpToItAreRefused() {
        let nonces = NonceStore(store: nil, capacity: 3, now: now)
        for (index, nonce) in ["a", "b", "c"].enumerated() {
            XCTAssertEqual(nonces.use(keyID: 1, nonce: nonce, timestamp: now + Int64(index), now: now), .fresh)
        }
        XCTAssertNil(nonces.horizon)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "d", timestamp: now + 10, now: now), .fresh)
        XCTAssertEqual(nonces.count, 3)
        XCTAssertEqual(nonces.horizon, now, "a (timestamp now) was evicted")
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "a", timestamp: now, now: now), .beforeHorizon, "no replay hole")
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "fresh", timestamp: now, now: now), .beforeHorizon)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "b", timestamp: now + 1, now: now), .replayed)
        // A newcomer older than everything held is refused rather than evicting a younger entry.
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "old", timestamp: now + 1, now: now), .beforeHorizon)
        XCTAssertEqual(nonces.horizon, now)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "e", timestamp: now + 11, now: now), .fresh)
        XCTAssertEqual(nonces.horizon, now + 1)
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
            XCTAssertEqual(nonces.horizon, now + Int64(step), "evicts in timestamp order")
        }
    }

    func testNoncesArePersistedAndLoadedAfterARestart() throws {
        var store = try Store(path: databasePath)
        var nonces = NonceStore(store: store, now: now)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "persisted", timestamp: now - 10, now: now), .fresh)
        XCTAssertEqual(nonces.use(keyID: 2, nonce: "other key", timestamp: now, now: now), .fresh)
        store.close()  // finishes the queued write
        store = try Store(path: databasePath)
        XCTAssertEqual(try rows(store), ["1 persisted \(now - 10)", "2 other key \(now)"])
        nonces = NonceStore(store: store, now: now + 60)
        XCTAssertEqual(nonces.count, 2)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "persisted", timestamp: now, now: now + 60), .replayed)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "new", timestamp: now, now: now + 60), .fresh)
        store.close()
    }

    func testExpiredRowsAreNeitherLoadedNorKept() throws {
        var store = try Store(path: databasePath)
        var nonces = NonceStore(store: store, now: now)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "old", timestamp: now - 900, now: now), .fresh)
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "young", timestamp: now + 900, now: now), .fresh)
        store.close()
        store = try Store(path: databasePath)
        nonces = NonceStore(store: store, now: now + 1)
        XCTAssertEqual(nonces.count, 1, "old left the window")
        XCTAssertEqual(nonces.use(keyID: 1, nonce: "old", timestamp: now + 1, now: now + 1), .fresh)
        store.close()  // the startup purge ran on the writer before it stopped
        store = try Store(path: databasePath)
        XCTAssertEqual(try rows(store), ["1 old \(now + 1)", "1 young \(now + 900)"])
        store.close()
    }

    func testARestartOverAFullStoreRestoresTheHorizon() throws {
        var store = try Store(path: databasePath)
        let nonces = NonceStore(store: store, capacity: 2, now: now)
        for (index, nonce) in ["a", "b", "c"].enumerated() {
            XCTAssertEqual(nonces.use(keyID: 1, nonce: nonce, timestamp: now + Int64(index), now: now), .fresh)
        }
        store.close()
        store = try Store(path: databasePath)
        let reloaded = NonceStore(store: store, capacity: 2, now: now)
        XCTAssertEqual(reloaded.count, 2)
        XCTAssertEqual(reloaded.use(keyID: 1, nonce: "a", timestamp: now, now: now), .beforeHorizon)
        store.close()
    }
}
