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
        var rest = Substring(target)
        if !rest.hasPrefix("/"), let schemeEnd = rest.firstRange(of: "://") {
            rest = rest[schemeEnd.upperBound...]
            if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                rest = rest[slash...]
            } else {
                rest = ""
            }
            if rest.isEmpty || rest.first == "?" { rest = "/" + rest }
        }
        if let mark = rest.firstIndex(of: "?") {
            return (String(rest[..<mark]), String(rest[rest.index(after: mark)...]))
        }
        return (String(rest), nil)
    }
}
