import CSQLite
import Glibc

/// A statement that ran past the deadline of ``Database/withTimeLimit(_:checkEvery:_:)`` and was stopped.
///
/// Distinct from an `SQLITE_INTERRUPT` ``SQLiteError`` (which ``Database/interrupter`` causes), so a caller can
/// answer "too slow" differently from "stopped because the server is shutting down".
package struct QueryTimeLimitExceeded: Error, CustomStringConvertible, Sendable {
    /// The limit that was exceeded.
    package let limit: Duration
    package var description: String { "query stopped after its time limit of \(limit)" }
    package init(limit: Duration) { self.limit = limit }
}

/// Where the progress handler finds its deadline: one per connection, read on the connection's own thread only.
final class TimeLimitState {
    /// CLOCK_MONOTONIC nanoseconds past which the running statement is interrupted; 0 when no limit is active.
    var deadline: UInt64 = 0
    /// Set by the progress handler when it stopped a statement, so the resulting error can be recognised.
    var fired = false
}

extension Database {
    /// VM steps between two clock reads. Measured with the sqlite3 shell (`.stats on`) on 200k users: a LIKE scan
    /// runs ~40 M steps/s, a sort by email ~9 M steps/s; so 1,000 steps are 25–110 µs of work, a check (one
    /// vDSO `clock_gettime`, ~25 ns) costs ≤ 0.1 % of it, and a limit is overshot by about that much.
    package static let timeLimitCheckInterval: Int32 = 1_000

    /// Runs `body` with every statement of this connection stopped once `limit` has passed since the call began.
    ///
    /// SQLite calls a progress handler every `checkEvery` virtual-machine steps; it reads the monotonic clock and
    /// interrupts the statement past the deadline. The interrupted statement fails with `SQLITE_INTERRUPT`, which this
    /// turns into ``QueryTimeLimitExceeded`` (whatever error `body` made of it); statements left mid-step are reset,
    /// so the connection is ready for the next call. The handler is removed when `body` returns: nothing of it
    /// remains on later statements. Nested calls keep the earlier of the two deadlines.
    @inlinable
    package func withTimeLimit<T>(
        _ limit: Duration, checkEvery steps: Int32 = Database.timeLimitCheckInterval, _ body: (Database) throws -> T
    ) throws -> T {
        var result: T?
        try runWithTimeLimit(limit, checkEvery: steps) { db in result = try body(db) }
        return result!
    }

    /// ``withTimeLimit(_:checkEvery:_:)`` for a body that returns nothing: the one non-generic implementation, so a
    /// caller in another module (a request's hot path) pays no unspecialised generic call.
    package func runWithTimeLimit(
        _ limit: Duration, checkEvery steps: Int32 = Database.timeLimitCheckInterval, _ body: (Database) throws -> Void
    ) throws {
        let state = timeLimit
        let outer = state.deadline
        let own = Self.monotonicNanoseconds() &+ UInt64(max(0, limit.wholeNanoseconds))
        state.deadline = outer == 0 ? own : min(outer, own)
        if outer == 0 {
            state.fired = false
            sqlite3_progress_handler(handle, max(1, steps), { context in
                let state = Unmanaged<TimeLimitState>.fromOpaque(context!).takeUnretainedValue()
                guard Database.monotonicNanoseconds() >= state.deadline else { return 0 }
                state.fired = true
                return 1
            }, Unmanaged.passUnretained(state).toOpaque())
        }
        defer {
            state.deadline = outer
            if outer == 0 { sqlite3_progress_handler(handle, 0, nil, nil) }
        }
        do {
            try body(self)
        } catch {
            guard state.fired else { throw error }
            if outer == 0 { state.fired = false }
            resetBusyStatements()
            throw QueryTimeLimitExceeded(limit: limit)
        }
    }

    /// Resets every statement of the connection still mid-step, ending the reads they hold (after an interrupt).
    package func resetBusyStatements() {
        var statement = sqlite3_next_stmt(handle, nil)
        while let current = statement {
            if sqlite3_stmt_busy(current) != 0 { sqlite3_reset(current) }
            statement = sqlite3_next_stmt(handle, current)
        }
    }

    /// A handle that interrupts this connection's running statement from any thread (shutdown).
    package var interrupter: DatabaseInterrupter { DatabaseInterrupter(connection) }

    /// CLOCK_MONOTONIC in nanoseconds.
    @inline(__always)
    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}

/// Interrupts a connection from any thread: `sqlite3_interrupt`, documented as safe to call from another thread
/// while the connection is open — which the retained handle guarantees. The running statement (if any) fails with
/// `SQLITE_INTERRUPT`; a connection running nothing is unaffected.
package struct DatabaseInterrupter: @unchecked Sendable {
    // @unchecked: only `sqlite3_interrupt` is ever called through it, which SQLite allows from any thread.
    private let connection: ConnectionHandle
    init(_ connection: ConnectionHandle) { self.connection = connection }

    package func interrupt() { sqlite3_interrupt(connection.pointer) }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : product &+ attoseconds / 1_000_000_000
    }
}
