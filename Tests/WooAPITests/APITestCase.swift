import Foundation
import HTTP
import Synchronization
import TestSupport
import WooAPI
import XCTest

/// Base class of the end-to-end endpoint tests: one API over a fresh store per test, plus request, JSON and
/// assertion helpers. Assertion helpers forward `file`/`line` so failures point at the test.
///
/// A suite runs against the live server (the default) or in process (`override class var mode`): the same test
/// body either way, as Hummingbird's `app.test(.router / .live)` allows. Tests that need the socket itself use
/// ``live``.
class APITestCase: XCTestCase {
    var api: (any APIUnderTest)!

    /// How this suite reaches the API.
    class var mode: APITestMode { .live }

    /// ``mode``, unless `WC_API_TEST_MODE=live` (or `in-process`) asks every suite to run one way, so the
    /// in-process suites can be run over the socket too.
    static var effectiveMode: APITestMode {
        switch ProcessInfo.processInfo.environment["WC_API_TEST_MODE"] {
        case "live": .live
        case "in-process": .inProcess
        default: mode
        }
    }

    /// The clock the API of each test starts with (nil: the real time); a suite that sets time overrides it, so
    /// setUp builds one API, not a default one and then its own.
    var apiClock: (@Sendable () -> Int64)? { nil }

    override func setUpWithError() throws {
        try super.setUpWithError()
        api = try makeAPI(now: apiClock)
    }

    /// A fresh API in this suite's mode; `now` replaces the clock.
    func makeAPI(now: (@Sendable () -> Int64)? = nil) throws -> any APIUnderTest {
        switch Self.effectiveMode {
        case .live: try LiveAPI(now: now)
        case .inProcess: try InProcessAPI(now: now)
        }
    }

    /// The live server, for tests of the socket itself (connections, restarts); only in `.live` suites.
    var live: LiveAPI {
        guard let live = api as? LiveAPI else { preconditionFailure("\(Self.self) runs in process; this test needs .live") }
        return live
    }

    override func tearDown() {
        api = nil
        super.tearDown()
    }

    /// `http://127.0.0.1:<port>`, the public URL of the server under test.
    var base: String { "http://127.0.0.1:\(api.port)" }

    // MARK: Requests

    /// Sends a request to `/wc-api/v2<path>`; `body` is a JSON object (serialized) or a `String` sent verbatim.
    func send(_ method: String, _ path: String, body: Any? = nil, headers: [(String, String)] = [],
              auth: APIKeys.Created? = nil, useDefaultAuth: Bool = true) throws -> TestResponse {
        var text: String?
        if let string = body as? String {
            text = string
        } else if let body {
            text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        }
        return try api.request(method, "/wc-api/v2" + path, json: text, headers: headers, auth: auth,
                               useDefaultAuth: useDefaultAuth)
    }

    /// GET `/wc-api/v2<path>` with the read/write key.
    func get(_ path: String) throws -> TestResponse { try send("GET", path) }

    /// Sends arbitrary body bytes (invalid UTF-8 and the like), authenticated with the read/write key.
    func sendBytes(_ method: String, _ path: String, _ body: [UInt8]) throws -> TestResponse {
        try api.exchange(method, "/wc-api/v2\(path)", headers: [
            ("Host", "127.0.0.1:\(api.port)"), ("Connection", "close"),
            ("Authorization", basic(api.key.consumerKey, api.key.consumerSecret)),
            ("Content-Type", "application/json"), ("Content-Length", "\(body.count)"),
        ], body: body)
    }

    /// An `Authorization: Basic` value.
    func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    // MARK: Fixtures

    /// The create body of the official docs (john.doe@example.com, full billing and shipping).
    static let docsCustomerJSON = """
        {"customer":{"email":"john.doe@example.com","first_name":"John","last_name":"Doe","username":"john.doe",\
        "billing_address":{"first_name":"John","last_name":"Doe","company":"","address_1":"969 Market",\
        "address_2":"","city":"San Francisco","state":"CA","postcode":"94103","country":"US",\
        "email":"john.doe@example.com","phone":"(555) 555-5555"},\
        "shipping_address":{"first_name":"John","last_name":"Doe","company":"","address_1":"969 Market",\
        "address_2":"","city":"San Francisco","state":"CA","postcode":"94103","country":"US"}}}
        """

    /// The docs' `customer` object as a dictionary.
    var docsCustomer: [String: Any] {
        let object = try! JSONSerialization.jsonObject(with: Data(Self.docsCustomerJSON.utf8)) as! [String: Any]
        return object["customer"] as! [String: Any]
    }

    static let billingKeys = ["first_name", "last_name", "company", "address_1", "address_2", "city", "state",
                              "postcode", "country", "email", "phone"]
    static let shippingKeys = ["first_name", "last_name", "company", "address_1", "address_2", "city", "state",
                               "postcode", "country"]
    static let customerKeys = ["id", "created_at", "email", "first_name", "last_name", "username", "role",
                               "last_order_id", "last_order_date", "orders_count", "total_spent", "avatar_url",
                               "billing_address", "shipping_address"]

    /// Creates the docs customer (id 2 in a fresh store) and returns it.
    @discardableResult
    func createDocsCustomer(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let response = try send("POST", "/customers", body: Self.docsCustomerJSON)
        XCTAssertEqual(response.status, 201, response.text, file: file, line: line)
        return try XCTUnwrap(try object(response)["customer"] as? [String: Any], file: file, line: line)
    }

    /// Creates `count` customers `<prefix>N@example.com` (N from 1) with only an email; returns their ids.
    @discardableResult
    func createCustomers(_ count: Int, prefix: String = "user") throws -> [Int] {
        try (0..<count).map { n in
            try XCTUnwrap(try api.createCustomer(["email": "\(prefix)\(n + 1)@example.com"])["id"] as? Int)
        }
    }

    // MARK: JSON

    /// The body as a JSON object.
    func object(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let value = try? response.json()
        return try XCTUnwrap(value as? [String: Any], "not a JSON object: \(response.text)", file: file, line: line)
    }

    /// `body[key]` as an object: `{"customer":{…}}`, `{"product":{…}}`.
    func member(_ response: TestResponse, _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try XCTUnwrap(try object(response, file: file, line: line)[key] as? [String: Any],
                      "no \(key) object: \(response.text)", file: file, line: line)
    }

    /// `body[key]` as a list of objects: `{"customers":[…]}`, `{"products":[…]}`.
    func members(_ response: TestResponse, _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try XCTUnwrap(try object(response, file: file, line: line)[key] as? [[String: Any]],
                      "no \(key) list: \(response.text)", file: file, line: line)
    }

    /// `body["customer"]`.
    func customer(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try member(response, "customer", file: file, line: line)
    }

    /// `body["customers"]`.
    func customers(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try members(response, "customers", file: file, line: line)
    }

    /// The ids of a list response, in order.
    func ids(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        try ids(response, "customers", file: file, line: line)
    }

    /// The ids of the list `body[key]`, in order (-1 for an element without an integer id).
    func ids(_ response: TestResponse, _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        try members(response, key, file: file, line: line).map { ($0["id"] as? Int) ?? -1 }
    }

    /// The raw JSON tokens of `body[key]`, asserting the body holds that key only.
    func orderedMember(_ response: TestResponse, _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> OrderedJSON {
        let json = try ordered(response, file: file, line: line)
        XCTAssertEqual(json.keys, [key], file: file, line: line)
        return try XCTUnwrap(json[key], file: file, line: line)
    }

    /// The body parsed keeping key order and raw scalar tokens.
    func ordered(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> OrderedJSON {
        try XCTUnwrap(OrderedJSON.parse(response.body), "invalid JSON: \(response.text)", file: file, line: line)
    }

    /// The body text with `\/` unescaped (escaping `/` is optional, decisions #20).
    func plainText(_ response: TestResponse) -> String { response.text.replacingOccurrences(of: "\\/", with: "/") }

    /// The MD5 avatar URL for an email (customers §3.4).
    func avatar(_ md5: String) -> String { "https://secure.gravatar.com/avatar/\(md5)?s=96&d=mm&r=g" }

    /// MD5 hex of a string (for avatar URLs), via `md5sum`-free pure Swift.
    static func md5(_ text: String) -> String {
        var message = Array(text.utf8)
        let length = UInt64(message.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for i in 0..<8 { message.append(UInt8((length >> (8 * UInt64(i))) & 0xFF)) }
        let s: [UInt32] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                           5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21,
                           6, 10, 15, 21, 6, 10, 15, 21]
        let k: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4294967296.0)) }
        var a0: UInt32 = 0x67452301, b0: UInt32 = 0xefcdab89, c0: UInt32 = 0x98badcfe, d0: UInt32 = 0x10325476
        for chunk in stride(from: 0, to: message.count, by: 64) {
            let m: [UInt32] = (0..<16).map { i in
                (0..<4).reduce(UInt32(0)) { $0 | UInt32(message[chunk + 4 * i + $1]) << (8 * UInt32($1)) }
            }
            var a = a0, b = b0, c = c0, d = d0
            for i in 0..<64 {
                var f: UInt32, g: Int
                switch i {
                case 0..<16: f = (b & c) | (~b & d); g = i
                case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
                case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
                default: f = c ^ (b | ~d); g = (7 * i) % 16
                }
                f = f &+ a &+ k[i] &+ m[g]
                a = d; d = c; c = b
                b = b &+ ((f << s[i]) | (f >> (32 - s[i])))
            }
            a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
        }
        return [a0, b0, c0, d0].flatMap { word in (0..<4).map { UInt8((word >> (8 * UInt32($0))) & 0xFF) } }
            .map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Assertions

    /// Asserts a standard v2 error envelope `{"errors":[{"code":…,"message":…}]}` with this status and code.
    func assertError(_ response: TestResponse, status: Int, code: String, message: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.status, status, "body: \(response.text)", file: file, line: line)
        XCTAssertEqual(response.header("Content-Type"), "application/json; charset=UTF-8", file: file, line: line)
        guard let object = (try? response.json()) as? [String: Any], object.count == 1,
              let errors = object["errors"] as? [[String: Any]], let first = errors.first else {
            return XCTFail("not an error envelope: \(response.text)", file: file, line: line)
        }
        XCTAssertEqual(errors.count, 1, response.text, file: file, line: line)
        XCTAssertEqual(first["code"] as? String, code, response.text, file: file, line: line)
        if let message { XCTAssertEqual(first["message"] as? String, message, file: file, line: line) }
        XCTAssertEqual(Set(first.keys), ["code", "message"], file: file, line: line)
    }

    /// Asserts a 200 JSON response (and returns it for chaining).
    @discardableResult
    func assertOK(_ response: TestResponse, status: Int = 200, file: StaticString = #filePath, line: UInt = #line) -> TestResponse {
        XCTAssertEqual(response.status, status, "body: \(response.text)", file: file, line: line)
        XCTAssertEqual(response.header("Content-Type"), "application/json; charset=UTF-8", file: file, line: line)
        return response
    }

    /// The `Link` header values, in order.
    func links(_ response: TestResponse) -> [String] { response.headerValues("Link") }

    /// A `Link` value for `/wc-api/v2/customers?<query>`.
    func link(_ query: String, _ rel: String) -> String { "<\(base)/wc-api/v2/customers?\(query)>; rel=\"\(rel)\"" }

    /// Asserts the number of customers `GET /customers/count` reports (default role filter).
    func assertCount(_ expected: Int, query: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        let response = try get("/customers/count" + query)
        XCTAssertEqual(response.status, 200, response.text, file: file, line: line)
        XCTAssertEqual(response.text, "{\"count\":\(expected)}", file: file, line: line)
    }
}

/// A clock tests can set, for deterministic `created_at`.
final class TestClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64) { value = Mutex(start) }
    var now: Int64 {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
    var function: @Sendable () -> Int64 { { [self] in self.now } }
}

/// A JSON value that keeps object key order and each scalar's raw token (`"text"` with quotes, `0`, `null`).
indirect enum OrderedJSON: Equatable {
    case object(keys: [String], values: [String: OrderedJSON])
    case array([OrderedJSON])
    case scalar(String)

    var keys: [String] { if case .object(let keys, _) = self { keys } else { [] } }
    subscript(key: String) -> OrderedJSON? { if case .object(_, let values) = self { values[key] } else { nil } }
    subscript(index: Int) -> OrderedJSON? {
        if case .array(let items) = self, items.indices.contains(index) { items[index] } else { nil }
    }
    var raw: String? { if case .scalar(let token) = self { token } else { nil } }

    static func parse(_ bytes: [UInt8]) -> OrderedJSON? {
        var index = 0
        guard let value = parseValue(bytes, &index) else { return nil }
        skipSpace(bytes, &index)
        return index == bytes.count ? value : nil
    }

    private static func skipSpace(_ b: [UInt8], _ i: inout Int) {
        while i < b.count, [0x20, 0x09, 0x0A, 0x0D].contains(b[i]) { i += 1 }
    }

    private static func parseValue(_ b: [UInt8], _ i: inout Int) -> OrderedJSON? {
        skipSpace(b, &i)
        guard i < b.count else { return nil }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var keys: [String] = [], values: [String: OrderedJSON] = [:]
            skipSpace(b, &i)
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(keys: [], values: [:]) }
            while true {
                skipSpace(b, &i)
                guard let token = stringToken(b, &i),
                      let key = (try? JSONSerialization.jsonObject(with: Data(token.utf8), options: .fragmentsAllowed)) as? String
                else { return nil }
                skipSpace(b, &i)
                guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                guard let value = parseValue(b, &i) else { return nil }
                keys.append(key)
                values[key] = value
                skipSpace(b, &i)
                guard i < b.count else { return nil }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(keys: keys, values: values) }
                return nil
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [OrderedJSON] = []
            skipSpace(b, &i)
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
            while true {
                guard let value = parseValue(b, &i) else { return nil }
                items.append(value)
                skipSpace(b, &i)
                guard i < b.count else { return nil }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                return nil
            }
        case UInt8(ascii: "\""):
            return stringToken(b, &i).map { .scalar($0) }
        default:
            let start = i
            while i < b.count, !",}] \t\r\n".utf8.contains(b[i]) { i += 1 }
            return i > start ? .scalar(String(decoding: b[start..<i], as: UTF8.self)) : nil
        }
    }

    private static func stringToken(_ b: [UInt8], _ i: inout Int) -> String? {
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
        let start = i
        i += 1
        while i < b.count {
            if b[i] == UInt8(ascii: "\\") { i += 2; continue }
            if b[i] == UInt8(ascii: "\"") { i += 1; return String(decoding: b[start..<i], as: UTF8.self) }
            i += 1
        }
        return nil
    }
}
