import Glibc

/// Answers a connection past ``ServerConfiguration/maxConnections`` with 503 and closes it, without registering it.
enum OverloadRefusal {
    /// Writes the 503, shuts the write side, drains what the client already sent, and closes `descriptor`.
    ///
    /// The request the client already sent is read and dropped first: closing a socket with unread input sends
    /// a reset instead of a FIN, and a reset can destroy the 503 before the client reads it.
    static func refuse(
        _ descriptor: Int32, configuration: ServerConfiguration, clock: HTTPDateCache,
        scratch: UnsafeMutableRawBufferPointer
    ) {
        var bytes: [UInt8] = []
        let response = configuration.errorResponder(.serviceUnavailable, "The server has too many open connections.")
        ResponseEncoder.encode(
            response, keepAlive: false, http10: false, omitBody: false, clock: clock,
            serverName: configuration.serverName, into: &bytes)
        bytes.withUnsafeBytes { _ = try? Socket.write(descriptor, from: $0) }
        shutdown(descriptor, Int32(SHUT_WR))
        // Bounded (1 MiB): a client still sending a body may get a reset, but only after the 503 and the FIN.
        for _ in 0..<16 {
            guard case .done(let count)? = try? Socket.read(descriptor, into: scratch), count > 0 else { break }
        }
        closeDescriptor(descriptor)
    }
}
