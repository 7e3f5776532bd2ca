import Synchronization
import Foundation
import HTTP
import SQLite
import WooAPI

/// Where an endpoint test sends its requests: over a real loopback socket, or straight into the API's handler.
package enum APITestMode: Sendable {
    /// ``InProcessAPI``: requests built in memory and handed to the handler; no listener, no socket.
    case inProcess
    /// ``LiveAPI``: the real server on an ephemeral port, one connection per request.
    case live
}

/// What an endpoint test talks to, whichever the mode: the store, the keys, and one request at a time.
/// The same test body runs against either, as with `app.test(.router / .live)` in `hummingbird-project/hummingbird`
/// `Sources/HummingbirdTesting/Application+Test.swift`.
package protocol APIUnderTest: AnyObject {
    /// The port of the public URL links are built from (nominal in process: nothing listens on it).
    var port: UInt16 { get }
    var store: Store { get }
    /// A `read_write` key of the administrator (user 1).
    var key: APIKeys.Created { get }
    var readKey: APIKeys.Created { get }
    var writeKey: APIKeys.Created { get }

    /// Sends one request with exactly these header fields (in this order) and body, and returns the response
    /// as a client reads it (no body for `HEAD`).
    func exchange(_ method: String, _ target: String, headers: [(String, String)], body: [UInt8]) throws -> TestResponse
}

extension APIUnderTest {
    /// Sends one request; `auth` adds Basic credentials (of ``key`` unless given or `useDefaultAuth` is false).
    /// The header fields are those ``LiveAPI/request(_:_:json:headers:auth:useDefaultAuth:)`` writes.
    package func request(
        _ method: String, _ path: String, json body: String? = nil, headers: [(String, String)] = [],
        auth: APIKeys.Created? = nil, useDefaultAuth: Bool = true
    ) throws -> TestResponse {
        var fields: [(String, String)] = [("Host", "127.0.0.1:\(port)"), ("Connection", "close")]
        if let credentials = auth ?? (useDefaultAuth ? key : nil) {
            let token = Data("\(credentials.consumerKey):\(credentials.consumerSecret)".utf8).base64EncodedString()
            fields.append(("Authorization", "Basic \(token)"))
        }
        fields += headers
        let bodyBytes = Array((body ?? "").utf8)
        if body != nil || ["POST", "PUT", "PATCH"].contains(method) {
            fields += [("Content-Type", "application/json"), ("Content-Length", "\(bodyBytes.count)")]
        }
        return try exchange(method, path, headers: fields, body: bodyBytes)
    }

    /// Creates a customer through the API and returns its JSON object.
    @discardableResult
    package func createCustomer(_ fields: [String: Any]) throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: ["customer": fields])
        let response = try request("POST", "/wc-api/v2/customers", json: String(decoding: body, as: UTF8.self))
        guard response.status == 201, let object = try response.json() as? [String: Any],
              let customer = object["customer"] as? [String: Any] else {
            throw RawClientError("create failed: \(response.status) \(response.text)")
        }
        return customer
    }
}

extension LiveAPI: APIUnderTest {
    /// Writes the request on a new connection and reads the response.
    package func exchange(_ method: String, _ target: String, headers: [(String, String)], body: [UInt8]) throws -> TestResponse {
        let client = try connect()
        var text = "\(method) \(target) HTTP/1.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        try client.send(Array(text.utf8) + body)
        return try client.readResponse(head: method == "HEAD")
    }
}

/// The API over a fresh temporary store, called in process: each request is an ``HTTPRequest`` built in memory
/// and handed to the API's handler, with no listener and no socket. `.blocking` and `.deferred` work run on the
/// calling thread with a promise that hands the response back, awaited up to 30 s. The response is what the engine would
/// put on the wire: the handler's headers minus the engine-managed ones, then `Content-Length` and
/// `Connection: close`; no body for `HEAD`. (`Date` and `Server` are left out.)
package final class InProcessAPI: APIUnderTest {
    package let port: UInt16
    package let store: Store
    package let api: APIApplication
    package let directory: URL
    package let key: APIKeys.Created
    package let readKey: APIKeys.Created
    package let writeKey: APIKeys.Created
    private let handler: HTTPHandler
    /// The PostgreSQL database of the store with `WC_API_TEST_BACKEND=postgres` (``TestDatabase``), else nil.
    private let database: TestDatabase?

    /// Builds the API as ``LiveAPI`` does (same keys, same lowered password cost), with the public URL
    /// `http://127.0.0.1:<port>`.
    package init(port: UInt16 = 8080, passwordIterations: Int = 1_000, now: (@Sendable () -> Int64)? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-api-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = TestBackend.isPostgres ? try TestDatabase.make() : nil
        let store = try Store(location: database.map { .postgres(conninfo: $0.url) }
                              ?? .sqlite(path: directory.appendingPathComponent("store.sqlite").path))
        self.store = store
        (key, readKey, writeKey) = try store.writeAndWait { db in
            (try APIKeys.create(permissions: .readWrite, description: "test", now: 0, in: db),
             try APIKeys.create(permissions: .read, description: "test read", now: 0, in: db),
             try APIKeys.create(permissions: .write, description: "test write", now: 0, in: db))
        }
        var configuration = APIConfiguration(publicURL: "http://127.0.0.1:\(port)")
        configuration.passwordIterations = passwordIterations
        configuration.now = now ?? { Int64(Date().timeIntervalSince1970) }
        api = APIApplication(store: store, configuration: configuration)
        handler = api.handler
        self.port = port
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(at: directory)
        database?.drop()
    }

    package func exchange(_ method: String, _ target: String, headers: [(String, String)], body: [UInt8]) throws -> TestResponse {
        var request = HTTPRequest(method: HTTPMethod(method), target: target, headers: HTTPHeaders(headers), body: body)
        request.remoteAddress = "127.0.0.1"
        let response: HTTPResponse
        switch handler(request) {
        case .response(let ready): response = ready
        case .blocking(let start), .deferred(let start): response = try Self.await(start)
        }
        return Self.wire(response, head: method == "HEAD")
    }

    /// Starts deferred work with a promise that hands its response back, and waits for it.
    static func await(_ start: @Sendable (ResponsePromise) -> Void, timeout: Double = 30) throws -> HTTPResponse {
        let answered = DispatchSemaphore(value: 0)
        let box = Mutex<HTTPResponse?>(nil)
        start(ResponsePromise { response in
            box.withLock { $0 = response }
            answered.signal()
        })
        guard answered.wait(timeout: .now() + timeout) == .success, let response = box.withLock({ $0 }) else {
            throw RawClientError("deferred response not delivered in \(timeout) s")
        }
        return response
    }

    /// The response as a client reads it off the wire (see the type's comment).
    static func wire(_ response: HTTPResponse, head: Bool) -> TestResponse {
        let managed: Set<String> = ["date", "server", "connection", "content-length", "transfer-encoding"]
        var headers = response.headers.fields
            .filter { !managed.contains($0.name.lowercased()) }
            .map { (name: $0.name, value: $0.value) }
        let code = response.status.code
        let bodyAllowed = code >= 200 && code != 204 && code != 304
        if bodyAllowed { headers.append((name: "Content-Length", value: "\(response.body.count)")) }
        headers.append((name: "Connection", value: "close"))
        return TestResponse(status: code, reason: response.status.reason, headers: headers,
                            body: bodyAllowed && !head ? response.body : [])
    }
}
