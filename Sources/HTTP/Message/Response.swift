/// A response from a handler. The engine adds `Date`, `Server`, `Content-Length` and `Connection`.
package struct HTTPResponse: Sendable {
    package var status: HTTPStatus
    package var headers: HTTPHeaders
    package var body: [UInt8]

    package init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a UTF-8 body and a `Content-Type`.
    package init(status: HTTPStatus = .ok, contentType: String, body: String, headers: HTTPHeaders = [:]) {
        var headers = headers
        headers.set("Content-Type", contentType)
        self.init(status: status, headers: headers, body: Array(body.utf8))
    }
}
