import Glibc

/// Writes response heads and bodies as bytes, straight into an output buffer.
enum ResponseEncoder {
    /// Appends the whole response: status line, the handler's headers, then `Content-Length`, `Date`,
    /// `Server` and `Connection` as the engine decides, then the body unless `omitBody` (HEAD).
    static func encode(
        _ response: HTTPResponse, keepAlive: Bool, http10: Bool, omitBody: Bool,
        clock: HTTPDateCache, serverName: String, into out: inout [UInt8]
    ) {
        out.appendLiteral("HTTP/1.1 ")
        out.appendDecimal(response.status.code)
        out.append(0x20)
        out.appendUTF8(response.status.reason)
        out.appendLiteral("\r\n")
        for field in response.headers.fields where !isEngineManaged(field.name) {
            out.appendUTF8(field.name)
            out.append(0x3A)
            out.append(0x20)
            appendSanitized(field.value, to: &out)
            out.appendLiteral("\r\n")
        }
        let code = response.status.code
        let bodyAllowed = code >= 200 && code != 204 && code != 304
        if bodyAllowed {
            out.appendLiteral("Content-Length: ")
            out.appendDecimal(response.body.count)
            out.appendLiteral("\r\n")
        }
        out.append(contentsOf: clock.dateHeader)
        out.appendLiteral("Server: ")
        out.appendUTF8(serverName)
        out.appendLiteral("\r\n")
        if !keepAlive {
            out.appendLiteral("Connection: close\r\n")
        } else if http10 {
            out.appendLiteral("Connection: keep-alive\r\n")
        }
        out.appendLiteral("\r\n")
        if bodyAllowed && !omitBody { out.append(contentsOf: response.body) }
    }

    private static func isEngineManaged(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: HTTPHeaders.equal(name, "Date")
        case 6: HTTPHeaders.equal(name, "Server")
        case 10: HTTPHeaders.equal(name, "Connection")
        case 14: HTTPHeaders.equal(name, "Content-Length")
        case 17: HTTPHeaders.equal(name, "Transfer-Encoding")
        default: false
        }
    }

    /// Header values never carry CR or LF onto the wire (response splitting).
    private static func appendSanitized(_ value: String, to out: inout [UInt8]) {
        value.withUTF8Buffer { bytes in
            if bytes.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
                for byte in bytes { out.append(byte == 0x0D || byte == 0x0A ? 0x20 : byte) }
            } else {
                out.append(contentsOf: bytes)
            }
        }
    }
}

/// The current time as the `Date` header and the access-log stamp, formatted once per second per loop.
final class HTTPDateCache {
    private(set) var dateHeader: [UInt8] = []
    private(set) var logStamp: [UInt8] = []
    private var second: time_t = -1

    init() { refresh() }

    /// Reformats when the wall-clock second has changed.
    func refresh() {
        let now = time(nil)
        guard now != second else { return }
        second = now
        var parts = tm()
        var seconds = now
        gmtime_r(&seconds, &parts)
        dateHeader = Array("Date: ".utf8) + Self.format("%a, %d %b %Y %H:%M:%S GMT", &parts) + Array("\r\n".utf8)
        logStamp = Self.format("%Y-%m-%dT%H:%M:%SZ", &parts)
    }

    private static func format(_ pattern: String, _ parts: inout tm) -> [UInt8] {
        var buffer = [Int8](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, pattern, &parts)
        return buffer.prefix(length).map { UInt8(bitPattern: $0) }
    }
}

@available(*, unavailable) extension HTTPDateCache: Sendable {}
