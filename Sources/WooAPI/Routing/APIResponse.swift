import HTTP

/// What a handler answers: a status, extra headers, and the JSON body bytes.
package struct APIResponse: Sendable {
    package var status: Int
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The error envelope with the error's status.
    package init(_ error: APIError) {
        self.init(status: error.status, body: error.envelope)
    }

    /// An ``APIError`` as its envelope; any other error logged and answered as a 500 in the envelope.
    package init(failure: any Error) {
        self.init((failure as? APIError) ?? APIError.classify(failure))
    }

    /// A write's outcome: the body with `status`, or the failure's envelope.
    package init(_ result: Result<[UInt8], any Error>, status: Int) {
        switch result {
        case .success(let body): self.init(status: status, body: body)
        case .failure(let error): self.init(failure: error)
        }
    }

    /// `{"message":"…"}`, the body of a successful delete.
    package static func message(_ text: String, status: Int = 200) -> APIResponse {
        json(status: status, capacity: 64) { writer in
            writer.beginObject()
            writer.key("message")
            writer.string(text)
            writer.endObject()
        }
    }

    /// `{"count":N}`, the body of every `/count` endpoint.
    package static func count(_ total: Int) -> APIResponse {
        json(capacity: 32) { writer in
            writer.beginObject()
            writer.key("count")
            writer.int(total)
            writer.endObject()
        }
    }

    /// A JSON body written by `write`.
    package static func json(status: Int = 200, headers: [(String, String)] = [], capacity: Int = 1024,
                             _ write: (inout JSONWriter) -> Void) -> APIResponse {
        var writer = JSONWriter(capacity: capacity)
        write(&writer)
        return APIResponse(status: status, headers: headers, body: writer.bytes)
    }
}

/// How a handler answers: with an ``APIResponse`` now, or with one delivered later from another thread.
/// ``APIApplication`` turns each case into the engine's `HTTPHandlerResult` in one place (``httpResult(jsonp:)``).
package enum HandlerOutcome: Sendable {
    /// Where deferred work starts.
    package enum Start: Sendable {
        /// On the I/O thread that received the request: the work only hands something over (a write).
        case here
        /// On the engine's blocking pool: the work itself is slow (a password hash).
        case blockingPool
        /// On the I/O thread, which only queues a read for the store's ``ReadPool``; a pool thread fulfils the
        /// promise (see ``Store/list(owner:cheap:_:)``).
        case readPool
    }

    case now(APIResponse)
    /// The one async outcome: `body` starts where `Start` says and fulfils the promise exactly once, from any
    /// thread (writes answer from the writer thread; see ``Store/writeAndAnswer(_:answer:)``).
    case later(Start, @Sendable (APIPromise) -> Void)

    /// Work that only hands something over and answers later.
    static func deferred(_ body: @escaping @Sendable (APIPromise) -> Void) -> HandlerOutcome { .later(.here, body) }

    /// Slow work for the blocking pool; it answers when it likes (after handing a write over, without waiting).
    static func onBlockingPool(_ body: @escaping @Sendable (APIPromise) -> Void) -> HandlerOutcome {
        .later(.blockingPool, body)
    }

    /// The engine's form of this outcome, every response wrapped for the wire (content type, JSONP).
    func httpResult(jsonp: String?) -> HTTPHandlerResult {
        switch self {
        case .now(let response):
            return .response(APIApplication.response(response, jsonp: jsonp))
        case .later(.here, let start), .later(.readPool, let start):
            return .deferred { promise in start(APIPromise(promise: promise, jsonp: jsonp)) }
        case .later(.blockingPool, let start):
            return .blocking { promise in start(APIPromise(promise: promise, jsonp: jsonp)) }
        }
    }
}

/// A one-shot handle for a deferred answer: the engine's promise and the JSONP callback the answer is wrapped in.
package struct APIPromise: Sendable {
    let promise: ResponsePromise
    let jsonp: String?

    /// Sends `response`; a second call is ignored.
    package func succeed(_ response: APIResponse) {
        promise.succeed(APIApplication.response(response, jsonp: jsonp))
    }

    /// Sends the response `make` returns, made on the request's I/O thread (see
    /// ``ResponsePromise/succeed(producing:)``).
    package func succeed(producing make: @escaping @Sendable () -> APIResponse) {
        let jsonp = self.jsonp
        promise.succeed(producing: { APIApplication.response(make(), jsonp: jsonp) })
    }
}

/// A handler's view of the request.
package struct RequestContext: Sendable {
    package var request: HTTPRequest
    /// The method after `_method` / `X-HTTP-Method-Override` (decisions #29).
    package var method: HTTPMethod
    /// The route, decoded once, e.g. `/customers/2`.
    package var route: String
    package var parameters: QueryParameters
    package var caller: Caller?
    /// Captures of the route pattern (`<id>`, `<email>`).
    package var captures: [String] = []

    /// Whose read this is, for the read pool's fairness: the caller's key, else the client's address.
    package var readOwner: ReadOwner {
        if let caller { return .key(caller.keyID) }
        return .address(request.remoteAddress.isEmpty ? "anonymous" : request.remoteAddress)
    }

    /// The request body parsed as JSON, or `Missing parameter data` when it is empty or not JSON (customers §1.6).
    package func jsonBody() throws(APIError) -> JSONValue {
        guard !request.body.isEmpty else { throw .missingData }
        let value: JSONValue
        do {
            value = try JSONParser.parse(request.body)
        } catch {
            throw .missingData
        }
        if value.isNull { throw .missingData }
        return value
    }
}
