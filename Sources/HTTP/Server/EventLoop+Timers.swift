import Glibc
import Synchronization

/// Messages from other threads (deferred responses, shutdown), the timer sweep of every connection's deadlines,
/// releasing the listener, and logging.
extension EventLoop {
    func onMessage(_ message: LoopHandle.Message) {
        switch message {
        case .response(let descriptor, let id, let response):
            deliver(descriptor: descriptor, connectionID: id) { response }
        case .produce(let descriptor, let id, let make):
            deliver(descriptor: descriptor, connectionID: id, make)
        case .resume(let descriptor, let id, let next):
            guard let connection = connections[descriptor], connection.id == id,
                  connection.inFlight != nil else { return }
            switch next() {
            case .response(let response):
                deliver(descriptor: descriptor, connectionID: id) { response }
            case .blocking(let work):
                let promise = ResponsePromise(loop: handle, descriptor: descriptor, connectionID: id)
                shared.pool.submit { work(promise) }
            case .deferred(let body):
                body(ResponsePromise(loop: handle, descriptor: descriptor, connectionID: id))
            }
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

    /// Writes a response that arrived from another thread, made here by `make` unless the client has left.
    private func deliver(descriptor: Int32, connectionID: UInt64, _ make: () -> HTTPResponse) {
        guard let connection = connections[descriptor], connection.id == connectionID,
              connection.machine.responseArrived(now: now), let request = connection.inFlight else {
            return  // the client left while its request was being handled
        }
        connection.inFlight = nil
        write(make(), for: request, on: connection)
        process(connection)  // answers pipelined requests that waited, then flushes
    }

    /// Checks every connection's deadlines; runs on each timer tick.
    func sweep() {
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

    func releaseListener() {
        guard listening else { return }
        listening = false
        if !listenerPaused { try? epoll.remove(shared.listener) }
        if shared.listenerUsers.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            closeDescriptor(shared.listener)
        }
    }

    // MARK: Logging

    func logError(_ message: String) {
        var line = Array("http: ".utf8) + Array(message.utf8)
        line.append(0x0A)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
