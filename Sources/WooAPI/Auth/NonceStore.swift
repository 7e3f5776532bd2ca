import SQLite
import Synchronization

/// The OAuth nonces seen inside the timestamp window (decisions #5): any (key, nonce) seen while a request
/// carrying it could still pass the ±15 minute timestamp check is a replay, whatever its timestamp.
///
/// **Authoritative in memory.** The check-and-record is one step under a `Mutex`, so two concurrent requests
/// with the same nonce cannot both pass. An entry lives until its timestamp leaves the window (a replay would
/// then fail the timestamp check anyway).
///
/// **Bounded.** At most `capacity` entries (default 250,000: 23 MB measured when full, which holds 15 minutes of
/// 275 OAuth requests a second). Entries are 32 bytes whatever the nonce's length: the key id and 128 bits of
/// the nonce's SHA-256. When full, the entry with the oldest timestamp is evicted and the *horizon* rises to its
/// timestamp: from then on every request whose timestamp is at or before the horizon is refused
/// ("Invalid timestamp."). So an evicted nonce can never be replayed — memory pressure narrows the accepted
/// window for late clocks instead of opening a replay hole — and a flood (which needs a valid key and
/// signatures) degrades only clients whose clocks lag by more than `capacity / rate` seconds.
/// Refusing fresh requests when full was rejected: it would turn a busy legitimate client into an outage.
///
/// **Persistent.** Each accepted nonce is queued for the `oauth_nonces` table; one writer job drains the queue
/// (so a burst costs one job, group-committed with other writes), and deletes expired rows at most once a
/// minute. At startup the unexpired rows are loaded (and evicted down to `capacity` the same way), so a replay
/// is refused across restarts. The write is asynchronous: a nonce accepted within the last few milliseconds
/// before a crash (not a graceful stop) can be lost, and then replayed once.
package final class NonceStore: Sendable {
    /// The outcome of ``use(keyID:nonce:timestamp:now:)``.
    package enum Outcome: Sendable, Equatable {
        /// Never seen: recorded.
        case fresh
        /// Seen inside the window: a replay.
        case replayed
        /// At or before the horizon of evicted entries: cannot be told from a replay, refused.
        case beforeHorizon
    }

    /// Seconds a timestamp stays valid either side of now (auth §5).
    package static let window: Int64 = 900
    /// Default most entries kept.
    package static let defaultCapacity = 250_000

    private struct Entry: Hashable {
        var keyID: Int64
        var digest0: UInt64
        var digest1: UInt64
    }

    private struct State {
        var seen = Set<Entry>()
        var heap = TimestampHeap<Entry>()
        var horizon = Int64.min
        var pending: [(keyID: Int64, nonce: String, timestamp: Int64)] = []
        var flushQueued = false
        var now: Int64 = 0
        var lastPurge: Int64?
    }

    package let capacity: Int
    private let state = Mutex(State())
    private let store: Store?
    private let failureLogged = Atomic<Bool>(false)

    /// A nonce store over `store` (nil: memory only), loading the unexpired nonces already saved there.
    package init(store: Store?, capacity: Int = NonceStore.defaultCapacity, now: Int64) {
        self.capacity = max(1, capacity)
        self.store = store
        state.withLock { $0.now = now }
        guard let store else { return }
        do {
            let rows = try store.read { db in
                try db.makeStatement("SELECT key_id, nonce, timestamp FROM oauth_nonces WHERE timestamp >= ?")
                    .map([.integer(now - Self.window)]) { ($0.int64(at: 0), $0.text(at: 1), $0.int64(at: 2)) }
            }
            state.withLock { state in
                for (keyID, nonce, timestamp) in rows {
                    _ = insert(Self.entry(keyID, nonce), timestamp: timestamp, into: &state)
                }
            }
        } catch {
            logOnce("OAuth nonces not loaded (\(error)); replays are refused from now on only")
        }
        scheduleFlush()  // deletes the expired rows
    }

    /// Records `nonce` of key `keyID` sent with `timestamp`, unless it was already seen: one atomic step.
    package func use(keyID: Int64, nonce: String, timestamp: Int64, now: Int64) -> Outcome {
        let entry = Self.entry(keyID, nonce)
        let (outcome, flush) = state.withLock { state -> (Outcome, Bool) in
            state.now = max(state.now, now)
            expire(&state)
            let outcome = insert(entry, timestamp: timestamp, into: &state)
            guard outcome == .fresh, store != nil else { return (outcome, false) }
            state.pending.append((keyID, nonce, timestamp))
            defer { state.flushQueued = true }
            return (outcome, !state.flushQueued)
        }
        if flush { scheduleFlush() }
        return outcome
    }

    /// How many nonces are held.
    package var count: Int { state.withLock { $0.seen.count } }

    /// The highest evicted timestamp, if any entry was ever evicted for room.
    package var horizon: Int64? { state.withLock { $0.horizon == .min ? nil : $0.horizon } }

    private func expire(_ state: inout State) {
        let oldest = state.now - Self.window
        while let top = state.heap.min, top.timestamp < oldest {
            state.heap.popMin()
            state.seen.remove(top.element)
        }
    }

    private func insert(_ entry: Entry, timestamp: Int64, into state: inout State) -> Outcome {
        if timestamp <= state.horizon { return .beforeHorizon }
        if state.seen.contains(entry) { return .replayed }
        if state.seen.count >= capacity, let oldest = state.heap.min {
            // The newcomer would itself be the oldest: refuse it rather than evict a younger entry.
            if timestamp <= oldest.timestamp { return .beforeHorizon }
            state.heap.popMin()
            state.seen.remove(oldest.element)
            state.horizon = max(state.horizon, oldest.timestamp)
        }
        state.seen.insert(entry)
        state.heap.push(entry, timestamp: timestamp)
        return .fresh
    }

    /// Queues one writer job that saves every pending nonce (taken when the job runs, so a burst shares it)
    /// and deletes expired rows at most once a minute.
    private func scheduleFlush() {
        guard let store else { return }
        store.write({ [self] db in
            let (batch, purgeBefore) = state.withLock { state -> ([(keyID: Int64, nonce: String, timestamp: Int64)], Int64?) in
                let batch = state.pending
                state.pending = []
                state.flushQueued = false
                if let last = state.lastPurge, state.now - last < 60 { return (batch, nil) }
                state.lastPurge = state.now
                return (batch, state.now - Self.window)
            }
            if !batch.isEmpty {
                // A nonce seen again after its row expired in memory but before the purge keeps the later timestamp.
                let insert = try db.cachedStatement("""
                    INSERT INTO oauth_nonces (key_id, nonce, timestamp) VALUES (?, ?, ?)
                    ON CONFLICT (key_id, nonce) DO UPDATE SET timestamp = max(timestamp, excluded.timestamp)
                    """)
                for row in batch {
                    try insert.bind(row.keyID, at: 1)
                    try insert.bind(row.nonce, at: 2)
                    try insert.bind(row.timestamp, at: 3)
                    try insert.execute()
                }
            }
            if let purgeBefore {
                try db.cachedStatement("DELETE FROM oauth_nonces WHERE timestamp < ?").execute([.integer(purgeBefore)])
            }
        }, completion: { [self] result in
            if case .failure(let error) = result { logOnce("OAuth nonces not saved (\(error)); they stay in memory") }
        })
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
