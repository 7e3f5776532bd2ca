import Glibc
import Synchronization

/// One I/O thread: an epoll instance, the connections it accepted, and nothing shared but ``ServerShared``.
///
/// The loop performs I/O and carries out what each connection's ``ConnectionStateMachine`` decides: it reports
/// every event (bytes read, request parsed, response queued, output flushed, timer tick, shutdown) and executes
/// the action that comes back. Everything here runs on the loop's own thread. Other threads reach it only through
/// its ``LoopHandle``.
final class EventLoop {
    private let shared: ServerShared
    private let handle: LoopHandle
    private let epoll: Epoll
    private let timer: Int32
    private var connections = ConnectionTable()
    private var listening = true
    private var listenerPaused = false
    private var shutdownDeadline: Instant?
    private var now = Instant.now
    private let readBuffer: UnsafeMutableRawBufferPointer
    private let clock = HTTPDateCache()
    private var accessLog = AccessLog()
    private let timeouts: ConnectionStateMachine.Timeouts
    private var config: ServerConfiguration { shared.configuration }

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

    private func onEvent(_ descriptor: Int32, _ events: Epoll.Events) {
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

    // MARK: Accepting

    private func acceptConnections() {
        guard listening, !listenerPaused else { return }
        // A bounded batch per wake-up keeps one busy listener from starving established connections.
        for _ in 0..<64 {
            let descriptor: Int32
            do {
                switch try Socket.accept(shared.listener) {
                case .wouldBlock: return
                case .done(let accepted): descriptor = accepted
                }
            } catch {
                switch error.errno {
                case .tooManyOpenFiles, .tooManyOpenFilesInSystem, .noBufferSpace, .outOfMemory:
                    // Out of descriptors: stop watching the listener until the next timer tick instead of spinning.
                    logError("accept: \(error); pausing accepts")
                    try? epoll.remove(shared.listener)
                    listenerPaused = true
                    return
                default:
                    continue  // the peer gave up (ECONNABORTED, EPROTO, …): not our problem
                }
            }
            if shared.openConnections.add(1, ordering: .relaxed).newValue > config.maxConnections {
                shared.openConnections.subtract(1, ordering: .relaxed)
                OverloadRefusal.refuse(descriptor, configuration: config, clock: clock, scratch: readBuffer)
                continue
            }
            Socket.setNoDelay(descriptor)
            let connection = Connection(descriptor: descriptor, id: connections.makeID(), limits: config.limits, now: now)
            do {
                try epoll.add(descriptor, .readable)
            } catch {
                shared.openConnections.subtract(1, ordering: .relaxed)
                closeDescriptor(descriptor)
                continue
            }
            connections.insert(connection)
        }
    }

    // MARK: Reading and parsing

    private func onReadable(_ connection: Connection) {
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
    private func process(_ connection: Connection) {
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

    private func dispatch(_ request: consuming HTTPRequest, on connection: Connection, started: Instant) {
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

    // MARK: Writing

    private func write(_ response: HTTPResponse, for request: InFlightRequest, on connection: Connection) {
        // The header is looked up only when the request would keep the connection open.
        let responseCloses = request.keepAlive && response.headers.hasToken("close", in: "Connection")
        let action = connection.machine.responseQueued(requestKeepsAlive: request.keepAlive, responseCloses: responseCloses)
        ResponseEncoder.encode(
            response, keepAlive: action == .keepAlive, http10: request.http10, omitBody: request.method == .head,
            clock: clock, serverName: config.serverName, into: &connection.output)
        if config.accessLog {
            accessLog.append(request, status: response.status.code, bytes: response.body.count, clock: clock)
        }
    }

    /// Answers a request the engine refuses itself, then closes: after a parse error framing can't be trusted.
    private func writeError(_ connection: Connection, _ status: HTTPStatus, _ message: String) {
        let response = config.errorResponder(status, message)
        let request = InFlightRequest(
            method: HTTPMethod("-"), path: "-", keepAlive: false, http10: false,
            started: connection.machine.requestStarted ?? now, note: message)
        write(response, for: request, on: connection)
    }

    /// Writes as much pending output as the socket takes, then re-arms interest for what comes next.
    private func flush(_ connection: Connection) {
        while connection.hasPendingOutput {
            let result = connection.output.withUnsafeBytes { bytes in
                Result { () throws(SystemError) in
                    try Socket.write(connection.descriptor, from: UnsafeRawBufferPointer(rebasing: bytes[connection.outputSent...]))
                }
            }
            switch result {
            case .success(.done(let written)):
                connection.outputSent += written
                connection.machine.wroteBytes(now: now)
            case .success(.wouldBlock):
                updateInterest(connection)
                return
            case .failure:
                close(connection)
                return
            }
        }
        if !connection.output.isEmpty {
            connection.output.removeAll(keepingCapacity: true)
            connection.outputSent = 0
        }
        if connection.machine.flushed(now: now) == .closing {
            switch connection.machine.closing(inputIsIdle: connection.inputIsIdle, now: now) {
            case .close:
                close(connection)
                return
            case .shutWriteAndLinger:
                // Unread request bytes remain: closing now would send a reset that can destroy the response in
                // flight. Shut the write side, discard what still arrives, close when the peer does (or after 2 s).
                Glibc.shutdown(connection.descriptor, Int32(SHUT_WR))
                connection.input = ByteBuffer()
            }
        }
        updateInterest(connection)
    }

    private func updateInterest(_ connection: Connection) {
        // The machine tracks pending output through its events; the buffer is the ground truth.
        assert(connection.machine.hasPendingOutput == connection.hasPendingOutput, "output events out of step")
        let desired = connection.machine.interest
        guard desired != connection.watching else { return }
        do {
            try epoll.modify(connection.descriptor, desired.events)
            connection.watching = desired
        } catch {
            close(connection)
        }
    }

    private func close(_ connection: Connection) {
        guard connections.remove(connection) else { return }
        try? epoll.remove(connection.descriptor)
        closeDescriptor(connection.descriptor)
        shared.openConnections.subtract(1, ordering: .relaxed)
    }

    // MARK: Messages, timers, shutdown

    private func onMessage(_ message: LoopHandle.Message) {
        switch message {
        case .response(let descriptor, let id, let response):
            guard let connection = connections[descriptor], connection.id == id,
                  connection.machine.responseArrived(now: now), let request = connection.inFlight else {
                return  // the client left while its request was being handled
            }
            connection.inFlight = nil
            write(response, for: request, on: connection)
            process(connection)  // answers pipelined requests that waited, then flushes
        case .shutdown(let deadline):
            shutdownDeadline = deadline
            releaseListener()
            for case let connection? in connections.slots {
                switch connection.machine.shutdown(deadline: deadline, inputIsIdle: connection.inputIsIdle) {
                case .none: break
                case .close: close(connection)
                }
            }
        }
    }

    /// Checks every connection's deadlines; runs on each timer tick.
    private func sweep() {
        if listenerPaused && listening {
            listenerPaused = (try? epoll.add(shared.listener, [.readable, .exclusive])) == nil
        }
        for case let connection? in connections.slots {
            switch connection.machine.tick(now: now, timeouts: timeouts) {
            case .none:
                break
            case .close:
                close(connection)
            case .answerRequestTimeout:
                writeError(connection, .requestTimeout, "The request was not received in time.")
                flush(connection)
            case .releaseBuffers:
                connection.releaseBuffers()
            }
        }
    }

    private func releaseListener() {
        guard listening else { return }
        listening = false
        if !listenerPaused { try? epoll.remove(shared.listener) }
        if shared.listenerUsers.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            closeDescriptor(shared.listener)
        }
    }

    // MARK: Logging

    private func logError(_ message: String) {
        var line = Array("http: ".utf8) + Array(message.utf8)
        line.append(0x0A)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

@available(*, unavailable) extension EventLoop: Sendable {}
