import Glibc
import Synchronization

/// Writing: responses encoded into the connection's output, flushed as the socket accepts them, and closing.
extension EventLoop {
    func write(_ response: HTTPResponse, for request: InFlightRequest, on connection: Connection) {
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
    func writeError(_ connection: Connection, _ status: HTTPStatus, _ message: String) {
        let response = config.errorResponder(status, message)
        let request = InFlightRequest(
            method: HTTPMethod("-"), path: "-", keepAlive: false, http10: false,
            started: connection.machine.requestStarted ?? now, note: message)
        write(response, for: request, on: connection)
    }

    /// Writes as much pending output as the socket takes, then re-arms interest for what comes next.
    func flush(_ connection: Connection) {
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

    func updateInterest(_ connection: Connection) {
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

    func close(_ connection: Connection) {
        guard connections.remove(connection) else { return }
        try? epoll.remove(connection.descriptor)
        closeDescriptor(connection.descriptor)
        shared.openConnections.subtract(1, ordering: .relaxed)
    }
}
