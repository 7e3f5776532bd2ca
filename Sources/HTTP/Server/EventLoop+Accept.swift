import Glibc
import Synchronization

/// Accepting connections: a bounded batch per wake-up, the 503 past the connection limit, pausing the listener
/// when descriptors run out.
extension EventLoop {
    func acceptConnections() {
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
}
