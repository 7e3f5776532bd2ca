import CSQLite

/// One SQLite connection, confined to a single thread at a time (not `Sendable`).
///
/// The connection is opened with `SQLITE_OPEN_NOMUTEX` ("multi-thread" mode): SQLite skips its
/// per-connection mutex because a `Database` is never used from two threads at once — the type
/// is non-Sendable, so the compiler enforces that confinement. Use one `Database` per thread
/// (e.g. one writer plus a few readers in WAL mode) instead of sharing one.
package final class Database {
    /// The file path this connection was opened with.
    package let path: String
    /// Owns the `sqlite3*`; statements retain it too, so it closes only after the last one is gone.
    let connection: ConnectionHandle
    /// Prepared statements reused by `cachedStatement(_:)`, at most `statementCacheCapacity` of them.
    var statementCache: StatementCache
    /// How many savepoints `transaction(_:_:)` currently has open (for unique names).
    var savepointDepth = 0
    /// The deadline ``withTimeLimit(_:checkEvery:_:)`` enforces; allocated once, so a limited call allocates nothing.
    let timeLimit = TimeLimitState()
    /// Reads remembered until the data changes (``unchangedOrRead(_:)``); a few fixed statements at most.
    var dataMemo: [ObjectIdentifier: DataMemo] = [:]

    /// The raw connection pointer.
    var handle: OpaquePointer { connection.pointer }

    /// Opens (read-write, creating it if needed; or read-only) the database at `path` and applies `configuration`.
    package init(path: String, configuration: Configuration = Configuration()) throws {
        _ = Database.globalSetup
        var flags = SQLITE_OPEN_NOMUTEX
        flags |= configuration.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var pointer: OpaquePointer?
        let rc = sqlite3_open_v2(path, &pointer, flags, nil)
        guard rc == SQLITE_OK, let pointer else {
            let error = SQLiteError(resultCode: rc, connection: pointer, sql: nil)
            sqlite3_close_v2(pointer)
            throw error
        }
        sqlite3_extended_result_codes(pointer, 1)
        self.path = path
        self.connection = ConnectionHandle(pointer)
        self.statementCache = StatementCache(capacity: configuration.statementCacheCapacity)
        try configure(configuration)
    }

    private func configure(_ configuration: Configuration) throws {
        try setBusyTimeout(milliseconds: configuration.busyTimeoutMilliseconds)
        let inMemory = path.isEmpty || path == ":memory:"
        if let mode = configuration.journalMode, !configuration.readOnly, !inMemory {
            let actual = try setJournalMode(mode, waitingUpTo: configuration.busyTimeoutMilliseconds)
            guard actual == mode.rawValue else {
                throw SQLiteError(code: .error, message: "journal_mode \(mode.rawValue) not enabled (got \(actual))",
                                  sql: "PRAGMA journal_mode")
            }
        }
        try setSynchronous(configuration.synchronous)
        try setForeignKeys(enabled: configuration.foreignKeys)
        if configuration.mmapSize > 0 && !inMemory { try execute(sql: "PRAGMA mmap_size = \(configuration.mmapSize)") }
    }

    /// Sets the journal mode, retrying while another connection's lock keeps SQLite from changing it, for up to
    /// `milliseconds`. Turning a new file to WAL needs it alone for a moment, and SQLite then answers SQLITE_BUSY at
    /// once, without the busy handler: servers opening a new store together failed there (issue 12).
    private func setJournalMode(_ mode: JournalMode, waitingUpTo milliseconds: Int32) throws -> String {
        var waited: Int32 = 0, pause: Int32 = 1
        while true {
            do {
                return try setJournalMode(mode)
            } catch let error as SQLiteError where error.primaryResultCode == .busy && waited < milliseconds {
                sqlite3_sleep(pause)
                waited += pause
                pause = min(pause * 2, 10)
            }
        }
    }

    // MARK: Executing

    /// Runs a script of zero or more `;`-separated statements without arguments (e.g. schema.sql).
    ///
    /// Uses `sqlite3_exec`; an error reports the whole script as its SQL. Not for hot paths.
    package func execute(sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        try check(rc, sql: sql)
    }

    /// Prepares (uncached), binds and runs a single statement to completion.
    package func execute(_ sql: String, _ arguments: [SQLiteValue] = []) throws {
        try makeStatement(sql).execute(arguments)
    }

    /// Prepares (uncached) a single statement and returns all of its rows.
    package func query(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> [Row] {
        try makeStatement(sql).query(arguments)
    }

    /// Prepares a single, uncached statement; throws if `sql` holds more than one statement.
    package func makeStatement(_ sql: String) throws -> Statement {
        try Statement(connection: connection, sql: sql, persistent: false)
    }

    /// Throws the connection's current error when `resultCode` is not `SQLITE_OK`.
    func check(_ resultCode: Int32, sql: String?) throws {
        guard resultCode != SQLITE_OK else { return }
        throw SQLiteError(resultCode: resultCode, connection: handle, sql: sql)
    }

    // MARK: State

    /// The rowid of the most recent successful INSERT on this connection.
    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows modified by the most recent INSERT, UPDATE or DELETE.
    package var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Rows modified since the connection was opened.
    package var totalChanges: Int { Int(sqlite3_total_changes64(handle)) }

    /// True while a transaction is open (the connection is not in autocommit mode).
    package var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Reads `PRAGMA user_version`.
    package func userVersion() throws -> Int {
        try query("PRAGMA user_version").first?[0].intValue ?? 0
    }

    /// Writes `PRAGMA user_version` (a signed 32-bit value in the file header).
    package func setUserVersion(_ version: Int) throws {
        try execute(sql: "PRAGMA user_version = \(Int32(version))")
    }
}

@available(*, unavailable)
extension Database: Sendable {}

extension Database {
    /// Process-wide settings applied once, before the first connection (a lazy global: thread-safe, run once).
    /// Memory statistics are off: they serialise every SQLite allocation on one global mutex.
    static let globalSetup: Void = { _ = csqlite_disable_memstatus() }()
}

/// Owner of the raw `sqlite3*`; closes it with `sqlite3_close_v2` when the last reference goes.
final class ConnectionHandle {
    /// The open connection.
    let pointer: OpaquePointer

    /// Takes ownership of an open connection.
    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        sqlite3_close_v2(pointer)
    }
}
