import Dispatch
import Foundation
import HTTP
import Postgres
import Storage
import Synchronization

/// What a store over PostgreSQL has of its own (issue 12, docs/scale-out.md §3 step 3): how its connections open,
/// the writer threads, and the periodic fold of the role counts. ``Store`` holds one when its location is a
/// PostgreSQL database; reads, the read pool and the handlers are the same as over SQLite.
///
/// Each connection's transactions start at the isolation level its work needs, set once per session: readers
/// REPEATABLE READ (a list's total and page come from one snapshot, as in SQLite's read transaction; a read-only
/// transaction there never fails with a serialization error), writers READ COMMITTED. What the single SQLite
/// writer guarantees, the schema guarantees here with any number of writers: unique indexes decide between two
/// creates of one email or login (the loser is run again and its checks then see the winner, ``PostgresWriters``),
/// counters are insert-only deltas, the change log takes its numbers from a sequence, and the orders triggers lock
/// the customer rows before they recount (schema.postgres.sql). SERIALIZABLE was tried first and measured worse:
/// its predicate locks cover whole index pages, so creates with neighbouring emails conflict although they touch
/// different rows, and 12 concurrent creators (3 servers × 4 writers) still failed requests with 40001 after 10
/// runs each.
final class PostgresBackend: Sendable {
    let conninfo: String
    /// Whether the database has the Citus layout (schema.citus.sql); its connections then say so
    /// (``Database/isDistributed``), and the writes do the bookkeeping the triggers do on plain PostgreSQL.
    let distributed: Bool
    let writers: PostgresWriters
    private let closed = Atomic<Bool>(false)
    /// Writes queued so far; the fold runs only when some happened since the last one.
    private let writesQueued = Atomic<Int>(0)
    private let foldFinished = DispatchSemaphore(value: 0)

    /// Writer threads (each with its own connection, each job one transaction).
    static let writerCount = 4
    /// Read pool threads at least (``Store``): PostgreSQL reads wait on the network, not on a core.
    static let minimumReadThreads = 8
    /// Seconds between folds of the role counts' deltas, while users are written.
    static let foldInterval = 10.0

    /// Connects once to bring the database to this build's schema (``PostgresSchema/prepare(_:)``, under its
    /// advisory lock), then starts the writers and the fold thread.
    init(conninfo: String) throws {
        self.conninfo = conninfo
        let setup = try PostgresConnection(conninfo: conninfo)
        defer { setup.close() }
        try PostgresSchema.current.prepare(setup)
        let distributed = try PostgresSchema.isDistributed(setup)
        self.distributed = distributed
        // Deltas left by whatever wrote last (another server, a copy, a crash before a fold) are folded now, so the
        // first lists do not sum them row by row.
        try setup.transaction(.readCommitted) { db in _ = try db.execute(PostgresSchema.foldRoleCountsSQL) }
        writers = PostgresWriters(count: Self.writerCount) {
            try Self.open(conninfo, isolation: .readCommitted, distributed: distributed)
        }
        startFolding()
    }

    /// A read connection: REPEATABLE READ transactions.
    func openReader() throws -> Database {
        try Self.open(conninfo, isolation: .repeatableRead, distributed: distributed)
    }

    /// Seconds a new connection may take (libpq's `connect_timeout`, unless the location sets its own): while the
    /// database is unreachable, a request that needs a connection gets its 503 within about this long.
    static let connectTimeout = 3

    /// A store connection whose transactions default to `isolation`.
    static func open(_ conninfo: String, isolation: PostgresIsolation, distributed: Bool) throws -> Database {
        let connection = try PostgresConnection(conninfo: conninfo, connectTimeout: connectTimeout)
        try connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL \(isolation.rawValue)")
        if distributed { try PostgresSchema.prepareDistributedSession(connection) }
        return Database(postgres: connection, distributed: distributed)
    }

    /// Counts a queued write (for the fold).
    func noteWrite() {
        writesQueued.add(1, ordering: .relaxed)
    }

    /// Stops the fold thread, then runs what the writers have queued and stops them.
    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        foldFinished.wait()
        writers.stop()
    }

    /// Folds `role_counts` every ``foldInterval`` seconds while users are written, so a count stays a sum of a few
    /// rows per role (schema.postgres.sql: every user insert and delete adds a ±1 row). On its own connection, in
    /// READ COMMITTED as ``PostgresSchema/foldRoleCountsSQL`` requires; a failed fold changes nothing and is tried
    /// again next time.
    private func startFolding() {
        Thread.named("role-count-fold") { [self] in
            defer { foldFinished.signal() }
            var connection: PostgresConnection?
            var foldedAt = 0
            var waited = 0.0
            while !closed.load(ordering: .acquiring) {
                usleep(100_000)
                waited += 0.1
                let writes = writesQueued.load(ordering: .relaxed)
                guard waited >= Self.foldInterval, writes != foldedAt else { continue }
                waited = 0
                do {
                    if connection == nil { connection = try PostgresConnection(conninfo: conninfo) }
                    try connection!.transaction(.readCommitted) { db in
                        _ = try db.execute(PostgresSchema.foldRoleCountsSQL)
                    }
                    foldedAt = writes
                } catch {
                    ServerLog.api.error("folding role_counts failed: \(error)")
                    connection?.close()
                    connection = nil
                }
            }
            connection?.close()
        }.start()
    }
}

/// The writer threads of a PostgreSQL store: each owns a connection and runs queued jobs one at a time, each job
/// in ONE transaction of its own, committed before it is acknowledged. No group commit across jobs: concurrent
/// jobs run on different connections, and PostgreSQL's own group commit shares WAL flushes between them.
///
/// A job that lost a race ran in a transaction that was rolled back whole, and is run again from the start (up to
/// ``attempts`` times, after a short random pause that grows with each attempt), so a client sees the outcome of
/// a run that committed, never the race: a serialization failure (40001) or a deadlock (40P01), in its body or at
/// COMMIT, and a unique violation (23505) — a concurrent transaction committed the email, login or other unique
/// value after this job checked for it; run again, the job's own check sees it and answers as the single SQLite
/// writer would (an email already registered is a 400, a generated login takes the next number). A job whose
/// connection broke fails with that error, and the thread connects again for the next one.
final class PostgresWriters: Sendable {
    private let queue = Mutex<(jobs: [any AnyPendingWrite], stopping: Bool)>(([], false))
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()
    private let count: Int
    private let open: @Sendable () throws -> Database

    /// Runs of one job before its serialization failure is its answer.
    static let attempts = 10

    init(count: Int, open: @escaping @Sendable () throws -> Database) {
        self.count = count
        self.open = open
        for index in 0..<count {
            finished.enter()
            Thread.named("pg-writer-\(index)") { [self] in
                self.work()
                self.finished.leave()
            }.start()
        }
    }

    func submit(_ job: any AnyPendingWrite) {
        let accepted = queue.withLock { state in
            guard !state.stopping else { return false }
            state.jobs.append(job)
            return true
        }
        guard accepted else {
            job.complete(commitError: StoreError("the store is closed"))
            return
        }
        available.signal()
    }

    /// Runs what is queued, then ends the threads.
    func stop() {
        let already = queue.withLock { state in
            defer { state.stopping = true }
            return state.stopping
        }
        guard !already else { return }
        for _ in 0..<count { available.signal() }
        finished.wait()
    }

    private func work() {
        var database: Database?
        while true {
            available.wait()
            guard let job = queue.withLock({ state in state.jobs.isEmpty ? nil : state.jobs.removeFirst() }) else {
                return  // woken by stop() with nothing left
            }
            do {
                if database == nil { database = try open() }
                run(job, on: database!)
                if database!.isBroken { database = nil }
                job.complete(commitError: nil)
            } catch {
                job.complete(commitError: error)
            }
        }
    }

    /// Runs `job` in its own transaction, again while it fails with a race another transaction won.
    private func run(_ job: any AnyPendingWrite, on database: Database) {
        for attempt in 1...Self.attempts {
            job.run(database)  // BEGIN … COMMIT: no transaction is open on a writer's connection between jobs
            guard let failure = job.failure as? PostgresError,
                  failure.isSerializationFailure || failure.isDeadlock || failure.isUniqueViolation,
                  attempt < Self.attempts else { return }
            usleep(UInt32.random(in: 100...(1_000 * UInt32(attempt))))
        }
    }
}
