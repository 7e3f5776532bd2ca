import Dispatch
import Foundation
import HTTP
import SQLite
import Storage
import Synchronization

/// Whose read a queued job is, for fairness: the caller's API key, or the remote address when unauthenticated.
package enum ReadOwner: Hashable, Sendable {
    case key(Int64)
    case address(String)
}

/// Limits of the read pool (issue 11): how many reads run off the event loops at once, how long one may run,
/// how long a read believed cheap may hold a loop, and how many may wait.
package struct ReadPoolConfiguration: Sendable {
    /// Pool threads, each with its own read connection.
    package var threads = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// How long one pooled read may run before it is stopped and answered with a 503
    /// (``APIError/queryTimeout(_:)``). Counted from the moment the read starts, not from its queueing.
    package var queryTimeout: Duration = .seconds(5)
    /// How long a read believed cheap may run on an event loop before it is abandoned and handed to the pool.
    package var loopBudget: Duration = .milliseconds(5)
    /// Reads one owner may have waiting; past it that owner gets ``APIError/serverBusy`` at once.
    package var queuePerOwner = 64
    /// Reads all owners together may have waiting; past it everyone gets ``APIError/serverBusy`` at once.
    package var queueTotal = 512

    package init() {}

    /// Most reads of one owner running at once: all threads but one when there are several, so another owner's
    /// read always finds a thread within one read's time.
    var runningPerOwner: Int { threads >= 2 ? threads - 1 : 1 }
}

/// A fixed set of threads that run the reads too slow for an event loop, each in one read transaction under the
/// query time limit, taking queued reads fairly: owners in turn (round robin), and never all threads for one owner.
///
/// Threads start with the first read, so a store opened by a command-line tool starts none. ``shutdown()`` refuses
/// what waits, interrupts what runs, and lets the threads end.
final class ReadPool: Sendable {
    /// One queued read: its body (the whole response), and where the answer goes.
    struct Job: Sendable {
        let owner: ReadOwner
        let body: @Sendable (Database) throws -> APIResponse
        let promise: APIPromise
    }

    private struct State {
        var started = false
        var stopping = false
        /// Waiting reads per owner, oldest first; an owner is here only with at least one read.
        var queues: [ReadOwner: [Job]] = [:]
        /// The owners with waiting reads, in the order they are served; `cursor` is the next one's place.
        var ring: [ReadOwner] = []
        var cursor = 0
        var queued = 0
        /// Reads running per owner (absent: none).
        var running: [ReadOwner: Int] = [:]
        /// Threads waiting for a read.
        var idle: [Int] = []
        /// The read handed to each thread, taken by it when woken.
        var assigned: [Job?]
        /// Each thread's connection once opened, to interrupt a running read at shutdown.
        var interrupters: [DatabaseInterrupter?]
        var busy: [Bool]

        init(threads: Int) {
            assigned = Array(repeating: nil, count: threads)
            interrupters = Array(repeating: nil, count: threads)
            busy = Array(repeating: false, count: threads)
        }
    }

    let configuration: ReadPoolConfiguration
    /// Opens a thread's connection, on the thread, with its first read.
    private let open: @Sendable () throws -> Database
    private let state: Mutex<State>
    private let wakeups: [DispatchSemaphore]
    private let finished = DispatchGroup()

    /// A pool whose threads read the SQLite file at `path` through connections configured as `connection`.
    convenience init(configuration: ReadPoolConfiguration, path: String, connection: SQLite.Database.Configuration) {
        self.init(configuration: configuration) { try Database(path: path, configuration: connection) }
    }

    /// A pool whose threads read through connections from `open` (a PostgreSQL store's).
    init(configuration: ReadPoolConfiguration, open: @escaping @Sendable () throws -> Database) {
        precondition(configuration.threads >= 1 && configuration.queryTimeout > .zero)
        self.configuration = configuration
        self.open = open
        state = Mutex(State(threads: configuration.threads))
        wakeups = (0..<configuration.threads).map { _ in DispatchSemaphore(value: 0) }
    }

    /// Queues `body` for `owner`; a pool thread runs it and fulfils `promise`. Answered at once with a 503 when the
    /// owner's or the whole queue is full, or the pool is shutting down.
    func submit(owner: ReadOwner, promise: APIPromise, _ body: @escaping @Sendable (Database) throws -> APIResponse) {
        let configuration = self.configuration
        enum Admission { case queued([Int], start: Bool), busy, stopping }
        let admission = state.withLock { state -> Admission in
            guard !state.stopping else { return .stopping }
            guard state.queued < configuration.queueTotal,
                  state.queues[owner, default: []].count < configuration.queuePerOwner else { return .busy }
            if state.queues[owner] == nil { state.ring.append(owner) }
            state.queues[owner, default: []].append(Job(owner: owner, body: body, promise: promise))
            state.queued += 1
            let start = !state.started
            if start {
                state.started = true
                state.idle = Array((0..<configuration.threads).reversed())
            }
            return .queued(Self.dispatch(&state, configuration), start: start)
        }
        switch admission {
        case .queued(let woken, let start):
            if start { startThreads() }
            for index in woken { wakeups[index].signal() }
        case .busy:
            promise.succeed(Self.refusal(.serverBusy))
        case .stopping:
            promise.succeed(Self.refusal(.serverShuttingDown))
        }
    }

    /// Stops taking reads: waiting ones are answered with a 503 now, running ones are interrupted (they answer
    /// with a 503 as they stop), and the threads end. Idempotent; returns at once.
    func shutdown() {
        let (refused, running, idle) = state.withLock { state -> ([Job], [DatabaseInterrupter], [Int]) in
            guard !state.stopping else { return ([], [], []) }
            state.stopping = true
            let refused = state.ring.flatMap { state.queues[$0] ?? [] }
            state.queues = [:]
            state.ring = []
            state.queued = 0
            let running = state.interrupters.indices.compactMap { state.busy[$0] ? state.interrupters[$0] : nil }
            let idle = state.idle
            state.idle = []
            return (refused, running, idle)
        }
        for interrupter in running { interrupter.interrupt() }
        for job in refused { job.promise.succeed(Self.refusal(.serverShuttingDown)) }
        for index in idle { wakeups[index].signal() }
    }

    /// ``shutdown()``, then waits up to `timeout` for the threads to end; returns whether they did.
    @discardableResult
    func stop(timeout: Duration = .seconds(5)) -> Bool {
        shutdown()
        let started = state.withLock { $0.started }
        guard started else { return true }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        return finished.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success
    }

    // MARK: Threads

    private func startThreads() {
        for index in 0..<configuration.threads {
            finished.enter()
            Thread.named("read-\(index)") { [self] in
                self.work(index)
                self.finished.leave()
            }.start()
        }
    }

    private func work(_ index: Int) {
        var database: Database?
        while true {
            wakeups[index].wait()
            let (taken, stopping) = state.withLock { state -> (Job?, Bool) in
                defer { state.assigned[index] = nil }
                return (state.assigned[index], state.stopping)
            }
            guard let job = taken else { return }  // woken without a read: the pool is stopping
            if stopping {
                // Handed over just before the shutdown: too late to interrupt it, so it is not started.
                job.promise.succeed(Self.refusal(.serverShuttingDown))
            } else if database == nil {
                do {
                    let opened = try open()
                    state.withLock { $0.interrupters[index] = opened.sqlite?.interrupter }
                    database = opened
                } catch {
                    database = nil
                    job.promise.succeed(APIResponse(failure: error))
                }
            }
            if !stopping, let opened = database {
                job.promise.succeed(run(job, on: opened))
                // A PostgreSQL connection that broke is opened again with the next read.
                if opened.isBroken { database = nil }
            }
            let configuration = self.configuration
            let (woken, stop) = state.withLock { state -> ([Int], Bool) in
                state.busy[index] = false
                let left = state.running[job.owner, default: 1] - 1
                state.running[job.owner] = left > 0 ? left : nil
                if state.stopping { return ([], true) }
                state.idle.append(index)
                return (Self.dispatch(&state, configuration), false)
            }
            for other in woken { wakeups[other].signal() }
            if stop { return }
        }
    }

    /// The job's response: its body in one read transaction under the query time limit.
    private func run(_ job: Job, on database: Database) -> APIResponse {
        do {
            return try database.withTimeLimit(configuration.queryTimeout) { db in
                try db.transaction(.deferred) { db in try job.body(db) }
            }
        } catch is QueryTimeLimitExceeded {
            ServerLog.api.error("read stopped after the query time limit (\(configuration.queryTimeout))")
            return APIResponse(.queryTimeout(configuration.queryTimeout))
        } catch ResultCode.interrupt where state.withLock({ $0.stopping }) {
            database.resetBusyStatements()
            return Self.refusal(.serverShuttingDown)
        } catch {
            return APIResponse(failure: error)
        }
    }

    /// Hands waiting reads to idle threads, owners in turn, skipping an owner already at its running limit.
    /// Returns the threads to wake.
    private static func dispatch(_ state: inout State, _ configuration: ReadPoolConfiguration) -> [Int] {
        var woken: [Int] = []
        while !state.idle.isEmpty, let job = next(&state, limit: configuration.runningPerOwner) {
            let index = state.idle.removeLast()
            state.assigned[index] = job
            state.busy[index] = true
            state.running[job.owner, default: 0] += 1
            woken.append(index)
        }
        return woken
    }

    /// The oldest read of the next owner in turn below `limit` running reads, taken off its queue.
    private static func next(_ state: inout State, limit: Int) -> Job? {
        let count = state.ring.count
        for step in 0..<count {
            let place = (state.cursor + step) % count
            let owner = state.ring[place]
            guard state.running[owner, default: 0] < limit, var queue = state.queues[owner] else { continue }
            let job = queue.removeFirst()
            state.queued -= 1
            if queue.isEmpty {
                state.queues[owner] = nil
                state.ring.remove(at: place)
                state.cursor = state.ring.isEmpty ? 0 : place % state.ring.count
            } else {
                state.queues[owner] = queue
                state.cursor = (place + 1) % count
            }
            return job
        }
        return nil
    }

    /// A 503 the client may retry: the envelope and `Retry-After: 1`.
    static func refusal(_ error: APIError) -> APIResponse {
        APIResponse(status: error.status, headers: [("Retry-After", "1")], body: error.envelope)
    }
}

extension APIError {
    /// The read queue (the caller's or the whole server's) is full.
    package static let serverBusy = APIError(
        "woocommerce_api_server_busy", "The server is busy with other requests. Try again shortly.", status: 503)
    /// The server stopped taking reads because it is shutting down.
    package static let serverShuttingDown = APIError(
        "woocommerce_api_server_shutting_down", "The server is shutting down. Try again shortly.", status: 503)

    /// A read ran past the query time limit and was stopped.
    package static func queryTimeout(_ limit: Duration) -> APIError {
        let (seconds, attoseconds) = limit.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return APIError(
            "woocommerce_api_query_timeout",
            "The query took longer than the server's limit of \(value.formatted) s and was stopped. "
                + "Narrow the filter or ask for a smaller page.",
            status: 503)
    }
}

extension Double {
    /// `5`, `0.2`: the shortest form of a limit for a message.
    fileprivate var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
