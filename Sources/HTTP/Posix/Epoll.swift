import CLinux
import Glibc

/// An epoll instance owned by one event loop (`epoll_create1`, `epoll_ctl`, `epoll_wait`).
///
/// Level-triggered: a descriptor stays readable until drained, so a loop may read once per wake-up and
/// still see the rest later. The 64-bit user data carries the descriptor itself.
package struct Epoll: ~Copyable {
    /// Interest bits.
    package struct Events: OptionSet, Sendable {
        package var rawValue: UInt32
        package init(rawValue: UInt32) { self.rawValue = rawValue }
        package static let readable = Events(rawValue: clinux_epollin())
        package static let writable = Events(rawValue: clinux_epollout())
        package static let error = Events(rawValue: clinux_epollerr())
        package static let hangup = Events(rawValue: clinux_epollhup())
        /// Wake only one of the epoll instances waiting on a shared descriptor (the listener).
        package static let exclusive = Events(rawValue: clinux_epollexclusive())
    }

    package let fd: Int32
    private let events: UnsafeMutablePointer<epoll_event>
    private let capacity: Int32

    /// Creates the instance with room for `capacity` events per wait.
    package init(capacity: Int32 = 256) throws(SystemError) {
        fd = try blockingSyscall("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        self.capacity = capacity
        events = .allocate(capacity: Int(capacity))
    }

    deinit {
        events.deallocate()
        closeDescriptor(fd)
    }

    /// Starts watching `descriptor` for `interest` (`EPOLL_CTL_ADD`).
    package func add(_ descriptor: Int32, _ interest: Events) throws(SystemError) {
        try control(EPOLL_CTL_ADD, descriptor, interest, "epoll_ctl(ADD)")
    }

    /// Changes the interest set of a watched descriptor (`EPOLL_CTL_MOD`).
    package func modify(_ descriptor: Int32, _ interest: Events) throws(SystemError) {
        try control(EPOLL_CTL_MOD, descriptor, interest, "epoll_ctl(MOD)")
    }

    /// Stops watching `descriptor` (`EPOLL_CTL_DEL`).
    package func remove(_ descriptor: Int32) throws(SystemError) {
        try control(EPOLL_CTL_DEL, descriptor, [], "epoll_ctl(DEL)")
    }

    private func control(_ op: Int32, _ descriptor: Int32, _ interest: Events, _ name: StaticString) throws(SystemError) {
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.fd = descriptor
        _ = try blockingSyscall(name) { epoll_ctl(fd, op, descriptor, &event) }
    }

    /// Waits up to `timeoutMilliseconds` (-1 = forever) and calls `body(fd, events)` for each ready descriptor.
    ///
    /// An interrupted wait (`EINTR`, a signal) returns with no events rather than retrying with a stale timeout.
    package func wait(timeoutMilliseconds: Int32, _ body: (Int32, Events) -> Void) throws(SystemError) {
        let count = epoll_wait(fd, events, capacity, timeoutMilliseconds)
        if count < 0 {
            let error = Errno.current
            if error == .interrupted { return }
            throw SystemError(call: "epoll_wait", errno: error)
        }
        for index in 0..<Int(count) {
            let event = events[index]
            body(event.data.fd, Events(rawValue: event.events))
        }
    }
}

/// A counter descriptor another thread writes to wake an event loop (`eventfd`).
package enum EventFD {
    /// Creates a non-blocking eventfd.
    package static func make() throws(SystemError) -> Int32 {
        try blockingSyscall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
    }

    /// Adds one to the counter, waking whoever polls it (`eventfd_write`). Safe from any thread.
    package static func signal(_ fd: Int32) {
        _ = eventfd_write(fd, 1)
    }

    /// Resets the counter after a wake-up (`eventfd_read`).
    package static func drain(_ fd: Int32) {
        var value: eventfd_t = 0
        _ = eventfd_read(fd, &value)
    }
}

/// A periodic timer descriptor (`timerfd_create`, `timerfd_settime`): each loop sweeps its deadlines on it.
package enum TimerFD {
    /// Creates a non-blocking monotonic timer firing every `intervalMilliseconds`.
    package static func makePeriodic(intervalMilliseconds: Int) throws(SystemError) -> Int32 {
        let fd = try blockingSyscall("timerfd_create") {
            timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK) | Int32(TFD_CLOEXEC))
        }
        let interval = timespec(tv_sec: intervalMilliseconds / 1000, tv_nsec: (intervalMilliseconds % 1000) * 1_000_000)
        var spec = itimerspec(it_interval: interval, it_value: interval)
        _ = try blockingSyscall("timerfd_settime") { timerfd_settime(fd, 0, &spec, nil) }
        return fd
    }

    /// Acknowledges expirations so the descriptor stops being readable.
    package static func drain(_ fd: Int32) {
        var expirations: UInt64 = 0
        _ = Glibc.read(fd, &expirations, 8)
    }
}

/// A monotonic clock reading in nanoseconds (`clock_gettime(CLOCK_MONOTONIC)`).
package struct Instant: Comparable, Sendable {
    package var nanoseconds: Int64

    package init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Now, on the monotonic clock.
    package static var now: Instant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Instant(nanoseconds: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }

    package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    package static func + (lhs: Instant, rhs: Duration) -> Instant {
        let (seconds, attoseconds) = rhs.components
        return Instant(nanoseconds: lhs.nanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Nanoseconds elapsed since `earlier`.
    package func nanoseconds(since earlier: Instant) -> Int64 { nanoseconds - earlier.nanoseconds }
}
