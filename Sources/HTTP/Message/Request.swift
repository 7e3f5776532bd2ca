/// A complete HTTP request as handed to a handler: head and whole body.
package struct HTTPRequest: Sendable {
    /// The method token as sent (`GET`, `POST`, …).
    package var method: HTTPMethod
    /// The request target as sent: origin-form (`/a?b`), absolute-form (`http://h/a?b`), `*`, or authority-form.
    package var target: String
    /// The path part of the target, still percent-encoded (absolute-form reduced to its path).
    package var path: String
    /// The query string after `?`, still percent-encoded, or nil when the target has none.
    package var query: String?
    package var version: HTTPVersion
    package var headers: HTTPHeaders
    package var body: [UInt8]
    /// The client's IP address as text (`127.0.0.1`, `::1`), set by the server; empty when unknown.
    package var remoteAddress = ""

    package init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = [:], body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        (path, query) = HTTPRequest.split(target: target)
    }

    /// Whether the client asked to keep the connection open after this request (RFC 9112 §9.3).
    package var wantsKeepAlive: Bool {
        if headers.hasToken("close", in: "Connection") { return false }
        // RFC 9112 §6.1: a 1.0 message with Transfer-Encoding has faulty framing: close after it.
        if version.major == 1 && version.minor == 0 && headers.contains("Transfer-Encoding") { return false }
        if version.major == 1 && version.minor == 0 { return headers.hasToken("keep-alive", in: "Connection") }
        return true
    }

    /// Splits a request target into path and query; absolute-form loses its scheme and authority.
    package static func split(target: String) -> (path: String, query: String?) {
        target.withUTF8Buffer { bytes -> (path: String, query: String?) in
            func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            var start = 0
            if bytes.first != UInt8(ascii: "/"), let schemeEnd = Self.schemeEnd(bytes) {
                // absolute-form: skip the authority up to the path or query
                guard let slash = bytes[schemeEnd...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) else {
                    return ("/", nil)
                }
                if bytes[slash] == UInt8(ascii: "?") { return ("/", text((slash + 1)..<bytes.count)) }
                start = slash
            }
            guard let mark = bytes[start...].firstIndex(of: UInt8(ascii: "?")) else { return (text(start..<bytes.count), nil) }
            return (text(start..<mark), text((mark + 1)..<bytes.count))
        }
    }

    /// The index just past the first `://`, if any.
    private static func schemeEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count >= 3 else { return nil }
        for index in 0...(bytes.count - 3)
        where bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/") && bytes[index + 2] == UInt8(ascii: "/") {
            return index + 3
        }
        return nil
    }
}
