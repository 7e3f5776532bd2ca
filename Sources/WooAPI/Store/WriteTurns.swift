import Glibc

/// Takes turns at the store's write lock with the writer threads of the other processes on the same file (issue 12:
/// N servers over one store), so each gets the lock soon after it asks and none waits out the busy timeout.
///
/// SQLite's own lock is no queue. A writer that finds it taken sleeps in the busy handler (1, 2, 5 … then 100 ms at
/// a time) and tries again, while the holder, whose next batch queued up meanwhile, takes it again microseconds
/// after its commit; the sleeper almost always finds it taken. Measured with three servers creating customers at
/// full speed: one server's creates waited up to 6 s, past the 5 s busy timeout (a 500), and the three got 950,
/// 459 and 369 creates/s.
///
/// Turns are two open-file-description locks on bytes of a file beside the store (`<store>-writer`): byte 0 is held
/// for a transaction; byte 1 is shared by every writer waiting for byte 0. The kernel wakes a waiter the moment
/// byte 0 is released, and a writer that comes back while others wait lets each of them have a turn first. The
/// locks belong to the open file, so they go with a process that dies (`kill -9` mid-transaction frees them) and
/// two stores opened in one process (tests do) take turns too. SQLite's lock stays what makes writes exclusive and
/// correct; turns only order the writers that use them, and a writer that cannot open the file goes without.
final class WriteTurns: Sendable {
    private let descriptor: Int32

    /// Linux's open-file-description lock commands (`<fcntl.h>` declares them only under `_GNU_SOURCE`).
    private static let getLock: Int32 = 36, setLock: Int32 = 37, setLockWaiting: Int32 = 38
    /// The byte held during a transaction, and the byte waiters share.
    private static let turn = 0, queue = 1

    /// Opens (creating) the turns file of the store at `storePath`; nil for an in-memory store or when the file
    /// cannot be opened (then the writer relies on SQLite's lock alone).
    init?(storePath: String) {
        guard !storePath.isEmpty, storePath != ":memory:" else { return nil }
        let descriptor = open(storePath + "-writer", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Waits for this writer's turn: after every writer already waiting when it asks, and for as long as the
    /// current holder's transaction lasts.
    func begin() {
        if othersAreWaiting() {
            // Holding byte 1 exclusively is possible only once every writer that was waiting has had byte 0.
            lock(Self.queue, type: F_WRLCK, wait: true)
            lock(Self.queue, type: F_UNLCK, wait: false)
        }
        if lock(Self.turn, type: F_WRLCK, wait: false) { return }
        lock(Self.queue, type: F_RDLCK, wait: true)
        lock(Self.turn, type: F_WRLCK, wait: true)
        lock(Self.queue, type: F_UNLCK, wait: false)
    }

    /// Gives the turn up (after the transaction committed or rolled back).
    func end() {
        lock(Self.turn, type: F_UNLCK, wait: false)
    }

    /// Whether another writer holds byte 1 (is waiting for a turn).
    private func othersAreWaiting() -> Bool {
        var probe = Self.range(Self.queue, type: F_WRLCK)
        guard fcntl(descriptor, Self.getLock, &probe) == 0 else { return false }
        return probe.l_type != Int16(F_UNLCK)
    }

    /// Sets a lock on `byte`; returns whether it is held. A wait is retried when a signal interrupts it; any other
    /// failure leaves the byte as it was (SQLite's lock still keeps the writes apart).
    @discardableResult
    private func lock(_ byte: Int, type: Int32, wait: Bool) -> Bool {
        var range = Self.range(byte, type: type)
        while fcntl(descriptor, wait ? Self.setLockWaiting : Self.setLock, &range) != 0 {
            guard wait && errno == EINTR else { return false }
        }
        return true
    }

    private static func range(_ byte: Int, type: Int32) -> flock {
        var range = flock()
        range.l_type = Int16(type)
        range.l_whence = Int16(SEEK_SET)
        range.l_start = byte
        range.l_len = 1
        range.l_pid = 0  // required by the open-file-description commands
        return range
    }
}
