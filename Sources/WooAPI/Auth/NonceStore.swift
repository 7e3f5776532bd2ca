import SQLite
import Storage
import Synchronization

/// The OAuth nonces seen inside the timestamp window (decisions #5): any (key, nonce) seen while a request
/// carrying it could still pass the ±15 minute timestamp check is a replay, whatever its timestamp.
///
/// **Decided by the database.** A nonce is fresh only when the request's write claims it in `oauth_nonces`
/// (``claim(keyID:nonce:timestamp:now:completion:)``): one statement inserts the row, or takes over a row whose
/// timestamp left the window, and reports whether it did. Every process over the same store (servers sharing a
/// port with `--reuse-port`, or on other machines) claims through the same table, and the table's primary key
/// lets exactly one of two concurrent claims win, so a nonce used on one server is refused by every other. The
/// claim is committed before the request goes on, as the real store saves the nonce before it answers, so a
/// replay after the server is killed or restarted is refused too. It is not fsynced on its own
/// (``Store/write(durable:_:completion:)``): what a claim needs is to be seen by every process at once, and an
/// fsync per OAuth request cost ten times the request (median 1.25 → 12 ms measured); the next durable write
/// takes it to disk.
///
/// **Remembered in memory** as a shortcut: ``use(keyID:nonce:timestamp:now:)`` checks and records a nonce in one
/// step under a `Mutex`, so a replay to the same process is refused without a write, and two concurrent requests
/// with the same nonce cannot both go on to claim it. An entry lives until its timestamp leaves the window. At
/// most `capacity` entries (default 250,000, 23 MB measured when full); past it the one with the oldest
/// timestamp is forgotten, which costs nothing but a claim that the table then refuses.
///
/// Without a store (unit tests) the memory is the only judge. Expired rows are deleted at most once a minute,
/// by a claim's write.
package final class NonceStore: Sendable {
    /// The outcome of ``use(keyID:nonce:timestamp:now:)``.
    package enum Outcome: Sendable, Equatable {
        /// Not seen by this process: recorded; the store must claim it (``claim(keyID:nonce:timestamp:now:completion:)``).
        case fresh
        /// Seen inside the window: a replay.
        case replayed
    }

    /// Seconds a timestamp stays valid either side of now (auth §5).
    package static let window: Int64 = 900
    /// Default most entries kept in memory.
    package static let defaultCapacity = 250_000

    private struct Entry: Hashable {
        var keyID: Int64
        var digest0: UInt64
        var digest1: UInt64
    }

    private struct State {
        var seen = Set<Entry>()
        var heap = TimestampHeap<Entry>()
        var now: Int64 = 0
        var lastPurge: Int64?
    }

    package let capacity: Int
    private let state = Mutex(State())
    private let store: Store?
    private let failureLogged = Atomic<Bool>(false)

    /// A nonce store over `store` (nil: memory only), remembering the unexpired nonces already saved there.
    package init(store: Store?, capacity: Int = NonceStore.defaultCapacity, now: Int64) {
        self.capacity = max(1, capacity)
        self.store = store
        state.withLock { $0.now = now }
        guard let store else { return }
        do {
            let rows = try store.read { db in
                try db.makeStatement("""
                    SELECT key_id, nonce, timestamp FROM oauth_nonces WHERE timestamp >= ? ORDER BY timestamp DESC LIMIT ?
                    """).map([.integer(now - Self.window), .integer(Int64(self.capacity))]) {
                    ($0.int64(at: 0), $0.text(at: 1), $0.int64(at: 2))
                }
            }
            state.withLock { state in
                for (keyID, nonce, timestamp) in rows {
                    _ = insert(Self.entry(keyID, nonce), timestamp: timestamp, into: &state)
                }
            }
        } catch {
            logOnce("OAuth nonces not loaded (\(error)); the database still refuses replays")
        }
    }

    /// Records `nonce` of key `keyID` sent with `timestamp` in memory, unless this process already saw it: one
    /// atomic step. `.fresh` is final only without a store; with one, the nonce must then be claimed.
    package func use(keyID: Int64, nonce: String, timestamp: Int64, now: Int64) -> Outcome {
        let entry = Self.entry(keyID, nonce)
        return state.withLock { state -> Outcome in
            state.now = max(state.now, now)
            expire(&state)
            return insert(entry, timestamp: timestamp, into: &state)
        }
    }

    /// Whether a claim must be made in the database (there is a store).
    package var claimsInDatabase: Bool { store != nil }

    /// Claims `nonce` of key `keyID` in the store: `completion` gets true when this request is the first to use
    /// it inside the window (the claim is committed), false for a replay, or the error that kept the claim
    /// from committing. Runs `completion` on the writer thread. Without a store: true at once.
    package func claim(
        keyID: Int64, nonce: String, timestamp: Int64, now: Int64,
        completion: @escaping @Sendable (Result<Bool, any Error>) -> Void
    ) {
        guard let store else { return completion(.success(true)) }
        let purgeBefore = state.withLock { state -> Int64? in
            if let last = state.lastPurge, now - last < 60 { return nil }
            state.lastPurge = now
            return now - Self.window
        }
        store.write(durable: false, { db in
            if let purgeBefore {
                try db.cachedStatement("DELETE FROM oauth_nonces WHERE timestamp < ?").execute([.integer(purgeBefore)])
            }
            return try NonceStore.claim(keyID: keyID, nonce: nonce, timestamp: timestamp, now: now, in: db)
        }, completion: { [self] result in
            if case .failure(let error) = result { logOnce("OAuth nonce not claimed (\(error)); answering 503") }
            completion(result)
        })
    }

    /// The claim itself: inserts the row, or takes over one whose timestamp left the window; true when either
    /// happened. (A row still inside the window makes the upsert's condition false: nothing changes.)
    static func claim(keyID: Int64, nonce: String, timestamp: Int64, now: Int64, in db: Database) throws -> Bool {
        let statement = try db.cachedStatement("""
            INSERT INTO oauth_nonces (key_id, nonce, timestamp) VALUES (?, ?, ?)
            ON CONFLICT (key_id, nonce) DO UPDATE SET timestamp = excluded.timestamp WHERE oauth_nonces.timestamp < ?
            """)
        try statement.execute([.integer(keyID), .text(nonce), .integer(timestamp), .integer(now - window)])
        return db.changes > 0
    }

    /// How many nonces are held in memory.
    package var count: Int { state.withLock { $0.seen.count } }

    private func expire(_ state: inout State) {
        let oldest = state.now - Self.window
        while let top = state.heap.min, top.timestamp < oldest {
            state.heap.popMin()
            state.seen.remove(top.element)
        }
    }

    private func insert(_ entry: Entry, timestamp: Int64, into state: inout State) -> Outcome {
        if state.seen.contains(entry) { return .replayed }
        if state.seen.count >= capacity, let oldest = state.heap.min {
            state.heap.popMin()
            state.seen.remove(oldest.element)
        }
        state.seen.insert(entry)
        state.heap.push(entry, timestamp: timestamp)
        return .fresh
    }

    private func logOnce(_ message: String) {
        if !failureLogged.exchange(true, ordering: .relaxed) { ServerLog.api.error(message) }
    }

    /// The key id and the first 128 bits of the nonce's SHA-256: fixed-size, exact for any practical purpose.
    private static func entry(_ keyID: Int64, _ nonce: String) -> Entry {
        let digest = Crypto.sha256(nonce.utf8)
        var words: (UInt64, UInt64) = (0, 0)
        for index in 0..<8 {
            words.0 = words.0 << 8 | UInt64(digest[index])
            words.1 = words.1 << 8 | UInt64(digest[8 + index])
        }
        return Entry(keyID: keyID, digest0: words.0, digest1: words.1)
    }
}

/// A binary min-heap of elements by timestamp: the oldest entry in O(1), insert and removal in O(log n).
struct TimestampHeap<Element> {
    private var items: [(timestamp: Int64, element: Element)] = []

    /// The element with the smallest timestamp.
    var min: (timestamp: Int64, element: Element)? { items.first }

    var count: Int { items.count }

    mutating func push(_ element: Element, timestamp: Int64) {
        items.append((timestamp, element))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].timestamp < items[parent].timestamp else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left].timestamp < items[smallest].timestamp { smallest = left }
            if right < items.count, items[right].timestamp < items[smallest].timestamp { smallest = right }
            if smallest == parent { return }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
