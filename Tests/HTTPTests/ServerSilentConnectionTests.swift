import Foundation
import HTTP
import TestSupport
import XCTest

/// A connection earns the keep-alive idle time with a completed response; before that the request deadline rules.
/// The rules are pinned on a hand-moved clock in ConnectionStateMachineTests; these are their live smoke tests.
final class ServerSilentConnectionTests: XCTestCase {
    /// Silent connection, live: closed at the request deadline with no answer and no access-log line.
    func testConnectionThatSendsNothingIsClosedSilentlyAtTheRequestDeadline() throws {
        let lines = LineCollector()
        let configuration = makeTestConfiguration {
            $0.requestTimeout = .milliseconds(300)
            $0.idleTimeout = .seconds(30)
            $0.accessLog = true
            $0.accessLogSink = lines.sink
        }
        try withLiveServer(configuration, handler: echoHandler) { server, port in
            let started = Date()
            let client = try RawClient(port: port, timeout: 3)
            XCTAssertTrue(client.isClosedByServer(), "closed with no byte sent: there is no request to answer")
            let elapsed = Date().timeIntervalSince(started)
            XCTAssertGreaterThan(elapsed, 0.25)
            XCTAssertLessThan(elapsed, 5.0, "the request deadline, not the 30 s idle time")
            // The count drops just after the close the client saw.
            let counted = Date().addingTimeInterval(1)
            while server.openConnections > 0 && Date() < counted { usleep(2_000) }
            XCTAssertEqual(server.openConnections, 0)
        }
        XCTAssertEqual(lines.all, [], "no request, no access-log line")
    }

    /// Idle keep-alive, live: after a response the idle time rules, not the request deadline.
    func testKeepAliveConnectionIsClosedAtTheIdleTimeoutNotTheRequestDeadline() throws {
        let configuration = makeTestConfiguration {
            $0.requestTimeout = .milliseconds(200)
            $0.idleTimeout = .milliseconds(900)
        }
        try withLiveServer(configuration, handler: echoHandler) { _, port in
            let client = try RawClient(port: port, timeout: 3)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
            let started = Date()
            XCTAssertTrue(client.isClosedByServer())
            let elapsed = Date().timeIntervalSince(started)
            XCTAssertGreaterThan(elapsed, 0.8, "not at the 200 ms request deadline")
            XCTAssertLessThan(elapsed, 5.0, "the 0.9 s idle time, with room for a loaded machine")
        }
    }

    func testLeadingEmptyLinesStillPrecedeARequest() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("\r\n")
            try client.send("\r\nGET /after-empty-lines HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().text, "GET /after-empty-lines")
        }
    }
}
