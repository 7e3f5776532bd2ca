import Foundation

/// Two threads for one seed run: a producer thread builds the rows (names, hashes, addresses, totals) in batches
/// while the calling thread, the only one touching the writing connection, writes them. A bounded queue between
/// them keeps memory flat: the producer waits when a few batches are ready and not yet written.
///
/// The producer gets nothing of the caller's but what it is handed (Sendable values); it may open its own
/// read-only connection. An error on either side stops both: the caller's is rethrown after the producer has
/// stopped, the producer's is rethrown by the caller in its place.
enum SeedPipeline {
    /// Runs `produce` on a new thread and `consume` on this one with every batch it sends, in order. `produce` gets
    /// `send`, which waits while the queue is full and answers false once the consumer has given up (the producer
    /// should then return). Returns when every batch was consumed and the producer has returned.
    static func run<Item: Sendable>(
        queued capacity: Int = 4,
        produce: @escaping @Sendable (_ send: ([Item]) -> Bool) throws -> Void,
        consume: ([Item]) throws -> Void
    ) throws {
        let queue = Queue<Item>(capacity: capacity)
        let thread = Thread {
            do {
                try produce(queue.push)
                queue.finish(nil)
            } catch {
                queue.finish(error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        do {
            while let batch = try queue.pop() { try consume(batch) }
        } catch {
            queue.cancel()
            queue.waitUntilFinished()
            throw error
        }
        queue.waitUntilFinished()
    }

    private final class Queue<Item: Sendable>: @unchecked Sendable {
        // Everything below is guarded by `condition`.
        private let condition = NSCondition()
        private let capacity: Int
        private var batches: [[Item]] = []
        private var finished = false
        private var cancelled = false
        private var failure: (any Error)?

        init(capacity: Int) { self.capacity = capacity }

        /// Producer side: queues a batch, waiting for room; false once the consumer has stopped.
        func push(_ batch: [Item]) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while batches.count >= capacity && !cancelled { condition.wait() }
            guard !cancelled else { return false }
            batches.append(batch)
            condition.broadcast()
            return true
        }

        /// Producer side, last: no more batches (with the producer's error, if any).
        func finish(_ error: (any Error)?) {
            condition.lock()
            finished = true
            failure = error
            condition.broadcast()
            condition.unlock()
        }

        /// Consumer side: the next batch, nil when the producer is done and everything was taken; rethrows the
        /// producer's error.
        func pop() throws -> [Item]? {
            condition.lock()
            defer { condition.unlock() }
            while batches.isEmpty && !finished { condition.wait() }
            if !batches.isEmpty {
                condition.broadcast()
                return batches.removeFirst()
            }
            if let failure { throw failure }
            return nil
        }

        /// Consumer side: stops the producer at its next batch.
        func cancel() {
            condition.lock()
            cancelled = true
            batches = []
            condition.broadcast()
            condition.unlock()
        }

        func waitUntilFinished() {
            condition.lock()
            while !finished { condition.wait() }
            condition.unlock()
        }
    }
}
