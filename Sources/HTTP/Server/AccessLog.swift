/// One event loop's access-log lines, buffered between epoll waits and handed to the sink in one call.
///
/// Buffering per wake-up means one `write(2)` for a whole batch of pipelined or concurrent requests instead of
/// one per request, which keeps logging off the hot path's syscall count.
struct AccessLog {
    private var buffer: [UInt8] = []

    /// Appends `2026-11-29T03:39:09Z GET /wc-api/v2/customers 200 1234 0.412ms` — no query string, so no credentials.
    ///
    /// A request the engine refused itself logs `-` as method and path and ends with the reason in quotes:
    /// `… - - 400 97 0.051ms "TLS handshake on a plain HTTP port."`. The first six fields stay positional.
    mutating func append(_ request: InFlightRequest, status: Int, bytes: Int, clock: HTTPDateCache) {
        buffer.append(contentsOf: clock.logStamp)
        buffer.append(0x20)
        buffer.append(contentsOf: request.method.rawValue.utf8)
        buffer.append(0x20)
        buffer.append(contentsOf: request.path.utf8.lazy.map { $0 < 0x21 || $0 == 0x7F ? UInt8(ascii: "?") : $0 })
        buffer.append(0x20)
        buffer.appendDecimal(status)
        buffer.append(0x20)
        buffer.appendDecimal(bytes)
        buffer.append(0x20)
        let micros = Int(max(0, Instant.now.nanoseconds(since: request.started)) / 1000)
        buffer.appendDecimal(micros / 1000)
        buffer.append(UInt8(ascii: "."))
        let fraction = micros % 1000
        if fraction < 100 { buffer.append(0x30) }
        if fraction < 10 { buffer.append(0x30) }
        buffer.appendDecimal(fraction)
        buffer.append(contentsOf: "ms".utf8)
        if let note = request.note {
            buffer.append(contentsOf: " \"".utf8)
            // Printable ASCII only, no quote: the line stays one parseable line whatever a message holds.
            buffer.append(contentsOf: note.utf8.lazy.map { $0 < 0x20 || $0 > 0x7E || $0 == 0x22 ? 0x3F : $0 })
            buffer.append(0x22)
        }
        buffer.append(0x0A)
    }

    /// Hands every buffered line to `sink` and empties the buffer.
    mutating func flush(to sink: (UnsafeRawBufferPointer) -> Void) {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { sink($0) }
        // A burst may have grown the buffer; past 64 KiB it is freed rather than kept for every quiet wake-up.
        buffer.removeAll(keepingCapacity: buffer.count < 64 * 1024)
    }
}

@available(*, unavailable) extension AccessLog: Sendable {}
