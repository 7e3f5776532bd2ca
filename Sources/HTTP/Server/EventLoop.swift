import Glibc
import Synchronization

/// One I/O thread: an epoll instance, the connections it accepted, and nothing shared but ``ServerShared``.
///
/// The loop performs I/O and carries out what each connection's ``ConnectionStateMachine`` decides: it reports
/// every event (bytes read, request parsed, response queued, output flushed, timer tick, shutdown) and executes
/// the action that comes back. Everything here runs on the loop's own thread. Other threads reach it only through
/// its ``LoopHandle``. The loop's other jobs live beside this file: `EventLoop+Accept` (accepting, the 503 past
/// the limit), `EventLoop+Writing` (encoding, flushing, closing), `EventLoop+Timers` (messages, the deadline sweep,
/// shutdown, logging). Their members are internal rather than private only so the extensions can share them.
final class EventLoop {
    let shared: ServerShared
    let handle: LoopHandle
    let epoll: Epoll
    let timer: Int32
    var connections = ConnectionTable()
    var listening = true
    var listenerPaused = false
    var shutdownDeadline: Instant?
    var now = Instant.now
    let readBuffer: UnsafeMutableRawBufferPointer
    let clock = HTTPDateCache()
    var accessLog = AccessLog()
    let timeouts: ConnectionStateMachine.Timeouts
    var config: ServerConfiguration { shared.configuration }

    init(shared: ServerShared, handle: LoopHandle) throws(SystemError) {
        self.shared = shared
        self.handle = handle
        timeouts = ConnectionStateMachine.Timeouts(shared.configuration)
        epoll = try Epoll()
        let milliseconds = Int(shared.configuration.timerResolution.components.seconds * 1000)
            + Int(shared.configuration.timerResolution.components.attoseconds / 1_000_000_000_000_000)
        timer = try TimerFD.makePeriodic(intervalMilliseconds: max(1, milliseconds))
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        try epoll.add(timer, .readable)
        try epoll.add(handle.wakeDescriptor, .readable)
        try epoll.add(shared.listener, [.readable, .exclusive])
    }

    deinit {
        readBuffer.deallocate()
        closeDescriptor(timer)
    }

    /// Runs until shutdown has closed every connection.
    func run() {
        while shutdownDeadline == nil || connections.count > 0 {
            do {
                try epoll.wait(timeoutMilliseconds: -1) { descriptor, events in
                    now = .now
                    clock.refresh()
                    onEvent(descriptor, events)
                }
            } catch {
                logError("\(error)")
            }
            accessLog.flush(to: config.accessLogSink)
        }
        releaseListener()
    }

    func onEvent(_ descriptor: Int32, _ events: Epoll.Events) {
        if descriptor == shared.listener {
            acceptConnections()
        } else if descriptor == handle.wakeDescriptor {
            EventFD.drain(descriptor)
            for message in handle.takeAll() { onMessage(message) }
        } else if descriptor == timer {
            TimerFD.drain(descriptor)
            sweep()
        } else if let connection = connections[descriptor] {
            if !events.isDisjoint(with: [.error, .hangup]) && !events.contains(.readable) {
                close(connection)
            } else {
                if events.contains(.writable) { flush(connection) }
                if events.contains(.readable), connections[descriptor] === connection { onReadable(connection) }
            }
        }
    }

    // MARK: Reading and parsing

    func onReadable(_ connection: Connection) {
        let count: Int
        do {
            switch try Socket.read(connection.descriptor, into: readBuffer) {
            case .wouldBlock: return
            case .done(let read): count = read
            }
        } catch {
            close(connection)
            return
        }
        if count == 0 {
            // The peer closed its side. Anything half-received can never complete.
            close(connection)
            return
        }
        switch connection.machine.bytesRead(now: now) {
        case .discard:
            return  // lingering: the answer is already on its way
        case .parse:
            connection.input.write(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            process(connection)
        }
    }

    /// Parses and answers every complete request in the input, in order, until one must wait.
    func process(_ connection: Connection) {
        while connection.machine.canParse {
            let event: ParseEvent
            do {
                event = try connection.parser.parse(&connection.input)
            } catch {
                writeError(connection, error.status, error.message)
                break
            }
            switch event {
            case .needMoreData:
                connection.machine.parserNeedsMoreData(inputIsIdle: connection.inputIsIdle)
                connection.input.compact()
                flush(connection)
                return
            case .expectContinue:
                connection.output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
                connection.machine.interimResponseQueued()
            case .request(let request):
                let started = connection.machine.requestParsed(moreInput: connection.input.readableBytes > 0, now: now)
                dispatch(request, on: connection, started: started)
            }
        }
        connection.input.compact()
        flush(connection)
    }

    func dispatch(_ request: consuming HTTPRequest, on connection: Connection, started: Instant) {
        request.remoteAddress = connection.remoteAddress
        let inFlight = InFlightRequest(
            method: request.method, path: request.path,
            keepAlive: request.wantsKeepAlive && connection.machine.acceptsMoreRequests,
            http10: request.version == .http1_0, started: started)
        switch shared.handler(request) {
        case .response(let response):
            write(response, for: inFlight, on: connection)
        case .blocking(let work):
            connection.inFlight = inFlight
            connection.machine.responseDeferred()
            let promise = ResponsePromise(loop: handle, descriptor: connection.descriptor, connectionID: connection.id)
            shared.pool.submit { work(promise) }
        case .deferred(let body):
            connection.inFlight = inFlight
            connection.machine.responseDeferred()
            body(ResponsePromise(loop: handle, descriptor: connection.descriptor, connectionID: connection.id))
        }
    }
}

@available(*, unavailable) extension EventLoop: Sendable {}
