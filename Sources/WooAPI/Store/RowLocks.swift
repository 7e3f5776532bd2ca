import SQLite
import Storage

/// What a write that reads a row, changes it in memory and writes it back whole takes first on PostgreSQL, so it
/// keeps what SQLite's single writer gives for free (docs/scale-out.md §3 step 3). Writers there run READ
/// COMMITTED on several connections at once: without a lock, an order read by two status changes at once would be
/// written twice from the same old row (two grants, two sales), and a product update would write back the
/// `total_sales` it read while an order added to it. A lock is taken before the read, so the read (a new statement,
/// a new snapshot) sees every write committed before it; it is held to the end of the job's transaction. On SQLite
/// each does nothing: the writer holds the database's write lock for the whole transaction.
enum RowLocks {
    static let order = SQL("SELECT id FROM orders WHERE id = ? FOR UPDATE")
    /// The product and its variations, whose rows a product write rewrites.
    static let product = SQL("SELECT id FROM products WHERE id = ?1 OR parent_id = ?1 ORDER BY id FOR UPDATE")
    /// Creates and edits of products check SKUs and slugs against the other products before they write (a SKU is
    /// unique among products that are not trashed, a slug gets the next free suffix), which no unique index can
    /// decide; they take turns at this transaction-level advisory lock ("wccatalg"), as on SQLite's one writer.
    /// Order writes never take it: they only add to `total_sales`, under the row lock of their UPDATE.
    static let catalog = SQL("SELECT pg_advisory_xact_lock(8602828983423298663)")

    /// Locks order `id`'s row, if it exists, to the end of the transaction (PostgreSQL only).
    static func lockOrder(_ id: Int64, in db: Database) throws {
        guard db.dialect == .postgres else { return }
        try db.cachedStatement(order).execute([.integer(id)])
    }

    /// Takes the catalogue's turn, then locks product `id` and its variations (PostgreSQL only).
    static func lockProduct(_ id: Int64, in db: Database) throws {
        guard db.dialect == .postgres else { return }
        try lockCatalog(in: db)
        try db.cachedStatement(product).execute([.integer(id)])
    }

    /// Takes the catalogue's turn for a product create (PostgreSQL only).
    static func lockCatalog(in db: Database) throws {
        guard db.dialect == .postgres else { return }
        try db.cachedStatement(catalog).execute([])
    }
}
