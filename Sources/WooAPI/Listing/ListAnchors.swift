import SQLite
import Synchronization

/// A value a list is sorted by, compared exactly as SQLite compares it in the list's ORDER BY: integers by value,
/// text under the column's `NOCASE` collation (ASCII letters folded, then bytes, a prefix first).
enum SortValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)

    /// -1, 0 or 1. Values of one order are all of one kind; an integer sorts before text, as in SQLite.
    func compare(_ other: SortValue) -> Int {
        switch (self, other) {
        case (.integer(let a), .integer(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.integer, .text): return -1
        case (.text, .integer): return 1
        case (.text(let a), .text(let b)): return Self.compareNoCase(a, b)
        }
    }

    /// SQLite's NOCASE: `sqlite3StrNICmp` over the shorter length (ASCII upper case folded to lower), then length.
    static func compareNoCase(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                var index = 0
                while index < n {
                    let p = fold(x[index]), q = fold(y[index])
                    if p != q { return p < q ? -1 : 1 }
                    index += 1
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
    }

    @inline(__always) private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    var sqliteValue: SQLiteValue {
        switch self {
        case .integer(let value): .integer(value)
        case .text(let value): .text(value)
        }
    }
}

/// A row's place in a list order: its sort value, ties broken by ascending id in both directions (customers §6.1).
struct SortKey: Sendable, Equatable {
    var value: SortValue
    var id: Int64

    /// Whether `self` comes before `other` in the order (`ascending` is the direction of the value).
    func precedes(_ other: SortKey, ascending: Bool) -> Bool {
        let order = value.compare(other.value)
        if order != 0 { return ascending ? order < 0 : order > 0 }
        return id < other.id
    }
}

/// Keyset anchors for one sort order of one list (listing §5): the key of every ``spacing``-th row when built, and
/// each anchor's rank — how many rows of the list sort strictly before it — kept exact as rows come, go and move.
///
/// A page at offset `o` starts from the last anchor ranked at or before `o` and steps over `o − rank` rows from
/// there, instead of over `o` rows from the start (SQLite walks an OFFSET one index entry at a time, ~36 ns each:
/// 36 ms at offset 1,000,000). Ranks follow the store through its change log (``AnchorChange``): a row entering
/// the list before an anchor adds one to that anchor's rank and every later one's, a row leaving subtracts one.
/// The shifts live in a Fenwick tree over anchor indexes, so a change costs O(log n) and a rank O(log n). An anchor
/// whose row was deleted still marks a place in the order, so it stays valid; the gap between two anchors grows
/// only by the changes that landed in it, which the bounded change log limits (see `ListChangeLog.retained`).
final class AnchorSet: Sendable {
    static let spacing = 64

    let ascending: Bool
    fileprivate struct State {
        var keys: [SortKey]
        /// Fenwick tree (1-based) of rank shifts: the rank of anchor j is `j * spacing + prefix(j)`.
        var shifts: [Int]
        /// The change-log position the ranks include.
        var sequence: Int64
    }
    private let state: Mutex<State>

    init(keys: [SortKey], ascending: Bool, sequence: Int64) {
        self.ascending = ascending
        state = Mutex(State(keys: keys, shifts: Array(repeating: 0, count: keys.count + 1), sequence: sequence))
    }

    /// The change-log position the ranks include (read without the lock's guarantees beyond that instant).
    var sequence: Int64 { state.withLock { $0.sequence } }
    var count: Int { state.withLock { $0.keys.count } }

    /// Brings the ranks to `snapshot` (the change log's last position in the caller's read transaction) with
    /// `changes` — entries after ``sequence``, oldest first; ones already applied are skipped — and answers `body`
    /// from the ranks as of that snapshot, all under one lock. Nil when another reader already moved the ranks
    /// past `snapshot` (its transaction is newer than the caller's): the caller then pages without anchors.
    func resolve<T>(snapshot: Int64, changes: [AnchorChange], _ body: (Ranks) -> T) -> T? {
        state.withLock { state in
            guard state.sequence <= snapshot else { return nil }
            for change in changes where change.sequence > state.sequence && change.sequence <= snapshot {
                // Anchors after the changed row move: the first is the first anchor the row precedes.
                var low = 0, high = state.keys.count
                while low < high {
                    let middle = (low + high) / 2
                    if change.key.precedes(state.keys[middle], ascending: ascending) { high = middle } else { low = middle + 1 }
                }
                var index = low + 1
                while index < state.shifts.count {
                    state.shifts[index] += change.delta
                    index += index & -index
                }
            }
            state.sequence = snapshot
            return body(Ranks(state: state, ascending: ascending))
        }
    }

    /// The anchors' keys and ranks at one snapshot (valid inside ``resolve(snapshot:changes:_:)`` only).
    struct Ranks {
        fileprivate let state: State
        let ascending: Bool

        /// The anchor to start a page at `offset` from: its key and rank, or nil when the page starts before the first.
        func anchor(atOrBefore offset: Int) -> (key: SortKey, rank: Int)? {
            var low = 0, high = state.keys.count  // first j with rank(j) > offset
            while low < high {
                let middle = (low + high) / 2
                if rank(of: middle) <= offset { low = middle + 1 } else { high = middle }
            }
            return low > 0 ? (state.keys[low - 1], rank(of: low - 1)) : nil
        }

        /// The last anchor at or before `key` in the order, and its rank; nil when `key` precedes every anchor.
        func anchor(atOrBefore key: SortKey) -> (key: SortKey, rank: Int)? {
            var low = 0, high = state.keys.count  // first anchor that `key` precedes
            while low < high {
                let middle = (low + high) / 2
                if key.precedes(state.keys[middle], ascending: ascending) { high = middle } else { low = middle + 1 }
            }
            return low > 0 ? (state.keys[low - 1], rank(of: low - 1)) : nil
        }

        private func rank(of anchor: Int) -> Int {
            var sum = 0
            var index = anchor + 1
            while index > 0 {
                sum += state.shifts[index]
                index -= index & -index
            }
            return anchor * AnchorSet.spacing + sum
        }
    }
}

/// One entry of a list's change log: a row entered (`delta` +1) or left (−1) the order at `key`.
struct AnchorChange: Sendable {
    var sequence: Int64
    var key: SortKey
    var delta: Int
}
