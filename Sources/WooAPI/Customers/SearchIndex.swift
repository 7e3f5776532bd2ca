import SQLite

/// The customers search index (`users_search`, schema.sql versions 4 and 5): a trigram index over username and
/// email that writes do not touch. Its backlog is the customers change log (`user_list_changes`): every user whose
/// username or email may have changed has an entry there, and `search_progress` holds the last entry the index
/// includes. ``catchUp(limit:in:)`` later moves the users of newer entries into the index in one go — one index
/// segment per catch-up instead of one per commit, which cost a third of create throughput when triggers indexed
/// every row (issue 11). Searches read the index and every user of the backlog (``pendingIDs(limit:in:)``), so they
/// never miss a change.
package enum SearchIndex {
    /// Most log entries one catch-up takes: one writer job of ~30 ms, so writes queued behind it wait little.
    package static let batch = 5_000
    /// The backlog at which the store indexes even while writes keep coming (see `Store.startSearchIndexer`):
    /// past ``CustomerListPlan/candidateLimit`` searches already run the plain query, so this bounds only how long
    /// they do and how far the log grows (~100 bytes an entry).
    package static let backlogLimit = 100_000

    static let backlogSQL = SQL("""
        SELECT coalesce((SELECT max(seq) FROM user_list_changes), 0) - (SELECT seq FROM search_progress)
        """)

    /// How many log entries the index has not taken yet.
    package static func backlog(in db: Database) throws -> Int {
        try db.cachedStatement(backlogSQL).first(nil) { $0.int(at: 0) } ?? 0
    }

    static let progressSQL = SQL("SELECT seq FROM search_progress")
    static let pendingSQL = SQL("SELECT id FROM user_list_changes WHERE seq > (SELECT seq FROM search_progress) LIMIT ?")
    /// The last entry of the next batch: the `limit`-th after the progress mark, or the last one.
    static let batchEndSQL = SQL("""
        SELECT max(seq) FROM (SELECT seq FROM user_list_changes WHERE seq > ? ORDER BY seq LIMIT ?)
        """)
    static let removeSQL = SQL("""
        DELETE FROM users_search WHERE rowid IN (SELECT id FROM user_list_changes WHERE seq > ? AND seq <= ?)
        """)
    static let addSQL = SQL("""
        INSERT INTO users_search (rowid, username, email) SELECT u.id, u.username, u.email FROM users u \
        WHERE u.id IN (SELECT id FROM user_list_changes WHERE seq > ? AND seq <= ?)
        """)
    static let advanceSQL = SQL("UPDATE search_progress SET seq = ?")

    /// Re-indexes the users of up to `limit` log entries after the progress mark (a deleted user only leaves the
    /// index) and moves the mark past them; returns whether any were pending. Runs in the caller's write
    /// transaction, so the statements see the same rows.
    @discardableResult
    package static func catchUp(limit: Int = batch, in db: Database) throws -> Bool {
        let from = try db.cachedStatement(progressSQL).first(nil) { $0.int64(at: 0) } ?? 0
        let end = try db.cachedStatement(batchEndSQL).first([.integer(from), .integer(Int64(limit))]) { row in
            row.isNull(at: 0) ? nil : row.int64(at: 0)
        } ?? nil
        guard let end else { return false }
        for sql in [removeSQL, addSQL] {
            try db.cachedStatement(sql).execute([.integer(from), .integer(end)])
        }
        try db.cachedStatement(advanceSQL).execute([.integer(end)])
        return true
    }

    /// The ids of the users waiting to be indexed, or nil when the backlog holds more than `limit` entries.
    package static func pendingIDs(limit: Int, in db: Database) throws -> [Int64]? {
        let statement = try db.cachedStatement(pendingSQL)
        try statement.bind(Int64(limit + 1), at: 1)
        let ids = try statement.map(nil) { $0.int64(at: 0) }
        return ids.count > limit ? nil : ids
    }
}
