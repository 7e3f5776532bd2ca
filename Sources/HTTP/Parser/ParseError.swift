/// Why a request could not be parsed, and the status that says so. After any of these the connection closes.
package struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    package var status: HTTPStatus
    package var message: String

    package init(_ status: HTTPStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    package static func badRequest(_ message: String) -> ParseError { ParseError(.badRequest, message) }
    package static let uriTooLong = ParseError(.uriTooLong, "The request line is too long.")
    package static let headersTooLarge = ParseError(.requestHeaderFieldsTooLarge, "The request header section is too large.")
    package static let tooManyHeaders = ParseError(.requestHeaderFieldsTooLarge, "The request has too many header fields.")
    package static let bodyTooLarge = ParseError(.contentTooLarge, "The request body is too large.")
    package static let versionNotSupported = ParseError(.httpVersionNotSupported, "Only HTTP/1.x is supported.")
    package static let unsupportedTransferEncoding = ParseError(.notImplemented, "Only the chunked transfer coding is supported.")
    package static let tlsOnPlainPort = ParseError(.badRequest, "TLS handshake on a plain HTTP port.")
    package static let methodNotImplemented = ParseError(.notImplemented, "The request method is not supported.")

    package var description: String { "\(status.code) \(message)" }
}
