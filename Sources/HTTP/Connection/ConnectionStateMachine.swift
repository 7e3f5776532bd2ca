/// The life of one connection as a pure state machine: phase, the request with the handler, whether the connection
/// closes after its response, and which deadline applies now.
///
/// Each event the event loop sees has one mutating method here, which updates the state and returns what the loop
/// must do (or a value it needs); the loop performs every syscall, and ``Connection`` holds the bytes and the parser.
/// Time comes from the caller as a monotonic ``Instant``, so tests move a clock by hand instead of sleeping.
///
/// The deadlines, checked by ``tick(now:timeouts:)`` in this order:
/// - **Shutdown**: past the shutdown deadline everything closes. Before it, no response keeps a connection alive,
///   and a connection with nothing received, dispatched or unsent closes at once (``shutdown(deadline:inputIsIdle:)``).
/// - **Lingering**: the final response is written but unread input remains; the write side is shut and late input
///   discarded until the peer closes or 2 s pass, so a close never resets a response the client has not read.
/// - **Write**: while output is pending, `writeTimeout` from the last write that made progress (a client that
///   never reads).
/// - **Handler**: while a request is with the handler no deadline runs; reading is paused, and a pipelined request
///   already begun is charged from the moment the response arrives, not for the handler's time.
/// - **Request**: `requestTimeout` from the first byte of a request (an empty line before a request line counts)
///   to its last → 408, however steadily bytes trickle in.
/// - **Silent**: a connection that has never had a response has nothing to answer: closed quietly at the request
///   deadline, counted from its last activity (accept, a read, a completed write), so a silent client cannot hold
///   a slot for the keep-alive time.
/// - **Idle**: only after a response, `idleTimeout` of quiet between requests → closed quietly; after 1 s of quiet
///   the connection's buffers are freed.
struct ConnectionStateMachine {
    /// Whether requests are still read.
    enum Phase: Equatable {
        /// Reading and answering requests.
        case open
        /// The final response is written and the write side shut; unread input is discarded until the peer
        /// closes or the deadline passes, so closing never resets the connection before the client read the answer.
        case lingering(until: Instant)
    }

    /// The configured deadlines in nanoseconds, passed to ``ConnectionStateMachine/tick(now:timeouts:)`` rather
    /// than stored, so ten thousand idle connections do not each carry a copy.
    ///
    /// Nanoseconds, not `Duration`: `Duration` arithmetic calls into the standard library, and one call the
    /// optimizer cannot see through inside an access to ``Connection/machine`` makes every access to it pay a
    /// dynamic exclusivity check (measured: +8 runtime calls, +4 % instructions per request).
    struct Timeouts {
        var request: Int64
        var idle: Int64
        var write: Int64
        /// How long a closing connection discards late input before it is closed anyway: 2 s.
        static let lingering: Int64 = 2_000_000_000
        /// Quiet time after which an idle keep-alive connection's buffers are freed: 1 s.
        static let bufferRelease: Int64 = 1_000_000_000

        init(request: Duration, idle: Duration, write: Duration) {
            self.request = Self.nanoseconds(request)
            self.idle = Self.nanoseconds(idle)
            self.write = Self.nanoseconds(write)
        }

        private static func nanoseconds(_ duration: Duration) -> Int64 {
            let (seconds, attoseconds) = duration.components
            return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        }

        init(_ configuration: ServerConfiguration) {
            self.init(request: configuration.requestTimeout, idle: configuration.idleTimeout,
                      write: configuration.writeTimeout)
        }
    }

    /// What to do with bytes just read.
    enum ReadAction: Equatable {
        /// Append them to the input and parse.
        case parse
        /// Drop them: the connection is lingering and its answer is already on its way.
        case discard
    }

    /// How to encode the response being queued.
    enum ResponseAction: Equatable {
        /// Persistent: the connection reads the next request after it.
        case keepAlive
        /// With `Connection: close`; the connection closes once it is written.
        case close
    }

    /// What to do once the output is fully written.
    enum FlushAction: Equatable {
        /// Keep the connection as it is.
        case none
        /// The final response is out: report whether input is idle to ``closing(inputIsIdle:now:)``, which says how
        /// to close. (Two steps so the input is looked at only on the way out, not after every response.)
        case closing
    }

    /// How to close once the final response is out.
    enum CloseAction: Equatable {
        /// Close now: nothing unread would turn the close into a reset.
        case close
        /// Shut the write side and drop the input; unread bytes remain, so the close waits (see ``Phase/lingering(until:)``).
        case shutWriteAndLinger
    }

    /// What a timer tick calls for.
    enum TickAction: Equatable {
        case none
        /// Close without a word: a deadline with nothing (or no longer anything) to answer.
        case close
        /// Answer 408 and close: a request began and did not complete in time.
        case answerRequestTimeout
        /// Free the buffers of a connection gone quiet between requests.
        case releaseBuffers
    }

    /// What the start of a shutdown calls for.
    enum ShutdownAction: Equatable {
        case none
        /// Close now: nothing received, dispatched or unsent would be lost.
        case close
    }

    /// The readiness the connection waits for.
    enum Interest: Equatable {
        case read
        case write
        /// Neither: a handler has the request, or the connection only waits to close.
        case none
    }

    private(set) var phase = Phase.open
    /// A request is with the handler and its response has not been written yet. (What the response needs to know
    /// about that request, ``InFlightRequest``, stays with ``Connection``: the machine holds no reference-counted
    /// value, so every event is plain loads and stores on the hot path.)
    private(set) var awaitingResponse = false
    /// Close once the output is flushed (an error, `Connection: close`, HTTP/1.0 without keep-alive, shutdown).
    private(set) var closeAfterWrite = false
    /// A response has been written. Until then quiet time counts against the request deadline, not the idle
    /// timeout: a connection that never sends a byte must not hold a slot for the whole keep-alive time.
    private(set) var hasResponded = false
    /// Output is queued and not yet fully written.
    private(set) var hasPendingOutput = false
    /// When the first byte of the request being received arrived; nil between requests.
    private(set) var requestStarted: Instant?
    /// Accept, last read or completed write: the idle timeout counts from here (before the first response, the
    /// request deadline does).
    private(set) var lastActivity: Instant
    /// Last time a write made progress: the write timeout counts from here while output is pending.
    private(set) var lastWriteProgress: Instant
    /// Set by ``shutdown(deadline:inputIsIdle:)``: no keep-alive from then on, and everything closes at this instant.
    private(set) var shutdownDeadline: Instant?

    /// A connection accepted at `now`.
    init(now: Instant) {
        lastActivity = now
        lastWriteProgress = now
    }

    /// Whether the parser may produce the next request: none is with the handler and the connection is not closing.
    var canParse: Bool { !awaitingResponse && !closeAfterWrite }

    /// Whether a request parsed now may be answered with a persistent connection (no shutdown has begun).
    var acceptsMoreRequests: Bool { shutdownDeadline == nil }

    /// The readiness this state calls for: reading pauses while output is pending or a handler runs, so a client
    /// cannot make the server buffer without bound.
    var interest: Interest {
        if case .lingering = phase { return .read }
        if hasPendingOutput { return .write }
        return canParse ? .read : .none
    }

    // MARK: Reading

    /// Bytes arrived (a read of at least one byte).
    mutating func bytesRead(now: Instant) -> ReadAction {
        if case .lingering = phase { return .discard }
        lastActivity = now
        if requestStarted == nil { requestStarted = now }
        return .parse
    }

    /// The parser consumed what it could and waits for more. `inputIsIdle`: no unread byte and no partial request
    /// (skipped empty lines count as partial), so the request deadline stops until the next byte.
    mutating func parserNeedsMoreData(inputIsIdle: Bool) {
        if inputIsIdle { requestStarted = nil }
    }

    /// A whole request was parsed; returns when it began. `moreInput`: bytes of the next one are already buffered,
    /// so its deadline starts now.
    mutating func requestParsed(moreInput: Bool, now: Instant) -> Instant {
        let started = requestStarted ?? now
        requestStarted = moreInput ? now : nil
        return started
    }

    // MARK: Responding

    /// The handler answers later: reading pauses and no deadline runs until ``responseArrived(now:)``.
    mutating func responseDeferred() {
        awaitingResponse = true
    }

    /// A deferred response came back; false when none is awaited (a stale answer, to be dropped).
    mutating func responseArrived(now: Instant) -> Bool {
        guard awaitingResponse else { return false }
        awaitingResponse = false
        // Reading was paused while the handler ran: a pipelined request already begun is not charged for it.
        if requestStarted != nil { requestStarted = now }
        return true
    }

    /// A response is being queued. It keeps the connection alive only if the request asked to, no shutdown has
    /// begun and the response itself does not say `Connection: close`.
    mutating func responseQueued(requestKeepsAlive: Bool, responseCloses: Bool) -> ResponseAction {
        let keepAlive = requestKeepsAlive && shutdownDeadline == nil && !responseCloses
        if !keepAlive { closeAfterWrite = true }
        hasResponded = true
        hasPendingOutput = true
        return keepAlive ? .keepAlive : .close
    }

    /// `100 Continue` was queued: output is pending, but it is not a response.
    mutating func interimResponseQueued() {
        hasPendingOutput = true
    }

    /// A write made progress: the write timeout counts from here.
    mutating func wroteBytes(now: Instant) {
        lastWriteProgress = now
    }

    /// The output is fully written (or there was none).
    mutating func flushed(now: Instant) -> FlushAction {
        if hasPendingOutput {
            hasPendingOutput = false
            lastActivity = now
        }
        guard closeAfterWrite, case .open = phase else { return .none }
        return .closing
    }

    /// The final response is out (after ``FlushAction/closing``). `inputIsIdle`: no unread byte and no partial request.
    mutating func closing(inputIsIdle: Bool, now: Instant) -> CloseAction {
        if inputIsIdle { return .close }
        phase = .lingering(until: now.advanced(by: Timeouts.lingering))
        return .shutWriteAndLinger
    }

    // MARK: Time and shutdown

    /// Checks the deadlines at `now` (every timer tick). Changes nothing itself: the 408 goes through
    /// ``responseQueued(requestKeepsAlive:responseCloses:)`` like any response.
    mutating func tick(now: Instant, timeouts: Timeouts) -> TickAction {
        if let deadline = shutdownDeadline, now >= deadline { return .close }
        if case .lingering(let until) = phase { return now >= until ? .close : .none }
        if hasPendingOutput { return now >= lastWriteProgress.advanced(by: timeouts.write) ? .close : .none }
        if awaitingResponse { return .none }  // the handler owns the clock now
        if let started = requestStarted {
            return now >= started.advanced(by: timeouts.request) ? .answerRequestTimeout : .none
        }
        if !hasResponded {
            // Never sent a byte: there is no request to answer, so no 408 — closed silently at the request
            // deadline, as nginx does with an empty connection at client_header_timeout. Silent connections
            // then cost a slowloris a reconnect every few seconds instead of holding a slot for the idle time.
            return shutdownDeadline != nil || now >= lastActivity.advanced(by: timeouts.request) ? .close : .none
        }
        if shutdownDeadline != nil || now >= lastActivity.advanced(by: timeouts.idle) { return .close }
        return now >= lastActivity.advanced(by: Timeouts.bufferRelease) ? .releaseBuffers : .none
    }

    /// Shutdown began: from now on no response keeps the connection alive, and it closes at `deadline` whatever
    /// it is doing. `inputIsIdle`: no unread byte and no partial request.
    mutating func shutdown(deadline: Instant, inputIsIdle: Bool) -> ShutdownAction {
        shutdownDeadline = deadline
        let idle = !awaitingResponse && !hasPendingOutput && requestStarted == nil && inputIsIdle
        return idle ? .close : .none
    }
}

extension Instant {
    /// This instant plus `nanoseconds`, in plain integer arithmetic (see ``ConnectionStateMachine/Timeouts``).
    fileprivate func advanced(by nanoseconds: Int64) -> Instant {
        Instant(nanoseconds: self.nanoseconds + nanoseconds)
    }
}

@available(*, unavailable) extension ConnectionStateMachine: Sendable {}
