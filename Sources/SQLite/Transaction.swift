/// How a top-level transaction takes its locks (`BEGIN DEFERRED | IMMEDIATE | EXCLUSIVE`).
package enum TransactionKind: String, Sendable {
    /// Locks lazily on first read/write; upgrading to a writer later may fail with `SQLITE_BUSY`.
    case deferred = "DEFERRED"
    /// Takes the write lock at BEGIN (waiting up to the busy timeout): the right default for writers.
    case immediate = "IMMEDIATE"
    /// Like immediate; in WAL mode identical to it.
    case exclusive = "EXCLUSIVE"

    /// The BEGIN statement, as a literal so the hot path allocates nothing.
    var beginSQL: String {
        switch self {
        case .deferred: return "BEGIN DEFERRED TRANSACTION"
        case .immediate: return "BEGIN IMMEDIATE TRANSACTION"
        case .exclusive: return "BEGIN EXCLUSIVE TRANSACTION"
        }
    }
}

extension Database {
    /// Runs `body` in a transaction: commits when it returns, rolls back and rethrows its error when it throws.
    ///
    /// When a transaction is already open (an outer `transaction` call, or a manual BEGIN) the body
    /// runs in a SAVEPOINT instead, and `kind` is ignored: on throw only the savepoint's work is rolled
    /// back and the outer transaction stays open. If COMMIT itself fails (e.g. a deferred foreign key
    /// violation) the transaction is rolled back and the COMMIT error is thrown. A failing rollback
    /// never replaces the original error.
    @discardableResult
    package func transaction<T>(_ kind: TransactionKind = .immediate, _ body: (Database) throws -> T) throws -> T {
        if isInTransaction {
            return try savepoint(body)
        }
        try cachedStatement(kind.beginSQL).execute()
        let result: T
        do {
            result = try body(self)
            try cachedStatement("COMMIT TRANSACTION").execute()
        } catch {
            rollbackIgnoringErrors()
            throw error
        }
        return result
    }

    /// Runs `body` inside `SAVEPOINT`: `RELEASE` on success, `ROLLBACK TO` + `RELEASE` on throw.
    private func savepoint<T>(_ body: (Database) throws -> T) throws -> T {
        // Depth-based names keep the set of cached savepoint statements small and bounded.
        let name = "swift_savepoint_\(savepointDepth)"
        try cachedStatement("SAVEPOINT \(name)").execute()
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let result: T
        do {
            result = try body(self)
            try cachedStatement("RELEASE SAVEPOINT \(name)").execute()
        } catch {
            // Errors such as SQLITE_FULL may already have rolled back the whole transaction.
            if isInTransaction {
                try? cachedStatement("ROLLBACK TO SAVEPOINT \(name)").execute()
                try? cachedStatement("RELEASE SAVEPOINT \(name)").execute()
            }
            throw error
        }
        return result
    }

    /// Rolls back the open transaction, if SQLite has not already done so, swallowing any error.
    private func rollbackIgnoringErrors() {
        guard isInTransaction else { return }
        try? cachedStatement("ROLLBACK TRANSACTION").execute()
    }
}
