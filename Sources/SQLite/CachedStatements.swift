extension Database {
    /// Returns the connection's prepared statement for `sql`, preparing it once with `SQLITE_PREPARE_PERSISTENT`.
    ///
    /// The statement is reset and its bindings cleared before it is returned, so it is ready to bind
    /// and run. The same object comes back for the same SQL: finish with it (the `Statement` run
    /// helpers reset automatically) before asking for the same SQL again, e.g. inside its own `forEach`.
    ///
    /// Only for SQL from a small, fixed set of texts: a text chosen by request values belongs in
    /// ``makeStatement(_:)`` (see ``statement(_:cached:)``). The cache is bounded anyway (LRU, see
    /// ``Configuration/statementCacheCapacity``), so a statement may be re-prepared after others pushed it out.
    package func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache.statement(for: sql) {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try Statement(connection: connection, sql: sql, persistent: true)
        statementCache.insert(statement, for: sql)
        return statement
    }

    /// The connection's prepared statement for a long-lived ``SQL`` constant, looked up by identity.
    package func cachedStatement(_ sql: SQL) throws -> Statement {
        if let statement = statementCache.statement(for: sql) {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try Statement(connection: connection, sql: sql.text, persistent: true)
        statementCache.insert(statement, for: sql)
        return statement
    }

    /// The cached statement for `sql` when `cached`, else a fresh one finalized when released: for SQL composed at
    /// run time, whose common shapes (`cached`) are few and whose rare ones must not each stay prepared.
    package func statement(_ sql: String, cached: Bool) throws -> Statement {
        cached ? try cachedStatement(sql) : try makeStatement(sql)
    }

    /// The number of statements currently cached on this connection.
    package var cachedStatementCount: Int { statementCache.count }

    /// Finalizes all cached statements (e.g. to free memory; they are re-prepared on demand).
    package func clearStatementCache() {
        statementCache.removeAll()
    }
}

/// A statement's SQL held as a constant (`static let`): each connection prepares it once and finds it again
/// by the constant's identity, so hot paths never hash the SQL text. Values are always bound, never spliced.
package final class SQL: Sendable {
    package let text: String
    package init(_ text: String) { self.text = text }
}
