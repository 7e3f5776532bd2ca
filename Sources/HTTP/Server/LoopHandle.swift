import Synchronization

/// The thread-safe face of an event loop: other threads post messages to it and wake it through an eventfd.
final class LoopHandle: Sendable {
    enum Message: Sendable {
        /// A response computed off the loop, for the connection with this descriptor and identity.
        case response(descriptor: Int32, connectionID: UInt64, response: HTTPResponse)
        /// A response the loop makes itself when the message arrives (and only if the connection is still open).
        case produce(descriptor: Int32, connectionID: UInt64, make: @Sendable () -> HTTPResponse)
        /// The handler's next step, run on the loop (and only if the connection is still open), whose result is
        /// handled as if the handler had returned it.
        case resume(descriptor: Int32, connectionID: UInt64, next: @Sendable () -> HTTPHandlerResult)
        /// Stop accepting, finish in-flight requests until `deadline`, then exit.
        case shutdown(deadline: Instant)
    }

    let wakeDescriptor: Int32
    private let inbox = Mutex<[Message]>([])

    init() throws(SystemError) {
        wakeDescriptor = try EventFD.make()
    }

    deinit {
        closeDescriptor(wakeDescriptor)
    }

    /// Queues a message and wakes the loop if it may be asleep.
    func post(_ message: Message) {
        let wasEmpty = inbox.withLock { inbox in
            inbox.append(message)
            return inbox.count == 1
        }
        // The loop drains the eventfd before taking the inbox, so one signal per non-empty transition suffices.
        if wasEmpty { EventFD.signal(wakeDescriptor) }
    }

    /// Takes every queued message (loop thread only, after draining the eventfd).
    func takeAll() -> [Message] {
        inbox.withLock { inbox in
            let messages = inbox
            inbox.removeAll()
            return messages
        }
    }
}
