/// Per-connection cache of prepared statements keyed by their exact SQL text.
struct StatementCache {
    private var statements: [String: Statement] = [:]

    /// The cached statement for `sql`, if any.
    subscript(sql: String) -> Statement? {
        get { statements[sql] }
        set { statements[sql] = newValue }
    }

    /// The number of cached statements.
    var count: Int { statements.count }

    /// Drops every cached statement (each is finalized once no caller still holds it).
    mutating func removeAll() {
        statements.removeAll()
    }
}

extension Database {
    /// Returns the connection's prepared statement for `sql`, preparing it once with `SQLITE_PREPARE_PERSISTENT`.
    ///
    /// The statement is reset and its bindings cleared before it is returned, so it is ready to bind
    /// and run. The same object comes back for the same SQL: finish with it (the `Statement` run
    /// helpers reset automatically) before asking for the same SQL again, e.g. inside its own `forEach`.
    package func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try Statement(connection: connection, sql: sql, persistent: true)
        statementCache[sql] = statement
        return statement
    }

    /// The number of statements currently cached on this connection.
    package var cachedStatementCount: Int { statementCache.count }

    /// Finalizes all cached statements (e.g. to free memory; they are re-prepared on demand).
    package func clearStatementCache() {
        statementCache.removeAll()
    }
}
