import Postgres
import SQLite
import Storage

/// Copies a whole store from one database to another, SQLite or PostgreSQL either way (issue 12: `copy-store`, how
/// a store that started embedded moves to PostgreSQL, and back).
///
/// **What is copied.** Every table a store's data lives in, row for row with its ids: keys, users, posts, products
/// and their downloads, orders, their items, download grants and OAuth nonces (``tables``). What the schema derives
/// from them is not copied but made again by the target's own triggers as the rows arrive: the users' order
/// figures, the role counts, the list change logs and (SQLite) the search index, which the server brings up to date
/// from the log. The id sequences' high-water marks are carried over too, so an id deleted in the source is never
/// handed out again by the target.
///
/// **All or nothing.** The target must be empty (a new store: its schema's one administrator and nothing else); the
/// copy runs in one target transaction that replaces that administrator with the source's users, and commits only
/// after the verification passed. Rows are read from the source in key order, a page at a time, and written in
/// multi-row inserts.
///
/// **Verified.** After the copy, inside the transaction: every table's row count, and the users' figures summed
/// (orders count, total spent, last order id and date) and counted by role, equal the source's.
package enum StoreCopier {
    /// A table to copy and the columns of its key, in order.
    package struct Table: Sendable {
        package var name: String
        package var key: [String]
    }

    /// The tables a store's data lives in, parents before children.
    package static let tables = [
        Table(name: "api_keys", key: ["key_id"]),
        Table(name: "users", key: ["id"]),
        Table(name: "posts", key: ["id"]),
        Table(name: "products", key: ["id"]),
        Table(name: "product_downloads", key: ["product_id", "download_id"]),
        Table(name: "orders", key: ["id"]),
        Table(name: "order_items", key: ["id"]),
        Table(name: "download_permissions", key: ["id"]),
        Table(name: "oauth_nonces", key: ["key_id", "nonce"]),
    ]

    /// Id columns whose sequence (SQLite's AUTOINCREMENT, PostgreSQL's identity) is carried over.
    static let sequences = [("users", "id"), ("api_keys", "key_id"), ("posts", "id"), ("order_items", "id"),
                            ("download_permissions", "id")]

    /// Rows read from the source per page.
    package static let pageSize = 2_000

    /// What a copy did.
    package struct Report: Sendable, Equatable {
        /// Rows copied per table, in copy order.
        package var rows: [String: Int] = [:]
        /// Rows copied in all.
        package var total: Int { rows.values.reduce(0, +) }
    }

    /// Copies every row of `source` into `target` (both at this build's schema version), calling `progress` with
    /// the rows copied so far and the rows to copy. Throws, leaving the target as it was, when the target is not
    /// empty or the verification finds a difference.
    package static func copy(
        from source: Database, to target: Database, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Report {
        try requireEmpty(target)
        // One snapshot of the source for the whole copy and its verification, so a store still being written to is
        // copied as it was at one instant.
        let report = try source.transaction(.deferred) { source in
            if source.dialect == .postgres {
                try source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            }
            return try copySnapshot(from: source, to: target, progress: progress)
        }
        // PostgreSQL plans from table statistics, which a bulk load leaves at "empty" until autovacuum comes by:
        // measured, a customers page then took 5–10 ms (a bitmap scan and a sort of every customer) instead of 0.2.
        if target.dialect == .postgres { try target.execute("ANALYZE") }
        return report
    }

    private static func copySnapshot(
        from source: Database, to target: Database, progress: (Int, Int) -> Void
    ) throws -> Report {
        let total = try tables.reduce(0) { try $0 + count($1.name, in: source) }
        var report = Report()
        try target.transaction { target in
            try target.execute("DELETE FROM users")  // the new schema's administrator; the source brings its own
            var done = 0
            progress(0, total)
            for table in tables {
                report.rows[table.name] = try copy(table, from: source, to: target) { rows in
                    done += rows
                    progress(done, total)
                }
            }
            try copySequences(from: source, to: target)
            // PostgreSQL's role counts arrive as one +1 row per user inserted: folded, a list's total reads a row per
            // role instead of summing a row per user (measured: 10,000 unfolded rows made the customers list 90 times
            // slower).
            if target.dialect == .postgres { try target.execute(PostgresSchema.foldRoleCountsSQL) }
            // A distributed target has no triggers: its email and login lookups and role counts are made from the
            // copied users (the figures came with the rows).
            try Bookkeeping.rebuild(in: target)
            try verify(source: source, target: target)
        }
        return report
    }

    /// A target is empty when it holds nothing a store's data is made of, but its schema's administrator.
    static func requireEmpty(_ db: Database) throws {
        for table in tables where table.name != "users" {
            guard try count(table.name, in: db) == 0 else {
                throw StoreError("the target store is not empty (\(table.name) has rows); copy-store needs a new store")
            }
        }
        let users = try db.query("SELECT count(*), coalesce(max(id), 0) FROM users").first
        guard let users, users[0].intValue ?? 0 <= 1, users[1].intValue ?? 0 <= 1 else {
            throw StoreError("the target store is not empty (it has users); copy-store needs a new store")
        }
    }

    static func count(_ table: String, in db: Database) throws -> Int {
        try db.query("SELECT count(*) FROM \(table)").first?[0].intValue ?? 0
    }

    /// Copies one table in key order, a page at a time; returns the rows copied.
    private static func copy(
        _ table: Table, from source: Database, to target: Database, copied: (Int) -> Void
    ) throws -> Int {
        let columns = try source.makeStatement("SELECT * FROM \(table.name) LIMIT 0").columnNames
        let keyIndexes = try table.key.map { key in
            guard let index = columns.firstIndex(of: key) else { throw StoreError("\(table.name) has no column \(key)") }
            return index
        }
        let keyList = table.key.joined(separator: ", ")
        let first = try source.makeStatement("SELECT * FROM \(table.name) ORDER BY \(keyList) LIMIT ?")
        let next = try source.makeStatement("""
            SELECT * FROM \(table.name) WHERE (\(keyList)) > (\(table.key.map { _ in "?" }.joined(separator: ", ")))
            ORDER BY \(keyList) LIMIT ?
            """)
        var last: [SQLValue]?
        var copiedRows = 0
        while true {
            var page: [[SQLValue]] = []
            page.reserveCapacity(pageSize)
            let arguments = (last ?? []) + [.integer(Int64(pageSize))]
            try (last == nil ? first : next).forEach(arguments) { row in page.append(row.values()) }
            guard !page.isEmpty else { break }
            try insert(page, into: table.name, columns: columns, in: target)
            copiedRows += page.count
            copied(page.count)
            last = keyIndexes.map { page[page.count - 1][$0] }
            if page.count < pageSize { break }
        }
        return copiedRows
    }

    /// Inserts `rows` with multi-row INSERTs of at most as many values as both engines take in one statement.
    private static func insert(_ rows: [[SQLValue]], into table: String, columns: [String], in db: Database) throws {
        let perStatement = max(1, min(500, 30_000 / max(columns.count, 1)))
        let columnList = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let tuple = "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            let sql = "INSERT INTO \(table) (\(columnList)) VALUES " + Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
            let statement = try db.statement(sql, cached: chunk.count == perStatement)
            var index = 1
            for row in chunk {
                for value in row {
                    try statement.bind(value, at: index)
                    index += 1
                }
            }
            try statement.execute()
            start += chunk.count
        }
    }

    /// The high-water mark of each id sequence, at least the largest id present.
    private static func highWaterMarks(_ db: Database) throws -> [String: Int64] {
        var marks: [String: Int64] = [:]
        for (table, column) in sequences {
            var mark = try db.query("SELECT coalesce(max(\(column)), 0) FROM \(table)").first?[0].int64Value ?? 0
            switch db.dialect {
            case .sqlite:
                let row = try db.query("SELECT seq FROM sqlite_sequence WHERE name = ?", [.text(table)]).first
                mark = max(mark, row?[0].int64Value ?? 0)
            case .postgres:
                let row = try db.query(
                    "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence(?, ?)::regclass), 0)",
                    [.text(table), .text(column)]).first
                mark = max(mark, row?[0].int64Value ?? 0)
            }
            marks[table] = mark
        }
        return marks
    }

    private static func copySequences(from source: Database, to target: Database) throws {
        for (table, mark) in try highWaterMarks(source) where mark > 0 {
            switch target.dialect {
            case .sqlite:
                try target.execute("DELETE FROM sqlite_sequence WHERE name = ?", [.text(table)])
                try target.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [.text(table), .integer(mark)])
            case .postgres:
                let column = sequences.first { $0.0 == table }!.1
                _ = try target.query("SELECT setval(pg_get_serial_sequence(?, ?), ?)",
                                     [.text(table), .text(column), .integer(mark)])
            }
        }
    }

    /// The counts and figures the copy must have kept.
    private static func fingerprint(_ db: Database) throws -> [String] {
        var lines: [String] = []
        for table in tables { lines.append("\(table.name) \(try count(table.name, in: db))") }
        let figures = try db.query("""
            SELECT count(*), coalesce(sum(orders_count), 0), coalesce(sum(total_spent_cents), 0),
                   coalesce(sum(coalesce(last_order_id, 0)), 0), coalesce(sum(coalesce(last_order_date, 0)), 0)
            FROM users
            """).first?.values.map { "\($0.int64Value ?? -1)" } ?? []
        lines.append("users' figures " + figures.joined(separator: " "))
        for row in try db.query("SELECT role, count(*) FROM users GROUP BY role ORDER BY role") {
            lines.append("role \(row[0].stringValue ?? "") \(row[1].intValue ?? 0)")
        }
        // The derived role counts (one row per role on SQLite, summed deltas on PostgreSQL) agree with the users.
        for row in try db.query("SELECT role, sum(users) FROM role_counts GROUP BY role HAVING sum(users) <> 0 ORDER BY role") {
            lines.append("role_counts \(row[0].stringValue ?? "") \(row[1].intValue ?? 0)")
        }
        return lines
    }

    private static func verify(source: Database, target: Database) throws {
        let expected = try fingerprint(source), found = try fingerprint(target)
        guard expected == found else {
            let differences = zip(expected, found).filter { $0 != $1 }.map { "\($0) ≠ \($1)" }
            throw StoreError("the copy does not match its source (\(differences.joined(separator: "; "))); nothing was written")
        }
    }
}
