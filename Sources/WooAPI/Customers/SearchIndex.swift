import SQLite

/// The customers search index (`users_search`, schema.sql version 4): a trigram index over username and email that
/// writes do not touch. A user write only notes the user in `users_search_pending`, in its own transaction, and
/// ``catchUp(limit:in:)`` later moves the noted users into the index in one go — one index segment per catch-up
/// instead of one per commit, which cost a third of create throughput when triggers indexed every row (issue 11).
/// Searches read the index and every pending user (``pendingIDs(limit:in:)``), so they never miss a change.
package enum SearchIndex {
    /// Most users one catch-up moves (one writer job: a few tens of milliseconds).
    package static let batch = 20_000

    static let firstPendingSQL = SQL("SELECT 1 FROM users_search_pending LIMIT 1")
    static let removeSQL = SQL("""
        DELETE FROM users_search WHERE rowid IN (SELECT id FROM users_search_pending ORDER BY id LIMIT ?)
        """)
    static let addSQL = SQL("""
        INSERT INTO users_search (rowid, username, email) SELECT u.id, u.username, u.email \
        FROM (SELECT id FROM users_search_pending ORDER BY id LIMIT ?) p JOIN users u ON u.id = p.id
        """)
    static let clearSQL = SQL("""
        DELETE FROM users_search_pending WHERE id IN (SELECT id FROM users_search_pending ORDER BY id LIMIT ?)
        """)
    static let pendingSQL = SQL("SELECT id FROM users_search_pending LIMIT ?")

    /// Whether users wait to be indexed (any connection).
    package static func hasPending(in db: Database) throws -> Bool {
        try db.cachedStatement(firstPendingSQL).first(nil) { _ in true } ?? false
    }

    /// Re-indexes up to `limit` pending users (the lowest ids; a deleted one only leaves the index) and returns
    /// whether any were pending. Runs in the caller's write transaction: the three statements see the same rows.
    @discardableResult
    package static func catchUp(limit: Int = batch, in db: Database) throws -> Bool {
        guard try hasPending(in: db) else { return false }
        for sql in [removeSQL, addSQL, clearSQL] {
            let statement = try db.cachedStatement(sql)
            try statement.bind(Int64(limit), at: 1)
            try statement.execute()
        }
        return true
    }

    /// The pending users' ids, or nil when there are more than `limit`.
    static func pendingIDs(limit: Int, in db: Database) throws -> [Int64]? {
        let statement = try db.cachedStatement(pendingSQL)
        try statement.bind(Int64(limit + 1), at: 1)
        let ids = try statement.map(nil) { $0.int64(at: 0) }
        return ids.count > limit ? nil : ids
    }
}
