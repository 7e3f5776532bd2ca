import SQLite
import Storage
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

    var sqliteValue: SQLValue {
        switch self {
        case .integer(let value): .integer(value)
        case .text(let value): .text(value)
        }
    }
}

/// One sort order of a list: a key column, its direction, and the direction ties by id fall in (ascending for
/// customers, customers §6.1; the key's own direction for posts, products-orders §2.7).
package struct ListOrder: Hashable, Sendable {
    /// The key column, without a table alias; `id` sorts by the id alone.
    var column: String
    var isText = false
    var ascending: Bool
    var tiesAscending: Bool

    package init(column: String, isText: Bool = false, ascending: Bool, tiesAscending: Bool) {
        self.column = column
        self.isText = isText
        self.ascending = ascending
        self.tiesAscending = tiesAscending
    }

    var isID: Bool { column == "id" }
}

/// A row's place in a list order: its sort value, then its id.
struct SortKey: Sendable, Equatable {
    var value: SortValue
    var id: Int64

    /// Whether `self` comes before `other` in `order`.
    func precedes(_ other: SortKey, in order: ListOrder) -> Bool {
        let comparison = value.compare(other.value)
        if comparison != 0 { return order.ascending ? comparison < 0 : comparison > 0 }
        return order.tiesAscending ? id < other.id : id > other.id
    }
}

/// The WHERE fragments that start a walk at a key and stop it before one, written so the order's index serves them
/// (SQLite compares `(a, b) >= (?, ?)` as a range; a mixed-direction bound is a range on the key plus a filter).
enum ListKeySQL {
    /// Rows at or after `key` in `order`.
    static func appendFrom(_ key: SortKey, _ order: ListOrder, alias: String, to clauses: inout [String], _ arguments: inout [SQLValue]) {
        append(key, order, alias: alias, before: false, to: &clauses, &arguments)
    }

    /// Rows before `key` in `order`.
    static func appendBefore(_ key: SortKey, _ order: ListOrder, alias: String, to clauses: inout [String], _ arguments: inout [SQLValue]) {
        append(key, order, alias: alias, before: true, to: &clauses, &arguments)
    }

    private static func append(
        _ key: SortKey, _ order: ListOrder, alias: String, before: Bool, to clauses: inout [String], _ arguments: inout [SQLValue]
    ) {
        clauses.append(clause(order, alias: alias, before: before))
        arguments += values(key, order)
    }

    /// The fragment's text: fixed for an order, so a statement holding it can be prepared once.
    static func clause(_ order: ListOrder, alias: String, before: Bool) -> String {
        let column = alias + "." + order.column, id = alias + ".id"
        // "Later in the order" is a greater value when ascending; `before` flips it.
        let later = order.ascending != before ? ">" : "<"
        if order.isID {
            return "\(id) \(later)\(before ? "" : "=") ?"
        } else if order.ascending == order.tiesAscending {
            return "(\(column), \(id)) \(later)\(before ? "" : "=") (?, ?)"
        }
        let tieLater = order.tiesAscending != before ? ">" : "<"
        return "\(column) \(later)= ? AND (\(column) \(later) ? OR \(id) \(tieLater)\(before ? "" : "=") ?)"
    }

    /// The values the fragment binds, in order.
    static func values(_ key: SortKey, _ order: ListOrder) -> [SQLValue] {
        if order.isID { return [.integer(key.id)] }
        if order.ascending == order.tiesAscending { return [key.value.sqliteValue, .integer(key.id)] }
        return [key.value.sqliteValue, key.value.sqliteValue, .integer(key.id)]
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
    /// Rows between two anchors: a page steps over fewer than this many from its anchor (each ~1,500 instructions
    /// in SQLite, bench/instructions.sh). Integer keys are small, so their orders keep every 16th (1M rows: 62,500
    /// keys, ~2 MB); text keys every 64th (~1.3 MB for 1M emails).
    static func spacing(_ order: ListOrder) -> Int { order.isText ? 64 : 16 }

    let spacing: Int

    let order: ListOrder
    fileprivate struct State {
        var keys: [SortKey]
        /// Fenwick tree (1-based) of rank shifts: the rank of anchor j is `j * spacing + prefix(j)`.
        var shifts: [Int]
        /// Whether any change moved a rank since the build (until then anchor j's rank is `j * spacing`).
        var shifted = false
        /// The change-log position the ranks include.
        var sequence: Int64
        /// Rows in the list at that position: those read when built, plus every change since.
        var rows: Int
    }
    private let state: Mutex<State>

    init(keys: [SortKey], order: ListOrder, sequence: Int64, rows: Int) {
        self.order = order
        spacing = Self.spacing(order)
        state = Mutex(State(keys: keys, shifts: Array(repeating: 0, count: keys.count + 1), sequence: sequence, rows: rows))
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
                    if change.key.precedes(state.keys[middle], in: order) { high = middle } else { low = middle + 1 }
                }
                var index = low + 1
                while index < state.shifts.count {
                    state.shifts[index] += change.delta
                    index += index & -index
                }
                state.rows += change.delta
                if change.delta != 0 { state.shifted = true }
            }
            state.sequence = snapshot
            return body(Ranks(state: state, order: order, spacing: spacing))
        }
    }

    /// The anchors' keys and ranks at one snapshot (valid inside ``resolve(snapshot:changes:_:)`` only).
    struct Ranks {
        fileprivate let state: State
        let order: ListOrder
        let spacing: Int

        /// How many rows the list holds.
        var rows: Int { state.rows }

        /// The anchor to start a page at `offset` from: its key and rank, or nil when the page starts before the first.
        func anchor(atOrBefore offset: Int) -> (key: SortKey, rank: Int)? {
            if !state.shifted {
                // Nothing moved since the build: anchor j is the row at j × spacing.
                guard offset >= 0, !state.keys.isEmpty else { return nil }
                let index = min(offset / spacing, state.keys.count - 1)
                return (state.keys[index], index * spacing)
            }
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
                if key.precedes(state.keys[middle], in: order) { high = middle } else { low = middle + 1 }
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
            return anchor * spacing + sum
        }
    }
}

/// One entry of a list's change log: a row entered (`delta` +1) or left (−1) the order at `key`.
struct AnchorChange: Sendable {
    var sequence: Int64
    var key: SortKey
    var delta: Int
}

/// A list whose orders ``ListAnchorRegistry`` anchors: its table, the change log its triggers fill (columns `seq`,
/// `delta`, `id` and the same sort and partition columns as the table), and how a partition is selected.
package protocol AnchoredList: Sendable {
    /// Which rows of the table form one list (a role; a set of statuses).
    associatedtype Partition: Hashable & Sendable
    static var table: String { get }
    static var changeLog: String { get }
    /// A fixed WHERE fragment, on unaliased columns the table and its change log share, and its values.
    static func partitionClause(_ partition: Partition) -> (String, [SQLValue])
    /// What follows the table in FROM so a query walks `order` over the partition's rows: `INDEXED BY …` or
    /// `NOT INDEXED` where SQLite would otherwise sort (it has no statistics to tell a walk from a sort), or "".
    static func indexHint(_ partition: Partition, _ order: ListOrder) -> String
    /// What follows the table in FROM when the anchors are built: ``indexHint(_:_:)``, or `NOT INDEXED` where one
    /// scan of the table and a sort of the partition's keys costs less than a walk of the order's index that reads
    /// each row it passes in index order (a registration window in email order: ~0.8 s instead of ~3 s at 1M).
    static func buildHint(_ partition: Partition, _ order: ListOrder) -> String
    /// The WHERE fragment (unaliased) that selects the partition's rows for a walk of the whole order when its
    /// anchors are built: the partition clause, or an equivalent one the order's index answers more cheaply.
    static func walkClause(_ partition: Partition, _ order: ListOrder, in db: Database) throws -> (String, [SQLValue])
}

extension AnchoredList {
    package static func indexHint(_ partition: Partition, _ order: ListOrder) -> String { "" }
    package static func buildHint(_ partition: Partition, _ order: ListOrder) -> String { indexHint(partition, order) }
    package static func walkClause(_ partition: Partition, _ order: ListOrder, in db: Database) throws -> (String, [SQLValue]) {
        partitionClause(partition)
    }
}

/// The page anchors of one kind of list (listing §5): one ``AnchorSet`` per partition and order, built by one scan
/// of that order and then kept exact by replaying the change log, which triggers fill in the same transaction as
/// every write, from any process. A set the log no longer reaches back to is rebuilt.
package final class ListAnchorRegistry<List: AnchoredList>: Sendable {
    private struct Slot: Hashable {
        var partition: List.Partition
        var order: ListOrder
    }

    private let sets = Mutex(RecentlyUsed<Slot, AnchorSet>())
    /// Most sets kept: a store has few roles or status sets in use (6–8 orders each), but every date window paged
    /// deeply has sets of its own; past it the least recently used set is dropped (and rebuilt if asked again).
    package static var capacity: Int { 64 }
    /// The change log's last and first positions. Two subqueries: SQLite answers a lone max() or min() from the end
    /// of the index, but scans the log for both at once.
    private let logBoundsSQL = SQL("""
        SELECT coalesce((SELECT max(seq) FROM \(List.changeLog)), 0), coalesce((SELECT min(seq) FROM \(List.changeLog)), 0)
        """)

    /// Lists remembered whole (``remembered(_:in:_:)``): their ids in order, the change log's last position they
    /// were read at, and when each was last used.
    private let lists = Mutex(RecentlyUsed<String, (sequence: Int64, ids: [Int64])>())
    /// Most lists remembered, and most ids in one (a longer list is read again each time).
    package static var rememberedLists: Int { 16 }
    package static var rememberedIDs: Int { 100_000 }

    package init() {}

    /// The ids, in order, of a list the anchors do not page (a search), read by `compute` once and then answered
    /// from memory for as long as the change log's last position stays the same — which holds only for a list that
    /// depends on nothing but the columns the log records (the partition's and the orders' columns): any change to
    /// them moves the log on. `key` names the list (its filters and order). A nil from `compute` (the list cannot
    /// be read this way) is not remembered. Runs in the caller's read transaction. The 16 lists last used are kept.
    package func remembered(_ key: String, in db: Database, _ compute: () throws -> [Int64]?) throws -> [Int64]? {
        let (last, _) = try db.unchangedOrRead(logBoundsSQL)
        if let known = lists.withLock({ $0.use(key) }), known.sequence == last { return known.ids }
        guard let ids = try compute() else { return nil }
        if ids.count <= Self.rememberedIDs {
            lists.withLock { $0.insert((last, ids), at: key, capacity: Self.rememberedLists) }
        }
        return ids
    }

    /// How many lists are remembered (for tests and diagnostics).
    package var rememberedCount: Int { lists.withLock { $0.entries.count } }

    /// How many sets are kept (for tests and diagnostics).
    package var count: Int { sets.withLock { $0.entries.count } }

    /// Whether a set exists for the order (it may still need a rebuild, which the read pool's budget catches).
    package func has(_ partition: List.Partition, _ order: ListOrder) -> Bool {
        sets.withLock { $0.entries[Slot(partition: partition, order: order)] != nil }
    }

    /// Answers `body` from the order's anchors as of this read transaction's snapshot, building them first when
    /// there are none or the log has forgotten changes they need. Nil when a newer reader has already moved them
    /// on (the caller then reads without anchors). Must run inside the read transaction the caller then pages in.
    func resolve<T>(_ partition: List.Partition, _ order: ListOrder, in db: Database, _ body: (AnchorSet.Ranks) -> T) throws -> T? {
        // Read again only when the database changed since this connection last read them (~5,000 instructions).
        let (last, first) = try db.unchangedOrRead(logBoundsSQL)
        let slot = Slot(partition: partition, order: order)
        var set = sets.withLock { $0.use(slot) }
        if let existing = set, existing.sequence < first - 1 { set = nil }
        if set == nil {
            let built = try build(partition, order, sequence: last, in: db)
            // An empty list is not remembered, so made-up filter values cannot grow the map.
            if built.count > 0 {
                sets.withLock { $0.insert(built, at: slot, capacity: Self.capacity) }
            }
            set = built
        }
        guard let set else { return nil }
        let changes = set.sequence < last ? try self.changes(after: set.sequence, partition, order, in: db) : []
        return set.resolve(snapshot: last, changes: changes, body)
    }

    /// The ranks, in `order` (an integer key), of the first row of a window on the key and of the first row past
    /// it; 0 and the list's row count for a missing bound. `near` is the bound the order meets first (the minimum
    /// when ascending), `far` the other. Each rank is the nearest anchor's plus a count of the few rows between it
    /// and the bound. Nil when the anchors cannot serve this snapshot. Runs in the caller's read transaction.
    func window(
        from near: Int64?, to far: Int64?, _ partition: List.Partition, _ order: ListOrder, in db: Database
    ) throws -> (start: Int, end: Int)? {
        // A row precedes `startKey` exactly when the near bound leaves it out, and precedes `endKey` exactly when
        // the far bound lets it in (ties by id run in the order's tie direction).
        let startKey = near.map { SortKey(value: .integer($0), id: order.tiesAscending ? .min : .max) }
        let endKey = far.map { SortKey(value: .integer($0), id: order.tiesAscending ? .max : .min) }
        guard let (rows, startAnchor, endAnchor) = try resolve(partition, order, in: db, { ranks in
            (ranks.rows, startKey.map { ranks.anchor(atOrBefore: $0) }, endKey.map { ranks.anchor(atOrBefore: $0) })
        }) else { return nil }
        let (partitionSQL, partitionValues) = List.partitionClause(partition)
        func rank(of key: SortKey, from anchor: (key: SortKey, rank: Int)?) throws -> Int {
            var clauses = [partitionSQL], arguments = partitionValues
            if let anchor { ListKeySQL.appendFrom(anchor.key, order, alias: "t", to: &clauses, &arguments) }
            ListKeySQL.appendBefore(key, order, alias: "t", to: &clauses, &arguments)
            let sql = "SELECT count(*) FROM \(List.table) t \(List.indexHint(partition, order)) WHERE "
                + clauses.joined(separator: " AND ")
            return (anchor?.rank ?? 0) + (try db.statement(sql, cached: true).first(arguments) { $0.int(at: 0) } ?? 0)
        }
        let start = try startKey.map { try rank(of: $0, from: startAnchor ?? nil) } ?? 0
        let end = try endKey.map { try rank(of: $0, from: endAnchor ?? nil) } ?? rows
        return (start, max(start, end))
    }

    /// Reads the whole order once, keeping every ``AnchorSet/spacing(_:)``-th key.
    private func build(_ partition: List.Partition, _ order: ListOrder, sequence: Int64, in db: Database) throws -> AnchorSet {
        let (whereSQL, arguments) = try List.walkClause(partition, order, in: db)
        let direction = order.ascending ? "ASC" : "DESC"
        let sql = "SELECT \(order.column), id FROM \(List.table) \(List.buildHint(partition, order)) WHERE \(whereSQL) ORDER BY \(order.column) \(direction)"
            + (order.isID ? "" : ", id " + (order.tiesAscending ? "ASC" : "DESC"))
        let statement = try db.cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        var keys: [SortKey] = []
        var position = 0
        let spacing = AnchorSet.spacing(order)
        while try statement.step() {
            if position % spacing == 0 {
                let value: SortValue = order.isText ? .text(statement.text(at: 0)) : .integer(statement.int64(at: 0))
                keys.append(SortKey(value: value, id: statement.int64(at: 1)))
            }
            position += 1
        }
        return AnchorSet(keys: keys, order: order, sequence: sequence, rows: position)
    }

    /// The log's entries for the partition after `sequence`, oldest first, as keys of `order`.
    private func changes(after sequence: Int64, _ partition: List.Partition, _ order: ListOrder, in db: Database) throws -> [AnchorChange] {
        let (whereSQL, arguments) = List.partitionClause(partition)
        let sql = "SELECT seq, \(order.column), id, delta FROM \(List.changeLog) WHERE seq > ? AND \(whereSQL) ORDER BY seq"
        let statement = try db.cachedStatement(sql)
        try statement.bind([.integer(sequence)] + arguments)
        return try statement.map(nil) { row in
            let value: SortValue = order.isText ? .text(row.text(at: 1)) : .integer(row.int64(at: 1))
            return AnchorChange(sequence: row.int64(at: 0), key: SortKey(value: value, id: row.int64(at: 2)), delta: row.int(at: 3))
        }
    }
}

/// A map that keeps at most a given number of entries, dropping the least recently used one (by a count of uses)
/// when a new key would pass it: the anchor sets and remembered lists of ``ListAnchorRegistry``.
private struct RecentlyUsed<Key: Hashable, Value> {
    var entries: [Key: (value: Value, used: UInt64)] = [:]
    var uses: UInt64 = 0

    /// The value at `key`, now the most recently used.
    mutating func use(_ key: Key) -> Value? {
        guard let entry = entries[key] else { return nil }
        uses += 1
        entries[key] = (entry.value, uses)
        return entry.value
    }

    mutating func insert(_ value: Value, at key: Key, capacity: Int) {
        if entries[key] == nil, entries.count >= capacity,
           let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil
        }
        uses += 1
        entries[key] = (value, uses)
    }
}
