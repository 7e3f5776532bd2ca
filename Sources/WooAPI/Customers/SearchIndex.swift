import SQLite
import Storage

/// The customers search index (`users_search`, schema.sql versions 5–6): a contentless trigram index over each
/// user's login and email (one text, ``textSQL``) that writes do not touch. Its backlog is the customers
/// change log (`user_list_changes`): every change to a user's login or email has an entry there with the old text
/// (−1) and the new (+1), and `search_progress` holds the last entry the index includes. ``catchUp(limit:in:)``
/// replays newer entries into the index in log order — a −1 removes exactly the text an earlier +1 (or the build)
/// put in, a +1 adds one — in one statement, one index segment per catch-up instead of one per commit (which cost a
/// third of create throughput when triggers indexed every row, issue 11). Searches read the index and every user
/// of the backlog (``pendingIDs(limit:in:)``), so they never miss a change; the index answers token queries only
/// (``matchQuery(_:)``), and the exact LIKE runs on what it finds.
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
    /// The text a user is indexed by, on columns `username` and `email` (schema.sql version 6, which builds the
    /// index with the same expression): the email alone when it holds the login (ASCII case folded, so the login's
    /// trigrams are all among the email's under the tokenizer's wider folding too), else login, a line break and
    /// email. A contentless index deletes by the text it was given, so every writer of the index uses this.
    package static let textSQL = "CASE WHEN instr(lower(email), lower(username)) > 0 THEN email ELSE username || char(10) || email END"

    /// The entries in log order: a −1 is FTS5's `delete` command with the text the row had, a +1 an insert. The
    /// restart marker (delta 0, see `StoreSeeder.restartChangeLog`) is no row's.
    static let replaySQL = SQL("""
        INSERT INTO users_search (users_search, rowid, text) \
        SELECT CASE WHEN delta < 0 THEN 'delete' END, id, \(textSQL) FROM user_list_changes \
        WHERE seq > ? AND seq <= ? AND delta <> 0 ORDER BY seq
        """)
    static let advanceSQL = SQL("UPDATE search_progress SET seq = ?")

    /// Replays up to `limit` log entries after the progress mark into the index and moves the mark past them;
    /// returns whether any were pending. Runs in the caller's write transaction.
    @discardableResult
    package static func catchUp(limit: Int = batch, in db: Database) throws -> Bool {
        let from = try db.cachedStatement(progressSQL).first(nil) { $0.int64(at: 0) } ?? 0
        let end = try db.cachedStatement(batchEndSQL).first([.integer(from), .integer(Int64(limit))]) { row in
            row.isNull(at: 0) ? nil : row.int64(at: 0)
        } ?? nil
        guard let end else { return false }
        try db.cachedStatement(replaySQL).execute([.integer(from), .integer(end)])
        try db.cachedStatement(advanceSQL).execute([.integer(end)])
        return true
    }

    static let mergeSQL = SQL("INSERT INTO users_search (users_search, rank) VALUES ('merge', 200)")

    /// Merges some of the index's segments (about 200 pages of work, ~25 ms; the schema turns FTS5's own merging
    /// after every insert off) and returns whether there was any to do. Runs in the caller's write transaction.
    package static func merge(in db: Database) throws -> Bool {
        let before = db.totalChanges
        try db.cachedStatement(mergeSQL).execute()
        // FTS5 counts two or more changes when the command merged something (its documented test).
        return db.totalChanges - before >= 2
    }

    /// Most trigrams a query asks for: any subset of a term's trigrams finds every user holding the term (and maybe
    /// a few more, which the exact LIKE drops), so a long term asks for evenly spaced ones.
    static let maxTrigrams = 24

    /// The FTS5 query for users whose login or email may contain `literal` (three characters or more): all of its
    /// trigrams, each a quoted string. The index folds case as the tokenizer does (more widely than LIKE's ASCII
    /// folding, so it finds a superset).
    package static func matchQuery(_ literal: String) -> String {
        let characters = Array(literal.unicodeScalars)
        let count = characters.count - 2
        guard count > 0 else { return "" }
        let step = max(1, (count + maxTrigrams - 1) / maxTrigrams)
        var starts = Array(stride(from: 0, to: count, by: step))
        if starts.last != count - 1 { starts.append(count - 1) }
        return starts.map { start in
            var trigram = String.UnicodeScalarView()
            trigram.append(contentsOf: characters[start..<start + 3])
            return "\"" + String(trigram).replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: " AND ")
    }

    /// The ids of the users waiting to be indexed, or nil when the backlog holds more than `limit` entries.
    package static func pendingIDs(limit: Int, in db: Database) throws -> [Int64]? {
        let statement = try db.cachedStatement(pendingSQL)
        try statement.bind(Int64(limit + 1), at: 1)
        let ids = try statement.map(nil) { $0.int64(at: 0) }
        return ids.count > limit ? nil : ids
    }
}
