/// The comparison of the two schemas' facts, and the differences that are meant to be there.
enum SchemaParity {
    /// A difference schema.postgres.sql has on purpose. A fact on one side only fails the parity test unless an
    /// allowance covers it, and an allowance that covers nothing fails it too (it outlived its reason).
    struct Allowance: CustomStringConvertible {
        enum Side: String { case sqliteOnly = "only in schema.sql", postgresOnly = "only in schema.postgres.sql" }

        let side: Side
        /// A table name, or a prefix ending in `*`.
        let table: String
        /// The start of the fact's detail (a whole detail, or `index name ` for any form of that index);
        /// nil covers every fact of the table.
        let detail: String?
        /// Why the schemas differ here.
        let reason: String

        func covers(_ fact: SchemaFact, on side: Side) -> Bool {
            guard side == self.side else { return false }
            let tableMatches = table.hasSuffix("*") ? fact.table.hasPrefix(table.dropLast()) : fact.table == table
            return tableMatches && (detail.map { fact.detail == $0 || fact.detail.hasPrefix($0) } ?? true)
        }

        var description: String { "\(side.rawValue): \(table)\(detail.map { ": \($0)" } ?? "") (\(reason))" }
    }

    /// The intended differences (types are not among them: the readers map SQLite's INTEGER, REAL, TEXT and
    /// TEXT COLLATE NOCASE to bigint, double precision, text and citext before comparing).
    static let allowances: [Allowance] = [
        // Customer search: SQLite's FTS5 index is a virtual table with shadow tables (users_search_data, …) fed by
        // a replay of the change log up to search_progress; PostgreSQL's is a trigram GIN index on users, kept in
        // step by every write, with nothing to replay.
        Allowance(side: .sqliteOnly, table: "users_search*", detail: nil, reason: "FTS5 search index"),
        Allowance(side: .sqliteOnly, table: "search_progress", detail: nil, reason: "FTS5 index's replay mark"),
        Allowance(side: .postgresOnly, table: "users", detail: "index users_search using gin ",
                  reason: "trigram index over users_search_text(username, email)"),
        // PRAGMA user_version on SQLite.
        Allowance(side: .postgresOnly, table: "schema_version", detail: nil, reason: "the schema version's table"),
        // role_counts: one row per role on SQLite, insert-only deltas summed by role on PostgreSQL (a row per
        // role would be a hot row under concurrent writers).
        Allowance(side: .sqliteOnly, table: "role_counts", detail: "primary key (role)",
                  reason: "many delta rows per role on PostgreSQL"),
        Allowance(side: .postgresOnly, table: "role_counts", detail: "index role_counts_role ",
                  reason: "readers sum the deltas by role"),
        // An SQLite index on a rowid table ends with the rowid (the id), which walks by id use; PostgreSQL's
        // indexes hold no such column, so these two name it.
        Allowance(side: .sqliteOnly, table: "users", detail: "index users_role_id (role)",
                  reason: "implicit rowid at the end"),
        Allowance(side: .postgresOnly, table: "users", detail: "index users_role_id (role, id)",
                  reason: "the rowid spelled out"),
        Allowance(side: .sqliteOnly, table: "orders", detail: "index orders_status (status)",
                  reason: "implicit rowid at the end"),
        Allowance(side: .postgresOnly, table: "orders", detail: "index orders_status (status, id)",
                  reason: "the rowid spelled out"),
    ]

    /// Every fact on one side only that no allowance covers, and every allowance that covers nothing, as messages
    /// naming the object (sorted, so a failure reads the same every run). Empty when the schemas agree.
    static func problems(sqlite: Set<SchemaFact>, postgres: Set<SchemaFact>,
                         allowances: [Allowance] = allowances) -> [String] {
        var problems: [String] = []
        var used = Array(repeating: false, count: allowances.count)
        let sides: [(Allowance.Side, Set<SchemaFact>)] = [(.sqliteOnly, sqlite.subtracting(postgres)),
                                                           (.postgresOnly, postgres.subtracting(sqlite))]
        for (side, facts) in sides {
            for fact in facts.sorted() {
                if let index = allowances.firstIndex(where: { $0.covers(fact, on: side) }) {
                    used[index] = true
                } else {
                    problems.append("\(side.rawValue): \(fact)")
                }
            }
        }
        for (index, allowance) in allowances.enumerated() where !used[index] {
            problems.append("allowed difference no longer seen (remove it from the allow-list): \(allowance)")
        }
        return problems
    }
}
