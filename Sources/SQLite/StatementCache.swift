/// Per-connection cache of prepared statements, keyed by SQL text or by ``SQL`` constant, holding at most
/// `capacity` of them and evicting the least recently used one to make room.
///
/// The bound is the safety net, not the policy: callers cache only SQL whose set of texts is small and fixed, so a
/// default-sized cache never evicts in practice. Without it, any code path that built SQL from request values and
/// cached it would grow every connection by a prepared statement per distinct text, for good (issue 9).
///
/// Evicting only drops the cache's reference. A statement is finalized when its last reference goes, so one a
/// caller still holds (e.g. stepping through its rows while asking for other statements) stays valid under it;
/// the next request for its SQL prepares a fresh one. Busy statements are passed over when choosing what to evict,
/// since their SQL is in use right now and would most likely be prepared again at once.
struct StatementCache {
    /// One cached statement and when it was last handed out.
    private final class Entry {
        let statement: Statement
        /// The constant the statement was found by, kept alive so its `ObjectIdentifier` cannot be reused by another.
        let constant: SQL?
        var lastUse: UInt64

        init(_ statement: Statement, constant: SQL?, lastUse: UInt64) {
            self.statement = statement
            self.constant = constant
            self.lastUse = lastUse
        }
    }

    /// The most statements kept (at least 1).
    let capacity: Int
    private var byText: [String: Entry] = [:]
    /// Statements of ``SQL`` constants, found by identity: no hashing of the SQL text on hot paths.
    private var byIdentity: [ObjectIdentifier: Entry] = [:]
    /// Counts hand-outs; an entry's `lastUse` is the count at its latest one.
    private var clock: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The number of cached statements.
    var count: Int { byText.count + byIdentity.count }

    /// The cached statement for `sql`, if any, marked as just used.
    mutating func statement(for sql: String) -> Statement? {
        guard let entry = byText[sql] else { return nil }
        clock += 1
        entry.lastUse = clock
        return entry.statement
    }

    /// The cached statement for the constant `sql`, if any, marked as just used.
    mutating func statement(for sql: SQL) -> Statement? {
        guard let entry = byIdentity[ObjectIdentifier(sql)] else { return nil }
        clock += 1
        entry.lastUse = clock
        return entry.statement
    }

    /// Caches `statement` under its SQL text, evicting the least recently used statement if the cache is full.
    mutating func insert(_ statement: Statement, for sql: String) {
        makeRoom()
        clock += 1
        byText[sql] = Entry(statement, constant: nil, lastUse: clock)
    }

    /// Caches `statement` under the constant `sql`, evicting the least recently used statement if the cache is full.
    mutating func insert(_ statement: Statement, for sql: SQL) {
        makeRoom()
        clock += 1
        byIdentity[ObjectIdentifier(sql)] = Entry(statement, constant: sql, lastUse: clock)
    }

    /// Drops every cached statement (each is finalized once no caller still holds it).
    mutating func removeAll() {
        byText.removeAll()
        byIdentity.removeAll()
    }

    /// Evicts until there is room for one more. A linear scan: it runs only before a prepare, which costs far more
    /// than looking at `capacity` entries.
    private mutating func makeRoom() {
        while count >= capacity {
            var victim: (text: String?, identity: ObjectIdentifier?, lastUse: UInt64, busy: Bool)?
            func consider(_ entry: Entry, text: String?, identity: ObjectIdentifier?) {
                let busy = entry.statement.isBusy
                if let current = victim {
                    if busy && !current.busy { return }
                    if busy == current.busy && entry.lastUse >= current.lastUse { return }
                }
                victim = (text, identity, entry.lastUse, busy)
            }
            for (text, entry) in byText { consider(entry, text: text, identity: nil) }
            for (identity, entry) in byIdentity { consider(entry, text: nil, identity: identity) }
            guard let victim else { return }
            if let text = victim.text { byText[text] = nil }
            if let identity = victim.identity { byIdentity[identity] = nil }
        }
    }
}
