import Synchronization

/// State every loop of one server shares.
final class ServerShared: Sendable {
    let configuration: ServerConfiguration
    let handler: HTTPHandler
    let listener: Int32
    let pool: BlockingPool
    /// Open connections across all loops, for ``ServerConfiguration/maxConnections``.
    let openConnections = Atomic<Int>(0)
    /// Loops still watching the listener; the last one to let go closes it.
    let listenerUsers: Atomic<Int>

    init(configuration: ServerConfiguration, handler: @escaping HTTPHandler, listener: Int32, pool: BlockingPool) {
        self.configuration = configuration
        self.handler = handler
        self.listener = listener
        self.pool = pool
        listenerUsers = Atomic(configuration.eventLoops)
    }
}
