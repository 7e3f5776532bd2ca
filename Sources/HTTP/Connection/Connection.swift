/// One client connection's I/O shell: its socket, buffers and parser, owned by the event loop that accepted it and
/// touched only on that loop's thread.
///
/// Everything that decides *when* — deadlines, keep-alive, pausing reads, lingering — is in ``machine``; this
/// class holds what the loop reads into, parses from and writes out of. Per request: bytes arrive into ``input`` →
/// the parser yields a request → the handler answers now (encoded into ``output``) or later (the machine holds it
/// in flight and reading pauses until the answer is delivered) → ``output`` is flushed → the next pipelined
/// request is parsed.
final class Connection {
    let descriptor: Int32
    let id: UInt64
    var input = ByteBuffer()
    var parser: RequestParser
    var output: [UInt8] = []
    var outputSent = 0
    /// The request with the handler, while ``ConnectionStateMachine/awaitingResponse``.
    var inFlight: InFlightRequest?
    /// The connection's phase and deadlines; every change goes through its events.
    var machine: ConnectionStateMachine
    /// The readiness currently registered with epoll (accept registers for reading).
    var watching = ConnectionStateMachine.Interest.read
    /// The peer's IP address, looked up once, on the first request that is dispatched.
    lazy var remoteAddress: String = Socket.peerAddress(descriptor)

    init(descriptor: Int32, id: UInt64, limits: ParserLimits, now: Instant) {
        self.descriptor = descriptor
        self.id = id
        parser = RequestParser(limits: limits)
        machine = ConnectionStateMachine(now: now)
    }

    /// Bytes of ``output`` the socket has not taken yet.
    var hasPendingOutput: Bool { outputSent < output.count }

    /// No unread byte and no partial request held by the parser (skipped empty lines count as partial).
    var inputIsIdle: Bool { input.readableBytes == 0 && parser.isIdle }

    /// Frees buffer memory of a connection that has gone quiet.
    func releaseBuffers() {
        input.releaseIfEmpty()
        if !hasPendingOutput && output.capacity > 0 {
            output = []
            outputSent = 0
        }
    }
}

/// A request handed to the handler whose response has not been written yet: what the response and its access-log
/// line need to know about it.
struct InFlightRequest {
    var method: HTTPMethod
    var path: String
    var keepAlive: Bool
    var http10: Bool
    var started: Instant
    /// Why the engine refused the request itself, for the access log; nil for requests the handler answered.
    var note: String? = nil
}

extension ConnectionStateMachine.Interest {
    /// The epoll interest set for this readiness.
    var events: Epoll.Events {
        switch self {
        case .read: .readable
        case .write: .writable
        case .none: []
        }
    }
}

@available(*, unavailable) extension Connection: Sendable {}
