import Postgres
import SQLite

/// The values a statement binds and a row holds, whatever the back end (SQLite's storage classes; PostgreSQL
/// columns map onto them: integers, floats, text).
package typealias SQLValue = SQLiteValue
/// A row read as values.
package typealias Row = SQLite.Row
/// A statement's SQL held as a constant, found again by identity (no hashing on hot paths).
package typealias SQL = SQLite.SQL
/// How a transaction starts (SQLite); PostgreSQL starts every transaction the same way.
package typealias TransactionKind = SQLite.TransactionKind
/// A read stopped by its time limit.
package typealias QueryTimeLimitExceeded = SQLite.QueryTimeLimitExceeded

/// The SQL dialect of a connection: the few fragments that differ between the back ends come from it.
package enum SQLDialect: Sendable {
    case sqlite, postgres
}

/// One connection to the store's database, SQLite or PostgreSQL: the seam the API's repositories talk to
/// (issue 12). SQL is written once, in SQLite's form with `?` placeholders where the dialects agree; a PostgreSQL
/// connection numbers the placeholders (`$1`, `$2`, …) when it first prepares a text, and the few fragments that
/// differ come from ``dialect``.
///
/// **Cost on SQLite.** Every call forwards to the SQLite wrapper through one stored optional, inlined into the
/// caller (`@inlinable`), and statements are found in SQLite's own per-connection cache: no second lookup, no
/// allocation per statement (``Statement`` is a struct holding the SQLite statement).
///
/// Like the connections it wraps, not thread-safe: one thread at a time (``ConnectionBox`` in WooAPI moves it).
package final class Database {
    /// The SQLite connection, when this is one.
    package let sqliteConnection: SQLite.Database?
    /// The PostgreSQL connection and its statements, when this is one.
    package let postgresConnection: PostgresSession?
    /// Whether the database is a Citus one in the distributed layout (schema.citus.sql): its cross-table
    /// bookkeeping is then the application's, not the triggers' (WooAPI's `Bookkeeping`). False on SQLite.
    package let isDistributed: Bool

    /// A store connection over an open SQLite connection.
    package init(sqlite: SQLite.Database) {
        sqliteConnection = sqlite
        postgresConnection = nil
        isDistributed = false
    }

    /// A store connection over an open PostgreSQL connection; `distributed` when its database has the Citus layout.
    package init(postgres: PostgresConnection, distributed: Bool = false) {
        sqliteConnection = nil
        postgresConnection = PostgresSession(postgres)
        isDistributed = distributed
    }

    /// Opens a SQLite connection to the file at `path`.
    package convenience init(path: String, configuration: SQLite.Database.Configuration = .init()) throws {
        self.init(sqlite: try SQLite.Database(path: path, configuration: configuration))
    }

    /// The dialect of the SQL this connection runs.
    @inlinable @inline(__always)
    package var dialect: SQLDialect { sqliteConnection != nil ? .sqlite : .postgres }

    /// The SQLite connection underneath, for what only SQLite has (data versions, `PRAGMA`s, the migrator); nil on
    /// PostgreSQL.
    @inlinable @inline(__always)
    package var sqlite: SQLite.Database? { sqliteConnection }

    /// The PostgreSQL connection underneath; nil on SQLite.
    package var postgres: PostgresConnection? { postgresConnection?.connection }

    /// The SQLite file's path, or the PostgreSQL connection's description without its password.
    package var path: String { sqliteConnection?.path ?? postgresConnection!.description }

    // MARK: Statements

    /// The connection's prepared statement for `sql` (see SQLite's `cachedStatement`): reset, bindings cleared.
    @inlinable @inline(__always)
    package func cachedStatement(_ sql: String) throws -> Statement {
        if sqliteConnection != nil { return Statement(try sqliteConnection.unsafelyUnwrapped.cachedStatement(sql)) }
        return Statement(try postgresConnection!.statement(sql))
    }

    /// The connection's prepared statement for a long-lived ``SQL`` constant, found by identity.
    @inlinable @inline(__always)
    package func cachedStatement(_ sql: SQL) throws -> Statement {
        if sqliteConnection != nil { return Statement(try sqliteConnection.unsafelyUnwrapped.cachedStatement(sql)) }
        return Statement(try postgresConnection!.statement(sql.text))
    }

    /// A statement of its own (not cached; finalized when released), for SQL composed at run time.
    package func makeStatement(_ sql: String) throws -> Statement {
        if let sqliteConnection { return Statement(try sqliteConnection.makeStatement(sql)) }
        return Statement(try postgresConnection!.statement(sql, cached: false))
    }

    /// The cached statement for `sql` when `cached`, else one of its own.
    package func statement(_ sql: String, cached: Bool) throws -> Statement {
        cached ? try cachedStatement(sql) : try makeStatement(sql)
    }

    /// Runs a script of one or more statements without parameters.
    package func execute(sql: String) throws {
        if let sqliteConnection { return try sqliteConnection.execute(sql: sql) }
        try postgresConnection!.script(sql)
    }

    /// Runs one statement with `arguments`, discarding rows.
    package func execute(_ sql: String, _ arguments: [SQLValue] = []) throws {
        try makeStatement(sql).execute(arguments)
    }

    /// Every row of one statement, as values.
    package func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [Row] {
        try makeStatement(sql).query(arguments)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE (SQLite's `changes()`; PostgreSQL's affected rows).
    @inlinable @inline(__always)
    package var changes: Int {
        if sqliteConnection != nil { return sqliteConnection.unsafelyUnwrapped.changes }
        return postgresConnection!.lastChanges
    }

    /// Rows changed since the connection opened, counting triggers' on SQLite. PostgreSQL counts statements' own.
    package var totalChanges: Int {
        if let sqliteConnection { return sqliteConnection.totalChanges }
        return postgresConnection!.totalChanges
    }

    /// The rowid of the last row inserted (SQLite). PostgreSQL has no such thing that triggers leave alone: its
    /// inserts say `RETURNING id`, and asking this there throws.
    package func lastInsertRowID() throws -> Int64 {
        if let sqliteConnection { return sqliteConnection.lastInsertRowID }
        throw StorageError("an insert on PostgreSQL returns its id with RETURNING (no last-insert rowid)")
    }

    /// Whether a transaction is open.
    package var isInTransaction: Bool {
        sqliteConnection?.isInTransaction ?? postgresConnection!.connection.isInTransaction
    }

    // MARK: Transactions

    /// Runs `body` in a transaction (a savepoint when one is open): commits when it returns, rolls back and rethrows
    /// when it throws. `kind` is SQLite's; PostgreSQL begins with the session's isolation level.
    @discardableResult
    package func transaction<T>(_ kind: TransactionKind = .immediate, _ body: (Database) throws -> T) throws -> T {
        if let sqliteConnection { return try sqliteConnection.transaction(kind) { _ in try body(self) } }
        return try postgresConnection!.connection.transaction { _ in try body(self) }
    }

    // MARK: Reads

    /// The first row of `sql` (two integer columns, no parameters), answered from memory while SQLite's data
    /// version says nothing changed (see SQLite's `unchangedOrRead`); PostgreSQL always runs it.
    package func unchangedOrRead(_ sql: SQL) throws -> (Int64, Int64) {
        if let sqliteConnection { return try sqliteConnection.unchangedOrRead(sql) }
        var values: (Int64, Int64) = (0, 0)
        try cachedStatement(sql).forEach(nil) { row in values = (row.int64(at: 0), row.int64(at: 1)) }
        return values
    }

    /// Runs `body` with every statement stopped once `limit` has passed (SQLite's progress handler; PostgreSQL's
    /// `statement_timeout`, per statement, which the session keeps afterwards: see `PostgresSession`), throwing
    /// ``QueryTimeLimitExceeded``.
    package func runWithTimeLimit(_ limit: Duration, _ body: (Database) throws -> Void) throws {
        if let sqliteConnection { return try sqliteConnection.runWithTimeLimit(limit) { _ in try body(self) } }
        try postgresConnection!.withStatementTimeout(limit) { try body(self) }
    }

    /// ``runWithTimeLimit(_:_:)`` returning the body's value.
    @inlinable @inline(__always)
    package func withTimeLimit<T>(_ limit: Duration, _ body: (Database) throws -> T) throws -> T {
        var result: T?
        try runWithTimeLimit(limit) { db in result = try body(db) }
        return result!
    }

    /// Resets statements left mid-step (after an interrupted read). Nothing to do on PostgreSQL, whose results are
    /// read whole.
    package func resetBusyStatements() {
        sqliteConnection?.resetBusyStatements()
    }
}

/// Handed between threads under the same rule as the connections it wraps: used by one thread at a time.
extension Database: @unchecked Sendable {}

/// A store operation the back end cannot do as asked.
package struct StorageError: Error, CustomStringConvertible, Sendable {
    package var description: String
    package init(_ description: String) { self.description = description }
}
