/// The isolation level of a top-level transaction (`BEGIN ISOLATION LEVEL …`).
package enum PostgresIsolation: String, Sendable {
    /// PostgreSQL's default: each statement sees the data committed before it started.
    case readCommitted = "READ COMMITTED"
    /// One snapshot for the whole transaction; a concurrent update of the same row fails with 40001.
    case repeatableRead = "REPEATABLE READ"
    /// Behaves as if transactions ran one after another; any anomaly fails with 40001 (retry the whole body).
    case serializable = "SERIALIZABLE"

    /// The BEGIN statement, as a literal so the hot path builds no string.
    var beginSQL: String {
        switch self {
        case .readCommitted: return "BEGIN ISOLATION LEVEL READ COMMITTED"
        case .repeatableRead: return "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: return "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}

extension PostgresConnection {
    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK and rethrow its error when it throws.
    ///
    /// `isolation` nil means the session default (READ COMMITTED unless configured). When a transaction is already
    /// open the body runs in a SAVEPOINT instead and `isolation` is ignored: on throw only the savepoint's work is
    /// undone. If a statement failed inside the body but the body swallowed the error, the transaction can only roll
    /// back (PostgreSQL would answer COMMIT with ROLLBACK, silently); this throws instead of reporting success.
    /// A failing ROLLBACK never replaces the original error. Retrying on ``PostgresError/isSerializationFailure``
    /// is the caller's policy.
    @discardableResult
    package func transaction<T>(_ isolation: PostgresIsolation? = nil,
                                _ body: (PostgresConnection) throws -> T) throws -> T {
        if isInTransaction {
            return try savepoint(body)
        }
        try executeCached(isolation?.beginSQL ?? "BEGIN")
        let result: T
        do {
            result = try body(self)
            try throwIfFailed("COMMIT")
            let commit = try executeCached("COMMIT")
            // COMMIT of a transaction that failed inside the server reports ROLLBACK rather than an error.
            guard commit.commandStatus == "COMMIT" else {
                throw PostgresError(sqlState: "40000", message: "the transaction was rolled back", sql: "COMMIT")
            }
        } catch {
            rollbackIgnoringErrors()
            throw error
        }
        return result
    }

    /// Runs `body` inside `SAVEPOINT`: `RELEASE` on success, `ROLLBACK TO` + `RELEASE` on throw.
    private func savepoint<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        // Depth-based names keep the set of cached savepoint statements small and bounded.
        let name = "wc_savepoint_\(savepointDepth)"
        try executeCached("SAVEPOINT \(name)")
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let result: T
        do {
            result = try body(self)
            try throwIfFailed("RELEASE SAVEPOINT \(name)")
            try executeCached("RELEASE SAVEPOINT \(name)")
        } catch {
            // ROLLBACK TO clears a failed state, so the outer transaction can go on.
            if isInTransaction {
                _ = try? executeCached("ROLLBACK TO SAVEPOINT \(name)")
                _ = try? executeCached("RELEASE SAVEPOINT \(name)")
            }
            throw error
        }
        return result
    }

    /// Throws when the open transaction has failed (a statement error the body caught and did not rethrow).
    private func throwIfFailed(_ sql: String) throws {
        guard isInFailedTransaction else { return }
        throw PostgresError(sqlState: "25P02", message: "a statement failed earlier in this transaction", sql: sql)
    }

    /// Rolls back the open transaction, if any, swallowing any error (the connection may be gone).
    private func rollbackIgnoringErrors() {
        guard isInTransaction else { return }
        _ = try? executeCached("ROLLBACK")
    }
}
