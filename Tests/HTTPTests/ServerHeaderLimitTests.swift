import HTTP
import TestSupport
import XCTest

/// The header section is limited by bytes (32 KiB) and by a field count high enough for real traffic (200).
final class ServerHeaderLimitTests: XCTestCase {
    func testHundredCustomFieldsPlusTheUsualOnesAreServed() throws {
        let usual = [
            "Host: shop.example.com",
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0",
            "Accept: application/json, text/plain, */*",
            "Accept-Language: en-GB,en;q=0.9",
            "Accept-Encoding: gzip, deflate, br",
            "Authorization: Basic Y2tfMTIzOmNzXzQ1Ng==",
            "Content-Type: application/json",
            "Content-Length: 2",
            "Connection: keep-alive",
            "Cookie: session=abc",
            "Traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "X-Forwarded-For: 203.0.113.7",
        ]
        let custom = (0..<100).map { "X-Custom-Field-\($0): value-\($0)-\(String(repeating: "v", count: 40))" }
        let head = (["POST /many-fields HTTP/1.1"] + usual + custom).map { $0 + "\r\n" }.joined() + "\r\n"
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send(head + "{}")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "POST /many-fields{}")
            XCTAssertNil(response.header("Connection"), "kept alive")
        }
    }

    func testHeaderFieldCountLimitIsConfigurable() throws {
        let configuration = makeTestConfiguration { $0.limits.maxHeaderCount = 5 }
        try withLiveServer(configuration, handler: echoHandler) { _, port in
            let five = try RawClient(port: port)
            try five.send("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")
            XCTAssertEqual(try five.readResponse().status, 200)
            let six = try RawClient(port: port)
            try six.send("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n")
            let refused = try six.readResponse()
            XCTAssertEqual(refused.status, 431)
            XCTAssertEqual(refused.header("Connection"), "close")
        }
    }

    func testFewFieldsOverTheByteLimitAreStill431() throws {
        // 33 fields, far under the count limit, but over the unchanged 32 KiB header section.
        let headers = (0..<33).map { "X-H\($0): \(String(repeating: "v", count: 1000))\r\n" }.joined()
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\(headers)\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 431)
            XCTAssertEqual(response.header("Connection"), "close")
        }
    }
}
