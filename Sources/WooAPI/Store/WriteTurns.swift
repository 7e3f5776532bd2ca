import CLinux
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
/// for a transaction; byte 1 is shared by every writer waiting for byte 0. A writer that comes back while others
/// wait lets each of them have a turn first. A waiter sleeps on a futex over a counter in the file's first four
/// bytes (mapped shared) that every unlock bumps, so it tries again as soon as a lock changed; each sleep is capped
/// (10 ms) in case whoever should wake it died. The wait is bounded: past ``patience`` the writer goes on without
/// a turn, and SQLite's lock with its busy timeout decides as before turns, so a process stopped while it holds or
/// waits for a turn delays the others by that much, never for ever. Waiting by polling instead (20 µs doubling to
/// 500 µs) cost the servers 7 % more CPU per create (measured: three debug servers, 18 clients).
///
/// The locks belong to the open file, so they go with a process that dies (`kill -9` mid-transaction frees them),
/// and two stores opened in one process (tests do) take turns too. SQLite's lock stays what makes writes exclusive
/// and correct; turns only order the writers that use them, and a writer that cannot open or map the file goes
/// without.
///
/// `@unchecked Sendable`: the mapped counter is shared with other processes anyway and only touched through the
/// atomic and futex calls of `CLinux`; everything else is immutable.
final class WriteTurns: @unchecked Sendable {
    private let descriptor: Int32
    /// The counter of unlocks, in the file's first four bytes, mapped shared.
    private let changes: UnsafeMutablePointer<UInt32>
    /// How long `begin` waits at most.
    let patience: Duration

    /// Linux's open-file-description lock commands (`<fcntl.h>` declares them only under `_GNU_SOURCE`).
    private static let setLock: Int32 = 37, getLock: Int32 = 36
    /// The byte held during a transaction, and the byte waiters share.
    private static let turn = 0, queue = 1
    /// The longest single sleep of a waiter: the bound on a wake-up that never comes.
    private static let longestSleep = Duration.milliseconds(10)

    /// Opens (creating) and maps the turns file of the store at `storePath`; nil for an in-memory store or when the
    /// file cannot be opened or mapped (then the writer relies on SQLite's lock alone).
    init?(storePath: String, patience: Duration = .seconds(5)) {
        guard !storePath.isEmpty, storePath != ":memory:" else { return nil }
        let descriptor = open(storePath + "-writer", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        // Only ever grown, so processes creating the file together agree on it.
        guard fstat(descriptor, &status) == 0, status.st_size >= 4 || ftruncate(descriptor, 4) == 0,
              let mapped = mmap(nil, 4, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.changes = mapped.bindMemory(to: UInt32.self, capacity: 1)
        self.patience = patience
    }

    deinit {
        munmap(changes, 4)
        close(descriptor)
    }

    /// Waits for this writer's turn: after every writer already waiting when it asks, and for as long as the
    /// current holder's transaction lasts; at most ``patience``. Returns whether the turn is held.
    @discardableResult
    func begin() -> Bool {
        let deadline = ContinuousClock.now + patience
        if othersAreWaiting() {
            // Holding byte 1 exclusively is possible only once every writer that was waiting has had byte 0.
            if lock(Self.queue, type: F_WRLCK, until: deadline) { unlock(Self.queue) }
        }
        if lock(Self.turn, type: F_WRLCK) { return true }
        let queued = lock(Self.queue, type: F_RDLCK, until: deadline)
        defer { if queued { unlock(Self.queue) } }
        return lock(Self.turn, type: F_WRLCK, until: deadline)
    }

    /// Gives the turn up (after the transaction committed or rolled back); nothing when it was not held.
    func end() {
        unlock(Self.turn)
    }

    /// Whether another writer holds byte 1 (is waiting for a turn).
    private func othersAreWaiting() -> Bool {
        var probe = Self.range(Self.queue, type: F_WRLCK)
        guard fcntl(descriptor, Self.getLock, &probe) == 0 else { return false }
        return probe.l_type != Int16(F_UNLCK)
    }

    /// Sets a lock on `byte` if no other writer's lock is in the way; returns whether it did.
    private func lock(_ byte: Int, type: Int32) -> Bool {
        var range = Self.range(byte, type: type)
        return fcntl(descriptor, Self.setLock, &range) == 0
    }

    /// Tries to set a lock on `byte` until `deadline`, sleeping until the next unlock anywhere between tries.
    private func lock(_ byte: Int, type: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let seen = clinux_atomic_load_u32(changes)  // read before trying, so an unlock in between is not missed
            if lock(byte, type: type) { return true }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let (seconds, attoseconds) = min(left, Self.longestSleep).components
            _ = clinux_futex_wait(changes, seen, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        }
    }

    /// Unlocks `byte` and wakes every writer sleeping on a change.
    private func unlock(_ byte: Int) {
        var range = Self.range(byte, type: F_UNLCK)
        _ = fcntl(descriptor, Self.setLock, &range)
        clinux_atomic_increment_u32(changes)
        _ = clinux_futex_wake_all(changes)
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
