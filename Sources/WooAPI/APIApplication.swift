import Glibc
import HTTP
import SQLite
import Storage

/// Settings of the API layer.
package struct APIConfiguration: Sendable {
    /// The store's public base URL, e.g. `http://127.0.0.1:8080`: used in links, the index and download URLs.
    package var publicURL: String
    /// `store.name` in the index.
    package var storeName = "WooCommerce API Server"
    /// `store.description` in the index.
    package var storeDescription = "A WooCommerce-compatible REST API v2 server"
    /// PBKDF2 iterations for client-chosen passwords (decisions #30); tests may lower it, nothing else should.
    package var passwordIterations = PasswordHasher.iterations
    /// Most OAuth nonces remembered at once (``NonceStore``); past it the oldest go and older timestamps are refused.
    package var oauthNonceCapacity = NonceStore.defaultCapacity
    /// The clock, in Unix seconds.
    package var now: @Sendable () -> Int64 = { Int64(time(nil)) }

    package init(publicURL: String) {
        var url = publicURL
        while url.hasSuffix("/") { url.removeLast() }
        self.publicURL = url
    }
}

/// The WooCommerce v2 API as an HTTP handler: routing, method overrides, JSONP, authentication, dispatch.
///
/// Pipeline (customers §1.2): resolve the route → effective method → JSONP callback check → authenticate (every route
/// but the index) → unsupported method → route table → handler. Every failure is the v2 error envelope.
package final class APIApplication: Sendable {
    package let store: Store
    package let configuration: APIConfiguration
    package let authenticator: Authenticator
    private let routes: RouteTable
    private let index: IndexHandler

    package init(store: Store, configuration: APIConfiguration) {
        self.store = store
        self.configuration = configuration
        authenticator = Authenticator(
            store: store, publicURL: configuration.publicURL, nonceCapacity: configuration.oauthNonceCapacity,
            clock: configuration.now)
        var router = RouterBuilder()
        CustomerHandlers(
            store: store, authenticator: authenticator, publicURL: configuration.publicURL,
            passwordIterations: configuration.passwordIterations, now: configuration.now
        ).register(in: &router)
        ProductHandlers(store: store, publicURL: configuration.publicURL, now: configuration.now).register(in: &router)
        OrderHandlers(store: store, publicURL: configuration.publicURL, now: configuration.now).register(in: &router)
        routes = router.build()
        index = IndexHandler(configuration: configuration, routes: routes)
    }

    /// The engine configuration changes the API needs: its own error envelope, and every method reaches it
    /// (the real store answers unknown methods with its own 400).
    package static func configureEngine(_ configuration: inout ServerConfiguration) {
        configuration.errorResponder = APIError.engineErrorResponder
        configuration.limits.allowedMethods = nil
    }

    /// The HTTP handler.
    package var handler: HTTPHandler {
        { [self] request in self.handle(request) }
    }

    /// Answers one request.
    package func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        if request.path == "/healthz" { return health(request) }
        var jsonp: String?
        do throws(APIError) {
            let parameters = try QueryParameters(parsing: request.query)
            if parameters.contains("_jsonp") {
                let callback = try parameters.string("_jsonp") ?? ""
                guard callback.utf8.allSatisfy({ Self.isCallbackByte($0) }) else {
                    return Self.finish(APIResponse(.jsonpInvalid), jsonp: nil, javascript: true)
                }
                jsonp = callback
            }
            let route = try resolveRoute(request, parameters)
            let method = Self.effectiveMethod(request, parameters)
            var context = RequestContext(request: request, method: method, route: route, parameters: parameters)
            let isSupported: Bool
            switch method {
            case .get, .head, .post, .put, .patch, .delete: isSupported = true
            default: isSupported = false
            }
            if route == "/" {
                guard isSupported else { throw APIError.unsupportedMethod }
                guard method == .get || method == .head else { throw APIError.noRoute }
                return Self.finish(index.response(), jsonp: jsonp)
            }
            switch try authenticator.authenticate(request, parameters: parameters, method: method, route: route) {
            case .caller(let caller):
                context.caller = caller
                return try dispatch(&context, isSupported: isSupported, jsonp: jsonp)
            case .pending(let pending):
                // An OAuth nonce new to this process: the store decides whether it is fresh (a committed write),
                // then the request goes on on its connection's loop.
                return .deferred { [self, context, jsonp] promise in
                    authenticator.complete(pending) { outcome in
                        promise.resume { [self] in  // on the connection's loop
                            do throws(APIError) {
                                var context = context
                                context.caller = try outcome.get()
                                return try dispatch(&context, isSupported: isSupported, jsonp: jsonp)
                            } catch {
                                return Self.finish(APIResponse(error), jsonp: jsonp)
                            }
                        }
                    }
                }
            }
        } catch {
            return Self.finish(APIResponse(error), jsonp: jsonp)
        }
    }

    /// The request's handler, once the caller is known (customers §1.2: unsupported method, then the route table).
    /// Takes the context by `inout`: a copy of it (the request, its headers and parameters) cost a request 3 % more
    /// instructions (`make bench-instructions`, get).
    private func dispatch(_ context: inout RequestContext, isSupported: Bool, jsonp: String?) throws(APIError) -> HTTPHandlerResult {
        guard isSupported else { throw APIError.unsupportedMethod }
        guard let (handler, captures) = routes.match(context.route, method: context.method) else { throw APIError.noRoute }
        context.captures = captures
        return try handler(context).httpResult(jsonp: jsonp)
    }

    /// `GET /healthz`, outside the API and without authentication, for load balancers and orchestrators: 200
    /// `{"status":"ok"}` while the store can be read, else 503 with the error envelope. GET and HEAD only (else
    /// the API's no-route 404).
    private func health(_ request: HTTPRequest) -> HTTPHandlerResult {
        guard request.method == .get || request.method == .head else { return Self.finish(APIResponse(.noRoute), jsonp: nil) }
        guard store.isHealthy() else { return Self.finish(APIResponse(.databaseUnavailable), jsonp: nil) }
        return Self.finish(.json(capacity: 16) { writer in
            writer.beginObject()
            writer.key("status")
            writer.string("ok")
            writer.endObject()
        }, jsonp: nil)
    }

    /// The route the request names (customers §1.1): `/wc-api/v2/<route>` with slashes trimmed, or the
    /// `?wc-api-version=2&wc-api-route=` form; decoded exactly once (decisions #25).
    private func resolveRoute(_ request: HTTPRequest, _ parameters: QueryParameters) throws(APIError) -> String {
        var version: Int?
        var route: String?
        let path = request.path
        if let fast = Self.plainV2Route(path) {
            version = 2
            route = fast
        } else if path.hasPrefix("/wc-api/v") {
            var trimmed = Substring(path)
            while trimmed.hasPrefix("/") { trimmed.removeFirst() }
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            let afterV = trimmed.dropFirst("wc-api/v".count)
            if let digit = afterV.first, let number = digit.wholeNumberValue, (1...3).contains(number) {
                version = number
                let rest = afterV.dropFirst()
                guard let decoded = PercentDecoding.decode(rest, plusIsSpace: false) else { throw APIError.noRoute }
                route = decoded.isEmpty ? "/" : decoded
            }
        }
        if let explicitRoute = try parameters.string("wc-api-route") {
            route = explicitRoute
            let versionText = try parameters.string("wc-api-version") ?? ""
            version = Int(versionText.prefix { $0.isNumber }) ?? 0
        }
        guard let route, version == 2 else { throw APIError.noRoute }
        return route
    }

    /// The route of a `/wc-api/v2/…` path with nothing to decode (no `%`), found on bytes; nil for any other
    /// path, which the general code in ``resolveRoute(_:_:)`` handles (with the same result for these).
    static func plainV2Route(_ path: String) -> String? {
        path.withUTF8Buffer { bytes -> String? in
            let prefix = v2Prefix
            guard bytes.count >= prefix.count, bytes.prefix(prefix.count).elementsEqual(prefix) else { return nil }
            // From the `/` after `v2` to the end, trailing slashes trimmed (never past that first `/`).
            let start = prefix.count - 1
            var end = bytes.count
            while end > start, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
            let rest = bytes[start..<end]
            guard !rest.contains(UInt8(ascii: "%")) else { return nil }
            return rest.isEmpty ? "/" : String(decoding: UnsafeBufferPointer(rebasing: rest), as: UTF8.self)
        }
    }

    private static let v2Prefix: [UInt8] = Array("/wc-api/v2/".utf8)

    /// Decisions #29: `_method` (query) or `X-HTTP-Method-Override`, upper-cased, honoured on POST only.
    static func effectiveMethod(_ request: HTTPRequest, _ parameters: QueryParameters) -> HTTPMethod {
        guard request.method == .post else { return request.method }
        if let override = try? parameters.string("_method"), !override.isEmpty {
            return HTTPMethod(override.uppercased())
        }
        if let header = request.headers["X-HTTP-Method-Override"], !header.isEmpty {
            return HTTPMethod(header.uppercased())
        }
        return .post
    }

    private static func isCallbackByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte == 0x5F || byte == 0x2E
    }

    private static func finish(_ response: APIResponse, jsonp: String?, javascript: Bool = false) -> HTTPHandlerResult {
        .response(Self.response(response, jsonp: jsonp, javascript: javascript))
    }

    /// Wraps an API response for the wire: `Content-Type`, JSONP (customers §1.9, §12).
    static func response(_ response: APIResponse, jsonp: String?, javascript: Bool = false) -> HTTPResponse {
        var headers = HTTPHeaders()
        if jsonp != nil {
            headers.add("Content-Type", "application/javascript; charset=UTF-8")
            headers.add("X-Content-Type-Options", "nosniff")
        } else {
            headers.add("Content-Type", javascript ? "application/javascript; charset=UTF-8" : "application/json; charset=UTF-8")
        }
        for (name, value) in response.headers { headers.add(name, value) }
        var body = response.body
        if let jsonp {
            body = Array("/**/\(jsonp)(".utf8) + body + [UInt8(ascii: ")")]
        }
        return HTTPResponse(status: HTTPStatus(response.status), headers: headers, body: body)
    }
}
