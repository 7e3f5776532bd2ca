import Foundation
import HTTP
import TestSupport
import XCTest

/// Bytes that cannot start a request are refused at once, in the application's envelope, with a telling log line.
final class ServerRefusalTests: XCTestCase {
    /// Sends `bytes` with a long request deadline and checks a 400 in the application's envelope arrives well before
    /// it, the connection closes, and the access-log line ends with `note` in quotes.
    private func assertRefusedAtOnce(
        _ bytes: [UInt8], note: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let lines = LineCollector()
        var configuration = makeTestConfiguration {
            $0.requestTimeout = .seconds(5)
            $0.accessLog = true
            $0.accessLogSink = lines.sink
        }
        configuration.errorResponder = ServerTests.applicationErrorResponder
        try withLiveServer(configuration, handler: echoHandler) { _, port in
            let client = try RawClient(port: port, timeout: 3)
            let started = Date()
            try client.send(bytes)
            let response = try client.readResponse()
            let elapsed = Date().timeIntervalSince(started)
            XCTAssertLessThan(elapsed, 1.0, "answered at once, not at the deadline", file: file, line: line)
            XCTAssertEqual(response.status, 400, file: file, line: line)
            XCTAssertEqual(response.header("Connection"), "close", file: file, line: line)
            let envelope = "{\"errors\":[{\"code\":\"http_400\""
            XCTAssertTrue(response.text.hasPrefix(envelope), response.text, file: file, line: line)
            XCTAssertTrue(client.isClosedByServer(), "connection should close", file: file, line: line)
        }
        XCTAssertEqual(lines.all.count, 1, "\(lines.all)", file: file, line: line)
        guard let logLine = lines.all.first else { return }
        let fields = logLine.split(separator: " ", maxSplits: 6).map(String.init)
        XCTAssertEqual(fields.count, 7, logLine, file: file, line: line)
        XCTAssertEqual(Array(fields.dropFirst().prefix(3)), ["-", "-", "400"], logLine, file: file, line: line)
        XCTAssertEqual(fields.last, "\"\(note)\"", logLine, file: file, line: line)
        XCTAssertTrue(logLine.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "printable ASCII", file: file, line: line)
    }

    func testTLSClientHelloOnThePlainPortIsRefusedAtOnceAndLoggedAsSuch() throws {
        try assertRefusedAtOnce(RequestLineStartTests.clientHello, note: "TLS handshake on a plain HTTP port.")
    }

    func testNULBeforeTheRequestLineIsRefusedAtOnce() throws {
        try assertRefusedAtOnce(Array("\u{0}GET / HTTP/1.1".utf8), note: "Byte 0x00 cannot start a request line.")
    }

    func testControlByteInTheMethodIsRefusedAtOnce() throws {
        let partialLine = Array("GE\u{1}T / HTTP/1.1".utf8)
        try assertRefusedAtOnce(partialLine, note: "Byte 0x01 cannot be part of a request method.")
    }
}
