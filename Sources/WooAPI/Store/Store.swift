import Foundation
import HTTP
import Postgres
import SQLite
import Storage
import Synchronization

/// The store: one writer thread with group commit, and read connections lent to whichever thread reads — over
/// SQLite; over PostgreSQL (issue 12) the same API with the back end's own parts (``StoreEngine``).
///
/// WAL mode lets readers run beside the writer without waiting. Point reads run on the calling thread (an event
/// loop: a read is microseconds from the page cache and never fsyncs); list and count reads, whose cost grows with
/// the store, go through ``list(owner:cheap:_:)``, which keeps them off the loops (the ``ReadPool``) unless they are
/// cheap, and even then only within a small budget. Writes never run on a loop thread: they
/// queue for the writer thread, which runs every queued job in one transaction, each job in its own savepoint
/// (so one job's failure leaves no trace), commits once, then acknowledges each job — an acknowledged write has
/// been fsynced under `synchronous=FULL`.
///
/// Over PostgreSQL, reads borrow connections the same way (REPEATABLE READ), the read pool's threads have
/// PostgreSQL connections, and writes go to a few writer threads that run each job in one READ COMMITTED
/// transaction of its own, again after a serialization failure, a deadlock or a lost unique race
/// (``PostgresBackend``). There is no search indexer:
/// PostgreSQL keeps the trigram index in every write's transaction.
package final class Store: Sendable {
    /// The SQLite file, or the PostgreSQL location without its password (``StoreLocation/description``).
    package var path: String { location.description }
    /// Where the store is.
    package let location: StoreLocation
    private let readers = Mutex<[ConnectionBox]>([])
    private let configuration: SQLite.Database.Configuration
    private let engine: StoreEngine
    private let closed = Atomic<Bool>(false)
    /// Writes queued so far (the search indexer waits for a pause in them).
    private let writesQueued = Atomic<Int>(0)
    /// Where reads too slow for an event loop run (issue 11); see ``list(owner:cheap:_:)``.
    let readPool: ReadPool

    /// The schema version this build writes (`PRAGMA user_version`).
    package static let schemaVersion = 6

    /// The schema script (the top-level schema.sql, compiled in).
    package static var schemaSQL: String { String(decoding: PackageResources.schema_sql, as: UTF8.self) }

    /// Opens the store at `path`, creating and initialising it when the file does not exist yet.
    package convenience init(path: String, synchronous: SQLite.Database.Configuration.Synchronous = .full,
                             readPool: ReadPoolConfiguration = ReadPoolConfiguration()) throws {
        try self.init(location: .sqlite(path: path), synchronous: synchronous, readPool: readPool)
    }

    /// Opens the store at `location`: a SQLite file, created and initialised when it does not exist yet, or a
    /// PostgreSQL database, brought to this build's schema (``PostgresSchema/prepare(_:)``). `synchronous` is
    /// SQLite's; PostgreSQL commits as the server is configured (`synchronous_commit`).
    package init(location: StoreLocation, synchronous: SQLite.Database.Configuration.Synchronous = .full,
                 readPool: ReadPoolConfiguration = ReadPoolConfiguration()) throws {
        self.location = location
        configuration = SQLite.Database.Configuration(synchronous: synchronous)
        switch location {
        case .sqlite(let path):
            let database = try SQLite.Database(path: path, configuration: configuration)
            try Store.prepare(database)
            let writer = WriterThread(
                database: ConnectionBox(Database(sqlite: database)), synchronous: synchronous,
                turns: WriteTurns(storePath: path))
            engine = .sqlite(writer)
            // The read pool's connections map the file (up to 1 GiB): a list or search that reads rows scattered
            // over a big store takes them from the OS page cache without a system call and a copy each (*123*, 4k
            // matches at 1M customers: median 12.9 → 7.1 ms). Only theirs: a mapped connection remaps as writes
            // grow the file, which cost creates ~12 % of their CPU when every connection mapped it
            // (bench/create-ab.sh).
            var poolConnection = configuration
            poolConnection.mmapSize = 1 << 30
            self.readPool = ReadPool(configuration: readPool, path: path, connection: poolConnection)
            startSearchIndexer(writer)
        case .postgres(let conninfo):
            let backend = try PostgresBackend(conninfo: conninfo)
            engine = .postgres(backend)
            // A PostgreSQL read spends most of its time waiting for the server, not on a core: more threads than
            // cores keep the database busy (a thread per core gave 370 lists/s at 64 connections; pg-bench.sh).
            var pool = readPool
            pool.threads = max(pool.threads, PostgresBackend.minimumReadThreads)
            self.readPool = ReadPool(configuration: pool) { try backend.openReader() }
        }
    }

    /// Brings the customers search index up to date (``SearchIndex``) when the writer has time for it: after a
    /// tenth of a second without a write, or once the backlog reaches ``SearchIndex/backlogLimit`` entries; and,
    /// only while writes pause, merges its segments. Index work yields to writes, as PostgreSQL's GIN pending list
    /// waits for vacuum or its size limit: a burst of writes runs at full speed (measured: indexing on the writer
    /// thread cost 15–25 % of create throughput), and searches stay exact meanwhile because they read the backlog
    /// too. Each step is one writer job (at most ``SearchIndex/batch`` entries, or one merge step), waited for
    /// before the next. The thread ends with the store.
    private func startSearchIndexer(_ writer: WriterThread) {
        Thread.named("search-indexer") { [weak self] in
            var writesSeen = -1
            var merged = false
            while let store = self, !store.closed.load(ordering: .acquiring) {
                usleep(100_000)
                let writes = store.writesQueued.load(ordering: .relaxed)
                let idle = writes == writesSeen
                writesSeen = writes
                guard let backlog = try? store.read({ db in try SearchIndex.backlog(in: db) }) else { continue }
                let step: (@Sendable (Database) throws -> Bool)?
                if backlog > 0 && (idle || backlog >= SearchIndex.backlogLimit) {
                    step = { db in try SearchIndex.catchUp(in: db) }
                    merged = false
                } else if idle && !merged {
                    step = { db in try SearchIndex.merge(in: db) }
                } else {
                    step = nil
                }
                guard let step else { continue }
                let done = DispatchSemaphore(value: 0)
                let worked = Atomic<Bool>(true)
                // Not counted as a write (it would make the writer look busy); not waited for past a stop. Not durable
                // on its own: the index is derived from the change log, and its progress commits with it.
                writer.submit(PendingWrite(durable: false, body: step, completion: { result in
                    if case .success(let did) = result { worked.store(did, ordering: .relaxed) }
                    done.signal()
                }))
                while done.wait(timeout: .now() + 0.1) == .timedOut {
                    if store.closed.load(ordering: .acquiring) { return }
                }
                if backlog == 0 && !worked.load(ordering: .relaxed) { merged = true }
            }
        }.start()
    }

    /// Applies the schema to a new database, upgrades an older one, or refuses a file from a newer version.
    ///
    /// Upgrades run the parts of schema.sql marked `-- @since N` … `-- @end` for every N above the file's version,
    /// each in one transaction with its `user_version` bump, so the schema text exists once.
    ///
    /// Several servers may open one file at the same instant (issue 12: N processes, `serve --reuse-port`), so what to
    /// do is decided under the write lock: a version read before `BEGIN IMMEDIATE` may be stale by the time the lock
    /// is held (two processes both saw 0, and the second one's `CREATE TABLE` failed). The unlocked read only lets
    /// an up-to-date file, the common case, open without taking the write lock.
    package static func prepare(_ database: SQLite.Database) throws {
        let seen = try database.userVersion()
        try checkKnown(seen, path: database.path)
        guard seen < schemaVersion else { return }
        if seen == 0 {
            try database.transaction(.immediate) { db in
                guard try db.userVersion() == 0 else { return }  // another process created it meanwhile
                let tables = try db.query("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
                guard tables.first?[0].intValue == 0 else {
                    throw StoreError("\(db.path) is not an empty database and has no schema version")
                }
                try db.execute(sql: schemaSQL)
            }
        }
        // Each step re-reads the version under the write lock (Migrator), so one applied elsewhere is skipped.
        try checkKnown(try database.userVersion(), path: database.path)
        try Migrator(migrations).migrate(database)
    }

    /// Refuses a file written by a newer build.
    private static func checkKnown(_ version: Int, path: String) throws {
        guard version <= schemaVersion else {
            throw StoreError("\(path) has schema version \(version); this build knows up to \(schemaVersion)")
        }
    }

    /// Version 1 kept a placeholder `orders` table with no way to write it through the API; version 2 replaces it.
    static let dropVersion1Orders = """
        DROP TRIGGER IF EXISTS orders_stats_insert; DROP TRIGGER IF EXISTS orders_stats_delete;
        DROP TRIGGER IF EXISTS orders_stats_update; DROP INDEX IF EXISTS orders_customer; DROP TABLE IF EXISTS orders;
        """

    /// The upgrade steps, from the `@since` sections of schema.sql.
    static var migrations: [Migration] {
        (2...schemaVersion).map { version in
            Migration(version: version, sql: (version == 2 ? dropVersion1Orders : "") + section(since: version))
        }
    }

    /// The text between `-- @since <version>` and the next `-- @end` in `text` (schema.sql unless given: the
    /// PostgreSQL schema has the same sections, ``PostgresSchema``), or "" when there is no such section.
    static func section(since version: Int, in text: String = schemaSQL) -> String {
        guard let start = text.range(of: "-- @since \(version) "),
              let end = text.range(of: "-- @end", range: start.upperBound..<text.endIndex) else { return "" }
        return String(text[start.lowerBound..<end.lowerBound])
    }

    /// Runs `body` with a read connection lent to this thread for the call.
    ///
    /// A PostgreSQL connection that broke (the server restarted, or ended the session) is not lent again: the read
    /// that found it fails, and the next one opens a new connection.
    package func read<T>(_ body: (Database) throws -> T) throws -> T {
        let box = try readers.withLock { $0.popLast() } ?? ConnectionBox(openReader())
        defer { if !box.database.isBroken { readers.withLock { $0.append(box) } } }
        return try body(box.database)
    }

    /// Whether the store is a PostgreSQL database.
    var isPostgres: Bool {
        if case .postgres = engine { return true }
        return false
    }

    /// A new connection for ``read(_:)``.
    private func openReader() throws -> Database {
        switch engine {
        case .sqlite: return try Database(path: path, configuration: configuration)
        case .postgres(let backend): return try backend.openReader()
        }
    }

    /// Whether the store answers a read: its file is still where it was opened (not deleted or unmounted under
    /// the server) and a read of the schema succeeds; for PostgreSQL, a read of the schema version. For
    /// `GET /healthz`.
    package func isHealthy() -> Bool {
        if case .postgres = engine {
            return (try? read { db in try db.query("SELECT version FROM schema_version").first?[0].intValue }) != nil
        }
        guard path.isEmpty || path == ":memory:" || access(path, R_OK | W_OK) == 0 else { return false }
        return (try? read { db in try db.query("SELECT count(*) FROM sqlite_master").first?[0].intValue }) != nil
    }

    /// Queues `body` for the writer thread; `completion` runs there after the transaction holding it committed
    /// (or with the error that rolled it back).
    ///
    /// `durable: false` is for writes whose acknowledgement needs every process to see them, not the disk to hold
    /// them (an OAuth nonce claim): committed without an fsync of their own when no durable write shares the batch
    /// (``WriterThread``), so they survive the process being killed but not a power loss before the next durable
    /// commit.
    package func write<T>(
        durable: Bool = true,
        _ body: @escaping @Sendable (Database) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        writesQueued.add(1, ordering: .relaxed)
        switch engine {
        case .sqlite(let writer):
            writer.submit(PendingWrite(durable: durable, body: body, completion: completion))
        case .postgres(let backend):
            backend.noteWrite()
            backend.writers.submit(PendingWrite(durable: durable, body: body, completion: completion))
        }
    }

    /// Queues `body` for the writer and blocks until it committed. For blocking-pool threads and tools only.
    package func writeAndWait<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<T, any Error>?>(nil)
        write(body) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// The start of a graceful shutdown: the read pool stops taking reads, answers waiting ones with a 503 and
    /// interrupts running ones, so no request waits on a slow read past the server's grace period. Returns at once.
    package func beginShutdown() {
        readPool.shutdown()
    }

    /// Stops the read pool (waiting briefly for its threads), finishes queued writes and stops the writer thread.
    package func close() {
        closed.store(true, ordering: .releasing)
        readPool.stop()
        switch engine {
        case .sqlite(let writer): writer.stop()
        case .postgres(let backend): backend.close()
        }
    }
}

/// The parts of a store that depend on its back end: SQLite's single writer thread (with the search indexer,
/// started beside it), or PostgreSQL's writers and role-count fold.
enum StoreEngine: Sendable {
    case sqlite(WriterThread)
    case postgres(PostgresBackend)
}

/// A store that cannot be opened as asked.
package struct StoreError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

extension Database {
    /// Whether this is a PostgreSQL connection libpq no longer considers usable; a SQLite connection never is.
    var isBroken: Bool {
        guard dialect == .postgres, let postgres else { return false }  // `dialect` is inlined: no call on SQLite
        return !postgres.isConnected
    }
}

/// Carries a connection between threads.
///
/// `@unchecked Sendable` because a `Database` must never be used by two threads at once: a box is either in
/// the reader pool (used by nobody) or lent to exactly one `Store.read` call, or owned by the writer thread
/// alone. SQLite's multi-thread mode allows a connection to move between threads under that rule.
final class ConnectionBox: @unchecked Sendable {
    let database: Database
    init(_ database: Database) { self.database = database }
}
