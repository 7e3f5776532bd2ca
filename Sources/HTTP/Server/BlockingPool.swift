import Dispatch
import Foundation
import Synchronization

/// A fixed set of threads for work that may block, so event loops never wait on it.
final class BlockingPool: Sendable {
    private let queue = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchGroup()
    private let threadCount: Int

    init(threads: Int) {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            finished.enter()
            Thread.named("blocking-\(index)") { [self] in
                self.work()
                self.finished.leave()
            }.start()
        }
    }

    /// Queues `job`; one of the pool's threads runs it.
    func submit(_ job: @escaping @Sendable () -> Void) {
        queue.withLock { $0.append(job) }
        available.signal()
    }

    /// Lets queued jobs finish, then stops the threads and waits for them until `deadline`.
    ///
    /// Returns whether every thread stopped in time. A job that never returns is not waited for past the
    /// deadline: its thread is abandoned (it exits on its own if the job ever returns).
    @discardableResult
    func shutdown(deadline: Instant) -> Bool {
        stopping.store(true, ordering: .releasing)
        for _ in 0..<threadCount { available.signal() }
        // Idle threads stop within microseconds; the floor lets them when the deadline has already passed.
        let remaining = max(100_000_000, deadline.nanoseconds(since: .now))
        return finished.wait(timeout: .now() + .nanoseconds(Int(remaining))) == .success
    }

    private func work() {
        while true {
            available.wait()
            let job: (@Sendable () -> Void)? = queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            if let job {
                job()
            } else if stopping.load(ordering: .acquiring) {
                return
            }
        }
    }
}
