import CSQLite

extension Database {
    /// Options applied when a connection is opened.
    package struct Configuration: Sendable {
        /// Alias so callers may spell it `Database.Configuration.Synchronous`.
        package typealias Synchronous = Database.Synchronous
        /// Alias so callers may spell it `Database.Configuration.JournalMode`.
        package typealias JournalMode = Database.JournalMode

        /// Open with `SQLITE_OPEN_READONLY` (journal mode is then left as the file has it).
        package var readOnly: Bool
        /// Journal mode to enable on writable file databases; nil leaves SQLite's default.
        package var journalMode: JournalMode?
        /// `PRAGMA foreign_keys`.
        package var foreignKeys: Bool
        /// `sqlite3_busy_timeout`: how long to wait on a locked database before `SQLITE_BUSY`.
        package var busyTimeoutMilliseconds: Int32
        /// `PRAGMA synchronous`.
        package var synchronous: Synchronous
        /// The most prepared statements `cachedStatement(_:)` keeps; past it the least recently used is evicted.
        /// 128 holds every text the server may cache, so it bounds memory (a few KB per statement) without
        /// evicting in normal use: at most 119 (54 fixed in WooAPI, 11 transaction and savepoint texts, 54 list
        /// and count shapes, see `CustomerQuery.hasCommonShape`, `ProductQuery` and `OrderQuery`), and fewer on
        /// any one connection, since reads and writes run on different ones.
        package var statementCacheCapacity: Int
        /// `PRAGMA mmap_size`: how many bytes of the file reads may map instead of copying page by page through
        /// `pread` (0: none, SQLite's default). Capped by the library (2 GiB in Debian's build).
        package var mmapSize: Int64 = 0

        /// Server defaults: read-write, WAL, foreign keys on, 5 s busy timeout, synchronous FULL, 128 statements.
        package init(
            readOnly: Bool = false,
            journalMode: JournalMode? = .wal,
            foreignKeys: Bool = true,
            busyTimeoutMilliseconds: Int32 = 5_000,
            synchronous: Synchronous = .full,
            statementCacheCapacity: Int = 128
        ) {
            self.readOnly = readOnly
            self.journalMode = journalMode
            self.foreignKeys = foreignKeys
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.synchronous = synchronous
            self.statementCacheCapacity = statementCacheCapacity
        }
    }

    /// Values of `PRAGMA journal_mode`.
    package enum JournalMode: String, Sendable {
        case delete, truncate, persist, memory, wal, off
    }

    /// Values of `PRAGMA synchronous`. FULL is the durable default; NORMAL is safe from corruption in WAL
    /// mode but may lose the last commits on power loss.
    package enum Synchronous: String, Sendable {
        case off = "OFF", normal = "NORMAL", full = "FULL", extra = "EXTRA"
    }

    /// Sets `PRAGMA journal_mode` and returns the mode SQLite actually reports (lowercased).
    @discardableResult
    package func setJournalMode(_ mode: JournalMode) throws -> String {
        let rows = try query("PRAGMA journal_mode = \(mode.rawValue)")
        return rows.first?[0].stringValue?.lowercased() ?? ""
    }

    /// Reads `PRAGMA journal_mode` (lowercased, e.g. "wal").
    package func journalMode() throws -> String {
        try query("PRAGMA journal_mode").first?[0].stringValue?.lowercased() ?? ""
    }

    /// Sets `PRAGMA synchronous`.
    package func setSynchronous(_ level: Synchronous) throws {
        try execute(sql: "PRAGMA synchronous = \(level.rawValue)")
    }

    /// Enables or disables foreign key enforcement (no effect inside a transaction, per SQLite).
    package func setForeignKeys(enabled: Bool) throws {
        try execute(sql: "PRAGMA foreign_keys = \(enabled ? "ON" : "OFF")")
    }

    /// Reads `PRAGMA foreign_keys`.
    package func foreignKeysEnabled() throws -> Bool {
        try query("PRAGMA foreign_keys").first?[0].boolValue ?? false
    }

    /// Installs SQLite's sleeping busy handler for up to `milliseconds` (0 disables it).
    package func setBusyTimeout(milliseconds: Int32) throws {
        try check(sqlite3_busy_timeout(handle, milliseconds), sql: nil)
    }
}
