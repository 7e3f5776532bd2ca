/// One client connection's state, owned by the event loop that accepted it and touched only on that loop's thread.
///
/// Lifecycle, per request: bytes arrive into ``input`` → the parser yields a request → the handler answers now
/// (encoded into ``output``) or later (``inFlight`` is set and reading pauses until the answer is delivered) →
/// ``output`` is flushed → the next pipelined request is parsed. Reading also pauses while output is pending, so a
/// client that does not read cannot make the server buffer without bound.
final class Connection {
    enum Phase {
        /// Reading and answering requests.
        case open
        /// The final response is written and the write side shut; unread input is discarded until the peer
        /// closes or the deadline passes, so closing never resets the connection before the client read the answer.
        case lingering(until: Instant)
    }

    let descriptor: Int32
    let id: UInt64
    var input = ByteBuffer()
    var parser: RequestParser
    var output: [UInt8] = []
    var outputSent = 0
    var inFlight: InFlightRequest?
    var phase = Phase.open
    /// Close once ``output`` is flushed (an error, `Connection: close`, HTTP/1.0 without keep-alive, shutdown).
    var closeAfterWrite = false
    /// A response has been written. Until then quiet time counts against the request deadline, not the idle
    /// timeout: a connection that never sends a byte must not hold a slot for the whole keep-alive time.
    var hasResponded = false
    /// When the first byte of the request being received arrived; nil between requests.
    var requestStarted: Instant?
    /// Accept, last read or completed write: the idle timeout counts from here (before the first response, the
    /// request deadline does).
    var lastActivity: Instant
    /// Last time a write made progress: the write timeout counts from here while output is pending.
    var lastWriteProgress: Instant
    /// The interest set currently registered with epoll.
    var watching: Epoll.Events = .readable
    /// The peer's IP address, looked up once, on the first request that is dispatched.
    lazy var remoteAddress: String = Socket.peerAddress(descriptor)

    init(descriptor: Int32, id: UInt64, limits: ParserLimits, now: Instant) {
        self.descriptor = descriptor
        self.id = id
        parser = RequestParser(limits: limits)
        lastActivity = now
        lastWriteProgress = now
    }

    var hasPendingOutput: Bool { outputSent < output.count }

    /// Nothing received, dispatched or unsent: the connection may be closed without losing anything.
    var isIdle: Bool {
        inFlight == nil && !hasPendingOutput && requestStarted == nil && input.readableBytes == 0 && parser.isIdle
    }

    /// The interest set this state calls for.
    var desiredInterest: Epoll.Events {
        if case .lingering = phase { return .readable }
        if hasPendingOutput { return .writable }
        return inFlight == nil && !closeAfterWrite ? .readable : []
    }

    /// Frees buffer memory of a connection that has gone quiet.
    func releaseBuffers() {
        input.releaseIfEmpty()
        if !hasPendingOutput && output.capacity > 0 {
            output = []
            outputSent = 0
        }
    }
}

@available(*, unavailable) extension Connection: Sendable {}
