import Dispatch
import Foundation
import HTTP
import SQLite
import Storage
import Synchronization

/// A write waiting for the writer thread, with its result once run.
protocol AnyPendingWrite: Sendable {
    /// Runs the job on the writer's connection, inside the batch transaction.
    func run(_ database: Database)
    /// Reports the outcome; `commitError` is set when the batch failed to commit.
    func complete(commitError: (any Error)?)
    /// Whether the job must be on disk before it is acknowledged (``Store/write(durable:_:completion:)``).
    var durable: Bool { get }
    /// The error of the job's last run, if it failed (a PostgreSQL writer runs a job again after a serialization
    /// failure, ``PostgresWriters``).
    var failure: (any Error)? { get }
}

/// `@unchecked Sendable`: `result` is written by `run` and read by `complete`, both on the writer thread only.
final class PendingWrite<T>: AnyPendingWrite, @unchecked Sendable {
    private let body: @Sendable (Database) throws -> T
    private let completion: @Sendable (Result<T, any Error>) -> Void
    private var result: Result<T, any Error>?
    let durable: Bool

    init(durable: Bool = true, body: @escaping @Sendable (Database) throws -> T,
         completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
        self.durable = durable
        self.body = body
        self.completion = completion
    }

    func run(_ database: Database) {
        // Inside the batch transaction this is a savepoint: a failing job is undone alone, the batch goes on. On
        // PostgreSQL each job is a transaction of its own, and one that need not be durable commits without waiting
        // for its WAL flush (visible at once to every session, on disk within the WAL writer's delay): SQLite's
        // non-durable batches, `WriterThread.commit`.
        do {
            result = .success(try database.transaction { db in
                if !durable, db.dialect == .postgres { try db.execute("SET LOCAL synchronous_commit = off") }
                return try body(db)
            })
        } catch {
            result = .failure(error)
        }
    }

    var failure: (any Error)? {
        if case .failure(let error) = result { return error }
        return nil
    }

    func complete(commitError: (any Error)?) {
        if let commitError, case .success = result {
            completion(.failure(commitError))
        } else if let result {
            completion(result)
        } else {
            // The batch failed before this job ran (BEGIN did): that failure is the job's, not a made-up one.
            completion(.failure(commitError ?? StoreError("write was never run")))
        }
    }
}

/// The single thread that owns the write connection and commits queued writes in groups.
final class WriterThread: Sendable {
    private let queue = Mutex<(jobs: [any AnyPendingWrite], stopping: Bool)>(([], false))
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Most jobs per transaction: bounds how long one commit holds the others' acknowledgements.
    static let maxBatch = 256
    /// The store's `PRAGMA synchronous`; a batch of only non-durable jobs commits with NORMAL when this is stricter.
    private let synchronous: SQLite.Database.Configuration.Synchronous
    /// Order among the writers of other processes on the same store (nil: an in-memory store, or none could be had).
    private let turns: WriteTurns?

    init(database: ConnectionBox, synchronous: SQLite.Database.Configuration.Synchronous, turns: WriteTurns?) {
        self.synchronous = synchronous
        self.turns = turns
        Thread.named("sqlite-writer") { [self] in
            self.run(database.database)
            self.finished.signal()
        }.start()
    }

    func submit(_ job: any AnyPendingWrite) {
        queue.withLock { $0.jobs.append(job) }
        wake.signal()
    }

    /// Runs what is queued, then ends the thread.
    func stop() {
        let already = queue.withLock { state in
            defer { state.stopping = true }
            return state.stopping
        }
        guard !already else { return }
        wake.signal()
        finished.wait()
    }

    private func run(_ database: Database) {
        WriterThread.disfavourWakeupPreemption()
        while true {
            wake.wait()
            while true {
                let (batch, stopping) = queue.withLock { state in
                    let count = min(state.jobs.count, WriterThread.maxBatch)
                    let batch = Array(state.jobs.prefix(count))
                    state.jobs.removeFirst(count)
                    return (batch, state.stopping)
                }
                if batch.isEmpty {
                    if stopping { return }
                    break
                }
                commit(batch, on: database)
            }
        }
    }

    /// Makes this thread `SCHED_BATCH`: same CPU share, but waking it does not preempt the running event loop. A
    /// submitted write then waits until the loop has answered the requests it is on (and queued their writes too),
    /// so one commit and one fsync serve many writes instead of one each, with two context switches per batch.
    static func disfavourWakeupPreemption() {
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = pthread_setschedparam(pthread_self(), 3 /* SCHED_BATCH */, &parameters)
    }

    /// Runs `batch` in one transaction and acknowledges each job after the commit.
    ///
    /// A batch of jobs that need not be on disk when acknowledged (OAuth nonce claims: what matters is that every
    /// process sees them at once) commits with `synchronous = NORMAL`: in WAL mode the commit is then visible to
    /// every connection and survives the process being killed, with no fsync; the next durable commit's fsync
    /// takes it to disk with its own frames. Any durable job in the batch makes the whole commit durable.
    private func commit(_ batch: [any AnyPendingWrite], on database: Database) {
        var commitError: (any Error)?
        let relaxed = synchronous == .full || synchronous == .extra ? !batch.contains { $0.durable } : false
        turns?.begin()
        do {
            if relaxed { try database.cachedStatement("PRAGMA synchronous = NORMAL").execute() }
            defer { if relaxed { try? database.sqlite?.setSynchronous(synchronous) } }
            try database.cachedStatement("BEGIN IMMEDIATE TRANSACTION").execute()
            for job in batch { job.run(database) }
            try database.cachedStatement("COMMIT TRANSACTION").execute()
        } catch {
            commitError = error
            if database.isInTransaction { try? database.cachedStatement("ROLLBACK TRANSACTION").execute() }
        }
        turns?.end()  // before the acknowledgements: another process's writer can start meanwhile
        for job in batch { job.complete(commitError: commitError) }
    }
}
