/// Per-connection cache of prepared statements keyed by their exact SQL text.
struct StatementCache {
    private var statements: [String: Statement] = [:]
    /// Statements of ``SQL`` constants, found by identity: no hashing of the SQL text on hot paths.
    var byIdentity: [ObjectIdentifier: Statement] = [:]

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
        byIdentity.removeAll()
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

    /// The connection's prepared statement for a long-lived ``SQL`` constant, looked up by identity.
    package func cachedStatement(_ sql: SQL) throws -> Statement {
        let key = ObjectIdentifier(sql)
        if let statement = statementCache.byIdentity[key] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try Statement(connection: connection, sql: sql.text, persistent: true)
        statementCache.byIdentity[key] = statement
        return statement
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
