import SQLite
import Storage

/// The bookkeeping that the cross-table triggers do on SQLite and plain PostgreSQL, done by the application on a
/// distributed (Citus) database, where a trigger runs on one shard and cannot reach another table's rows
/// (schema.citus.sql; docs/scale-out.md, "Citus"). Every function here is called by the write it belongs to, in
/// that write's transaction, and does nothing unless ``Database/isDistributed``: on the other back ends the
/// schema's triggers keep the same rows, so there is one source of each figure per back end.
///
/// What it keeps, and which trigger it stands in for:
/// - `role_counts`: a +1/−1 delta row per user added or removed (`users_count`);
/// - `user_emails` and `user_logins`: the lookup tables that make an email and a login unique across shards (the
///   unique indexes schema.postgres.sql has); a concurrent duplicate fails with 23505 there, and the writer runs
///   the job again, when its own check sees the winner, as on PostgreSQL;
/// - a customer's order figures (`orders_stats`): recounted for every customer an order write touches, after the
///   customer's row is locked, so two transactions writing orders of one customer count one after the other;
/// - a deleted customer's orders becoming guest orders (`users_orders_guest`).
/// The list change logs are not kept: only SQLite's page anchors read them.
enum Bookkeeping {
    // MARK: Customers

    static let addRoleDelta = SQL("INSERT INTO role_counts (role, users) VALUES (?, ?)")
    static let addEmail = SQL("INSERT INTO user_emails (email, user_id) VALUES (?, ?)")
    static let addLogin = SQL("INSERT INTO user_logins (username, user_id) VALUES (?, ?)")
    static let removeEmail = SQL("DELETE FROM user_emails WHERE email = ? AND user_id = ?")
    static let removeLogin = SQL("DELETE FROM user_logins WHERE username = ? AND user_id = ?")
    static let userKeys = SQL("SELECT role, email, username FROM users WHERE id = ?")
    static let ordersToGuest = SQL("UPDATE orders SET customer_id = 0 WHERE customer_id = ?")

    /// After user `id` was inserted with `role`, `email` and `username`.
    static func userInserted(id: Int64, role: String, email: String, username: String, in db: Database) throws {
        guard db.isDistributed else { return }
        try run(addRoleDelta, [.text(role), .integer(1)], in: db)
        try run(addLogin, [.text(username), .integer(id)], in: db)
        if !email.isEmpty { try run(addEmail, [.text(email), .integer(id)], in: db) }
    }

    /// Before user `id`'s email is set to `email`: the lookup moves from the old address to the new one (also
    /// when only its case changes, since the lookup keeps the address as written).
    static func emailChanging(id: Int64, to email: String, in db: Database) throws {
        guard db.isDistributed, let old = try keys(of: id, in: db) else { return }
        if !old.email.isEmpty { try run(removeEmail, [.text(old.email), .integer(id)], in: db) }
        if !email.isEmpty { try run(addEmail, [.text(email), .integer(id)], in: db) }
    }

    /// Before user `id` is deleted: their role's count goes down, their email and login are free again, and their
    /// orders become guest orders (customers §8.2).
    static func userDeleting(id: Int64, in db: Database) throws {
        guard db.isDistributed, let old = try keys(of: id, in: db) else { return }
        try run(addRoleDelta, [.text(old.role), .integer(-1)], in: db)
        try run(removeLogin, [.text(old.username), .integer(id)], in: db)
        if !old.email.isEmpty { try run(removeEmail, [.text(old.email), .integer(id)], in: db) }
        try run(ordersToGuest, [.integer(id)], in: db)
    }

    /// After `seed` inserted users `first...last` in one go: their lookups and role counts, in three statements
    /// instead of three per user.
    static func usersAdded(from first: Int64, through last: Int64, in db: Database) throws {
        guard db.isDistributed, first <= last else { return }
        let range: [SQLValue] = [.integer(first), .integer(last)]
        try run(SQL("""
            INSERT INTO user_emails (email, user_id) SELECT email, id FROM users \
            WHERE id BETWEEN ? AND ? AND email <> ''
            """), range, in: db)
        try run(SQL("INSERT INTO user_logins (username, user_id) SELECT username, id FROM users WHERE id BETWEEN ? AND ?"),
                range, in: db)
        try run(SQL("""
            INSERT INTO role_counts (role, users) SELECT role, count(*) FROM users WHERE id BETWEEN ? AND ? \
            GROUP BY role
            """), range, in: db)
    }

    /// Makes the lookups and role counts again from the users (`copy-store` onto a distributed database, which
    /// copies the rows as they are).
    static func rebuild(in db: Database) throws {
        guard db.isDistributed else { return }
        try db.execute("DELETE FROM user_emails")
        try db.execute("DELETE FROM user_logins")
        try db.execute("DELETE FROM role_counts")
        try db.execute("INSERT INTO user_emails (email, user_id) SELECT email, id FROM users WHERE email <> ''")
        try db.execute("INSERT INTO user_logins (username, user_id) SELECT username, id FROM users")
        try db.execute("INSERT INTO role_counts (role, users) SELECT role, count(*) FROM users GROUP BY role")
    }

    private static func keys(of id: Int64, in db: Database) throws -> (role: String, email: String, username: String)? {
        let statement = try db.cachedStatement(userKeys)
        try statement.bind(id, at: 1)
        return try statement.first(nil) { ($0.text(at: 0), $0.text(at: 1), $0.text(at: 2)) }
    }

    // MARK: Orders

    static let customerOfOrder = SQL("SELECT customer_id FROM orders WHERE id = ?")
    static let lockUser = SQL("SELECT id FROM users WHERE id = ? FOR UPDATE")
    static let figures = SQL("""
        SELECT count(*) FILTER (WHERE status <> 'trash'), \
        coalesce(sum(total_cents) FILTER (WHERE status IN ('processing', 'completed')), 0), \
        max(id) FILTER (WHERE status <> 'trash') FROM orders WHERE customer_id = ?
        """)
    static let orderDate = SQL("SELECT created_at FROM orders WHERE id = ?")
    static let writeFigures = SQL("""
        UPDATE users SET version = version + 1, orders_count = ?2, total_spent_cents = ?3, last_order_id = ?4, \
        last_order_date = ?5 WHERE id = ?1
        """)

    /// The customer order `id` belongs to now (0 for a guest order), or nil when there is no such order; read
    /// before an order is rewritten or deleted, so the customer it leaves is recounted too.
    static func customer(ofOrder id: Int64, in db: Database) throws -> Int64? {
        guard db.isDistributed else { return nil }
        let statement = try db.cachedStatement(customerOfOrder)
        try statement.bind(id, at: 1)
        return try statement.first(nil) { $0.int64(at: 0) }
    }

    /// Before an order write touches anything else: locks the rows of the customers it will recount, in id order.
    /// On Citus the figures' lock must come first. A write to a reference table (the post row of a new order, a
    /// product's sales) locks that table's shard on the coordinator, and the catalogue's foreign keys tie the
    /// catalogue tables' locks together; an order write that took those first and the customer's row after
    /// deadlocked with one that did the opposite (measured: 20 concurrent paid orders of one customer took 77 post
    /// ids, 57 runs lost to distributed deadlocks; none with this lock). Locked first, writers of one customer's
    /// orders queue on it instead.
    static func lockCustomers(_ customers: [Int64?], in db: Database) throws {
        guard db.isDistributed else { return }
        for id in Set(customers.compactMap { $0 }.filter { $0 != 0 }).sorted() {
            let lock = try db.cachedStatement(lockUser)
            try lock.bind(id, at: 1)
            _ = try lock.first(nil) { $0.int64(at: 0) }
        }
    }

    /// After orders of `customers` were written: each customer's figures (customers §3.3) counted again from their
    /// orders, as `orders_stats` does: orders in a registered status (not trash) count, paid ones (processing,
    /// completed) make the total spent, and the last order is the highest id. Guests (0) have no figures.
    static func ordersWritten(customers: [Int64?], in db: Database) throws {
        guard db.isDistributed else { return }
        // Locked in id order, so two writes of the same customers cannot deadlock, and before counting: under READ
        // COMMITTED each statement after the lock sees every order committed before it was granted.
        let ids = Set(customers.compactMap { $0 }.filter { $0 != 0 }).sorted()
        for id in ids {
            let lock = try db.cachedStatement(lockUser)
            try lock.bind(id, at: 1)
            guard try lock.first(nil, { $0.int64(at: 0) }) != nil else { continue }
            let count = try db.cachedStatement(figures)
            try count.bind(id, at: 1)
            guard let row = try count.first(nil, { (n: $0.int64(at: 0), cents: $0.int64(at: 1),
                                                    last: $0.isNull(at: 2) ? nil : $0.int64(at: 2)) }) else { continue }
            var date: Int64?
            if let last = row.last {
                let read = try db.cachedStatement(orderDate)
                try read.bind(last, at: 1)
                date = try read.first(nil) { $0.int64(at: 0) }
            }
            try run(writeFigures, [.integer(id), .integer(row.n), .integer(row.cents),
                                   row.last.map { .integer($0) } ?? .null, date.map { .integer($0) } ?? .null], in: db)
        }
    }

    private static func run(_ sql: SQL, _ values: [SQLValue], in db: Database) throws {
        let statement = try db.cachedStatement(sql)
        try statement.bind(values)
        try statement.execute()
    }
}
