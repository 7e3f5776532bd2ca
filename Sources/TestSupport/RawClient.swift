import Foundation
import Glibc
import HTTP

/// A response as a test sees it.
package struct TestResponse: Sendable {
    package var status: Int
    package var reason: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    /// The first value of a header, case-insensitively.
    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of a header, case-insensitively.
    package func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    package var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON.
    package func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
}

/// Errors a ``RawClient`` reports.
package struct RawClientError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// A blocking, byte-exact HTTP/1.1 client over one TCP connection, for tests that need control over every byte
/// (pipelining, malformed requests, slow senders) and that must see exactly what the server writes.
package final class RawClient {
    package let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Connects to `127.0.0.1:port`; reads give up after `timeout` seconds.
    package init(port: UInt16, host: String = "127.0.0.1", timeout: Double = 5) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawClientError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw RawClientError("connect: \(message)")
        }
        setTimeout(timeout)
    }

    deinit { Glibc.close(descriptor) }

    /// Sets how long a read waits for bytes (`SO_RCVTIMEO`).
    package func setTimeout(_ seconds: Double) {
        var time = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends every byte.
    package func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw RawClientError("send: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Sends a string's UTF-8 bytes.
    package func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Half-closes the connection: the server sees end of input.
    package func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Reads one response. `head` says the request was HEAD (no body follows whatever Content-Length says).
    package func readResponse(head: Bool = false) throws -> TestResponse {
        let headEnd = try readUntil([0x0D, 0x0A, 0x0D, 0x0A])
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
            throw RawClientError("bad status line: \(statusLine)")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw RawClientError("bad header line: \(line)") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = TestResponse(status: status, reason: parts.count > 2 ? parts[2] : "", headers: headers, body: [])
        if head || status < 200 || status == 204 || status == 304 { return response }
        if let length = response.header("Content-Length").flatMap(Int.init) {
            try fill(length)
            response.body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            throw RawClientError("chunked responses are not expected from this server")
        } else {
            response.body = try readUntilClosed()
        }
        return response
    }

    /// Reads until the server closes the connection; returns what arrived.
    package func readUntilClosed() throws -> [UInt8] {
        while try receive() > 0 {}
        defer { buffer = [] }
        return buffer
    }

    /// Whether the server closes the connection within the read timeout, having sent nothing more.
    package func isClosedByServer() -> Bool {
        (try? receive()) == 0 && buffer.isEmpty
    }

    /// Whether the server has sent something (or closed) that has not been read yet, without waiting.
    package func hasDataAvailable() -> Bool {
        if !buffer.isEmpty { return true }
        var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    /// Bytes received but not yet consumed by a read.
    package var unreadBytes: [UInt8] { buffer }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        var searchFrom = 0
        while true {
            if buffer.count >= marker.count {
                for index in searchFrom...(buffer.count - marker.count) where buffer[index..<index + marker.count].elementsEqual(marker) {
                    return index
                }
                searchFrom = buffer.count - marker.count + 1
            }
            if try receive() == 0 { throw RawClientError("connection closed before a full response head (\(buffer.count) bytes)") }
        }
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count {
            if try receive() == 0 { throw RawClientError("connection closed mid-body") }
        }
    }

    @discardableResult
    private func receive() throws -> Int {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return 0 }
                throw RawClientError("recv: \(String(cString: strerror(errno)))")
            }
            buffer.append(contentsOf: chunk[..<count])
            return count
        }
    }
}

@available(*, unavailable) extension RawClient: Sendable {}
