import Dispatch
import Foundation
import Glibc
import HTTP
import Synchronization
import TestSupport
import XCTest

/// Echoes what it received: `METHOD path?query` then the body. `/slow` blocks 300 ms on the blocking pool.
/// `/headers` echoes every header field as received, one per line, then every `accept` value.
let echoHandler: HTTPHandler = { request in
    if request.path == "/headers" {
        let fields = request.headers.map { "\($0.name): \($0.value)\n" }.joined()
        return .response(HTTPResponse(status: .ok, body: Array((fields + "accept=" + request.headers.values("accept").joined(separator: ",")).utf8)))
    }
    if request.path == "/slow" {
        return .blockingResponse {
            usleep(300_000)
            return HTTPResponse(status: .ok, contentType: "text/plain", body: "slow")
        }
    }
    if request.path == "/slower" {
        return .blockingResponse {
            usleep(1_000_000)
            return HTTPResponse(status: .ok, contentType: "text/plain", body: "slower")
        }
    }
    if request.path == "/close" {
        return .response(HTTPResponse(status: .ok, headers: ["Connection": "close"], body: Array("bye".utf8)))
    }
    if request.path == "/big" {
        return .response(HTTPResponse(status: .ok, body: [UInt8](repeating: 0x61, count: 8 << 20)))
    }
    var text = "\(request.method.rawValue) \(request.path)"
    if let query = request.query { text += "?\(query)" }
    return .response(HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array(text.utf8) + request.body))
}

/// A socket's kernel TCP state: the first field of `TCP_INFO`, `tcpi_state` (7 = CLOSE, 8 = CLOSE_WAIT).
private func tcpState(_ descriptor: Int32) -> UInt8 {
    var info = [UInt8](repeating: 0, count: 256)
    var length = socklen_t(info.count)
    guard getsockopt(descriptor, Int32(IPPROTO_TCP), TCP_INFO, &info, &length) == 0 else { return 0 }
    return info[0]
}

final class ServerTests: XCTestCase {
    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            for index in 0..<3 {
                try client.send("GET /n/\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try client.readResponse()
                XCTAssertEqual(response.status, 200)
                XCTAssertEqual(response.text, "GET /n/\(index)")
                XCTAssertNil(response.header("Connection"))
            }
        }
    }

    func testEveryResponseHasContentLengthDateAndServer() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.header("Content-Length"), "10")
            XCTAssertEqual(response.text, "GET /a?b=c")
            XCTAssertNotNil(response.header("Date").flatMap { $0.hasSuffix(" GMT") ? $0 : nil })
            XCTAssertEqual(response.header("Server"), "wc-api-server")
        }
    }

    func testHTTP10ClosesUnlessKeepAliveIsAsked() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let plain = try RawClient(port: port)
            try plain.send("GET /a HTTP/1.0\r\n\r\n")
            let first = try plain.readResponse()
            XCTAssertEqual(first.status, 200)
            XCTAssertEqual(first.header("Connection"), "close")
            XCTAssertTrue(plain.isClosedByServer())

            let kept = try RawClient(port: port)
            try kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            XCTAssertEqual(try kept.readResponse().header("Connection"), "keep-alive")
            try kept.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            XCTAssertEqual(try kept.readResponse().text, "GET /b")
        }
    }

    func testConnectionCloseFromClientIsHonoured() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.header("Connection"), "close")
            XCTAssertTrue(client.isClosedByServer())
        }
    }

    func testConnectionCloseFromHandlerIsHonoured() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /close HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.text, "bye")
            XCTAssertEqual(response.headerValues("Connection"), ["close"])
            XCTAssertTrue(client.isClosedByServer())
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send(
                "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody"
                    + "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /4 HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().text, "GET /1")
            XCTAssertEqual(try client.readResponse().text, "POST /2body")
            XCTAssertEqual(try client.readResponse().text, "slow")
            XCTAssertEqual(try client.readResponse().text, "GET /4")
        }
    }

    func testExpectContinueSendsInterimResponseBeforeBody() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            XCTAssertEqual(interim.status, 100)
            try client.send("hello")
            let final = try client.readResponse()
            XCTAssertEqual(final.status, 200)
            XCTAssertEqual(final.text, "PUT /uphello")
        }
    }

    func testExpectContinueWithOversizedBodyGets413WithoutContinue() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 413)
            XCTAssertEqual(response.header("Connection"), "close")
        }
    }

    func testHeadHasGetHeadersAndNoBody() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /same HTTP/1.1\r\nHost: x\r\n\r\n")
            let get = try client.readResponse()
            try client.send("HEAD /same HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try client.readResponse(head: true)
            XCTAssertEqual(head.status, 200)
            XCTAssertEqual(head.header("Content-Length"), String("HEAD /same".utf8.count))
            XCTAssertEqual(get.header("Content-Type"), head.header("Content-Type"))
            // No body bytes may follow: the next response must start right away.
            try client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().text, "GET /next")
        }
    }

    func testChunkedRequestBodyIsDecoded() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: y\r\n\r\n")
            XCTAssertEqual(try client.readResponse().text, "POST /cWikipedia")
        }
    }

    func testAbsoluteFormTargetIsServedByItsPath() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET http://example.com:8080/a/b?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "GET /a/b?x=1")
            XCTAssertNil(response.header("Connection"))
        }
    }

    func testRepeatedHeadersReachTheHandlerInOrder() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /headers HTTP/1.1\r\nHost: x\r\nAccept: a\r\nX-Other: 1\r\naccept: b\r\nACCEPT: c\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "Host: x\nAccept: a\nX-Other: 1\naccept: b\nACCEPT: c\naccept=a,b,c")
        }
    }

    func testHigherHTTP1MinorVersionIsServedAsHTTP11() throws {
        try withLiveServer(handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            for index in 0..<2 {
                try client.send("GET /v\(index) HTTP/1.7\r\nHost: x\r\n\r\n")
                let response = try client.readResponse()  // RawClient insists on an `HTTP/1.1` status line
                XCTAssertEqual(response.status, 200)
                XCTAssertEqual(response.text, "GET /v\(index)")
                XCTAssertNil(response.header("Connection"), "persistent by default, as 1.1")
            }
        }
    }

    // MARK: Errors

    /// An application's own error envelope, to check the engine answers its errors with it.
    static let applicationErrorResponder: HTTPErrorResponder = { status, message in
        HTTPResponse(status: status, contentType: "application/json",
                     body: "{\"errors\":[{\"code\":\"http_\(status.code)\",\"message\":\"\(message)\"}]}")
    }

    private func assertRefused(
        _ request: String, status: Int, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var configuration = makeTestConfiguration()
        configuration.errorResponder = Self.applicationErrorResponder
        try withLiveServer(configuration, handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send(request)
            let response = try client.readResponse()
            XCTAssertEqual(response.status, status, file: file, line: line)
            XCTAssertEqual(response.header("Connection"), "close", file: file, line: line)
            XCTAssertTrue(response.text.hasPrefix("{\"errors\":[{\"code\":\"http_\(status)\""), response.text, file: file, line: line)
            XCTAssertTrue(client.isClosedByServer(), "connection should close", file: file, line: line)
        }
    }

    func testMalformedRequestLineIs400() throws {
        try assertRefused("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", status: 400)
    }

    func testHTTP09StyleRequestIs400() throws {
        try assertRefused("GET /\r\n\r\n", status: 400)
    }

    func testLongRequestLineIs414() throws {
        try assertRefused("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", status: 414)
    }

    func testLargeHeaderSectionIs431() throws {
        let headers = (0..<40).map { "X-H\($0): \(String(repeating: "v", count: 1000))\r\n" }.joined()
        try assertRefused("GET / HTTP/1.1\r\nHost: x\r\n\(headers)\r\n", status: 431)
    }

    func testTooManyHeaderFieldsIs431() throws {
        let headers = (0..<200).map { "X-H\($0): v\r\n" }.joined()  // with Host, one past the default 200
        try assertRefused("GET / HTTP/1.1\r\nHost: x\r\n\(headers)\r\n", status: 431)
    }

    func testOversizedBodyIs413WithoutReadingIt() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\npartial", status: 413)
    }

    func testUnsupportedTransferEncodingIs501() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", status: 501)
    }

    func testTransferEncodingWithContentLengthIs400() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", status: 400)
    }

    func testDifferingContentLengthsAre400() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", status: 400)
    }

    func testBadChunkSizeIs400() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", status: 400)
    }

    func testHTTP2VersionIs505() throws {
        try assertRefused("GET / HTTP/2.0\r\nHost: x\r\n\r\n", status: 505)
    }

    func testMissingHostIs400() throws {
        try assertRefused("GET / HTTP/1.1\r\n\r\n", status: 400)
    }

    func testBareCRInHeaderIs400() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", status: 400)
    }

    func testNULInHeaderIs400() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u{0}b\r\n\r\n", status: 400)
    }

    func testWhitespaceBeforeColonIs400() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost : x\r\n\r\n", status: 400)
    }

    func testObsFoldIs400() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\n\r\n", status: 400)
    }

    func testOverlongChunkExtensionIs400() throws {
        let extensions = ";e=" + String(repeating: "x", count: 5000)
        try assertRefused(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\(extensions)\r\nhello\r\n0\r\n\r\n", status: 400)
    }

    func testTwoHostHeadersAre400() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", status: 400)
    }

    func testInvalidHostIs400() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", status: 400)
    }

    func testUnknownMethodIs501() throws {
        try assertRefused("BREW / HTTP/1.1\r\nHost: x\r\n\r\n", status: 501)
    }

    func testUnknownMethodReachesHandlerWhenAllowed() throws {
        let configuration = makeTestConfiguration { $0.limits.allowedMethods = nil }
        try withLiveServer(configuration, handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().text, "BREW /pot")
        }
    }

    // MARK: Limits and timeouts
    //
    // The timing rules (request deadline, silent and idle connections, pipelining, write timeout, lingering,
    // shutdown) are pinned on a hand-moved clock in ConnectionStateMachineTests; what stays here is one live smoke
    // test per rule family, to show the event loop carries the machine's actions out over real sockets.

    /// Request deadline, live: a header trickle is answered 408 in the application's envelope, then closed.
    func testSlowHeadersAreCutOffAtTheRequestDeadline() throws {
        var configuration = makeTestConfiguration { $0.requestTimeout = .milliseconds(400) }
        configuration.errorResponder = Self.applicationErrorResponder
        try withLiveServer(configuration, handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            let started = Date()
            // Trickle a header byte every 100 ms: each read is recent, but the whole request is late.
            for byte in Array("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8) + Array(repeating: 0x61, count: 20) {
                if client.hasDataAvailable() || (try? client.send([byte])) == nil { break }
                usleep(100_000)
            }
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 408)
            XCTAssertEqual(response.header("Connection"), "close")
            XCTAssertLessThan(Date().timeIntervalSince(started), 0.8)
            XCTAssertEqual(response.header("Content-Type"), "application/json")
            XCTAssertTrue(response.text.hasPrefix("{\"errors\":[{\"code\":\"http_408\""), response.text)
            XCTAssertTrue(client.isClosedByServer())
        }
    }

    /// Write timeout, live.
    func testClientThatNeverReadsIsClosedAtTheWriteDeadline() throws {
        let configuration = makeTestConfiguration { $0.writeTimeout = .milliseconds(300) }
        try withLiveServer(configuration, handler: echoHandler) { server, port in
            let client = try RawClient(port: port)
            var small: Int32 = 4096
            setsockopt(client.descriptor, SOL_SOCKET, SO_RCVBUF, &small, 4)
            try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            // The accept may not have happened yet: first see the connection open, then see it closed.
            let opened = Date().addingTimeInterval(2)
            while server.openConnections == 0 && Date() < opened { usleep(5_000) }
            XCTAssertEqual(server.openConnections, 1)
            let deadline = Date().addingTimeInterval(3)
            while server.openConnections > 0 && Date() < deadline { usleep(20_000) }
            XCTAssertEqual(server.openConnections, 0)
        }
    }

    func testConnectionsPastTheLimitGet503() throws {
        let configuration = makeTestConfiguration { $0.maxConnections = 3 }
        try withLiveServer(configuration, handler: echoHandler) { server, port in
            let held = try (0..<3).map { _ in try RawClient(port: port) }
            for client in held {
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                XCTAssertEqual(try client.readResponse().status, 200)
            }
            let extra = try RawClient(port: port)
            let refused = try extra.readResponse()
            XCTAssertEqual(refused.status, 503)
            XCTAssertEqual(refused.header("Connection"), "close")
            XCTAssertEqual(server.openConnections, 3)
        }
    }

    func testConnectionsPastTheLimitAreRefusedWith503AndACleanClose() throws {
        var configuration = makeTestConfiguration {
            $0.maxConnections = 1
            $0.eventLoops = 1
        }
        configuration.errorResponder = Self.applicationErrorResponder
        let handler: HTTPHandler = { request in
            // Holds the only loop, so the next client's request is already queued when its connection is accepted.
            if request.path == "/stall" { usleep(300_000) }
            return echoHandler(request)
        }
        try withLiveServer(configuration, handler: handler) { server, port in
            let held = try RawClient(port: port)
            try held.send("GET /stall HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(100_000)
            let extra = try RawClient(port: port)
            try extra.send("GET /refused HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try held.readResponse().text, "GET /stall")
            let refused = try extra.readResponse()
            XCTAssertEqual(refused.status, 503)
            XCTAssertEqual(refused.header("Connection"), "close")
            XCTAssertTrue(refused.text.hasPrefix("{\"errors\":[{\"code\":\"http_503\""), refused.text)
            XCTAssertEqual(extra.unreadBytes, [])
            // End of stream, and no reset after it: a server closing with the request unread sends RST, which
            // off loopback can destroy the 503 still in flight. `recv` hides a reset that follows the FIN; the
            // socket state does not: CLOSE_WAIT after a FIN alone, CLOSE after a reset.
            var byte: UInt8 = 0
            let result = recv(extra.descriptor, &byte, 1, 0)
            let error = result < 0 ? errno : 0
            XCTAssertEqual(result, 0, "expected end of stream, got \(String(cString: strerror(error)))")
            usleep(20_000)
            XCTAssertEqual(tcpState(extra.descriptor), 8, "TCP_CLOSE_WAIT (8), not TCP_CLOSE (7, reset)")
            XCTAssertEqual(server.openConnections, 1)
        }
    }

    func testThousandIdleConnectionsDoNotDelayAFreshClient() throws {
        try withLiveServer(handler: echoHandler) { server, port in
            var idle: [RawClient] = []
            for _ in 0..<1000 {
                let client = try RawClient(port: port)
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                idle.append(client)
            }
            for client in idle { XCTAssertEqual(try client.readResponse().status, 200) }
            XCTAssertEqual(server.openConnections, 1000)
            let started = Date()
            let fresh = try RawClient(port: port)
            try fresh.send("GET /fresh HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try fresh.readResponse().text, "GET /fresh")
            XCTAssertLessThan(Date().timeIntervalSince(started), 1.0)
        }
    }

    func testBlockingWorkDoesNotStallOtherConnections() throws {
        let configuration = makeTestConfiguration { $0.eventLoops = 1 }
        try withLiveServer(configuration, handler: echoHandler) { _, port in
            let slow = try RawClient(port: port)
            try slow.send("GET /slower HTTP/1.1\r\nHost: x\r\n\r\n")
            let started = Date()
            let fast = try RawClient(port: port)
            try fast.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try fast.readResponse().text, "GET /fast")
            // Served while the other request still blocks (1 s) on the pool, on the same single loop.
            XCTAssertLessThan(Date().timeIntervalSince(started), 0.5)
            XCTAssertEqual(try slow.readResponse().text, "slower")
        }
    }

    /// A deferred response made by the loop: the promise is fulfilled on another thread, the response is made on the
    /// connection's I/O thread (the one that called the handler), once; a second fulfilment is ignored.
    func testProducedResponseIsMadeOnTheConnectionsLoop() throws {
        let made = Mutex<[(handler: pthread_t, maker: pthread_t)]>([])
        let fulfilled = DispatchSemaphore(value: 0)
        let configuration = makeTestConfiguration { $0.eventLoops = 1 }
        let handler: HTTPHandler = { request in
            let handlerThread = pthread_self()
            return .deferred { promise in
                Thread.detachNewThread {
                    promise.succeed(producing: {
                        made.withLock { $0.append((handlerThread, pthread_self())) }
                        return HTTPResponse(status: .ok, contentType: "text/plain", body: "made " + request.path)
                    })
                    promise.succeed(HTTPResponse(status: .internalServerError))  // ignored: already fulfilled
                    fulfilled.signal()
                }
            }
        }
        try withLiveServer(configuration, handler: handler) { _, port in
            let client = try RawClient(port: port)
            for path in ["/one", "/two"] {
                try client.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try client.readResponse()
                XCTAssertEqual(response.status, 200)
                XCTAssertEqual(response.text, "made " + path)
                XCTAssertEqual(fulfilled.wait(timeout: .now() + 2), .success)
            }
        }
        let calls = made.withLock { $0 }
        XCTAssertEqual(calls.count, 2)
        for call in calls { XCTAssertNotEqual(pthread_equal(call.handler, call.maker), 0, "made on the handler's loop") }
    }

    /// `resume`: a handler that waited for something goes on where it left off, on its connection's loop, with
    /// any result — a response, more deferred work, blocking work — and pipelined requests behind it wait their turn.
    func testResumedRequestGoesOnOnTheConnectionsLoop() throws {
        let threads = Mutex<[(handler: pthread_t, resumed: pthread_t)]>([])
        let configuration = makeTestConfiguration { $0.eventLoops = 1 }
        let handler: HTTPHandler = { request in
            let handlerThread = pthread_self()
            return .deferred { promise in
                Thread.detachNewThread {
                    promise.resume {
                        threads.withLock { $0.append((handlerThread, pthread_self())) }
                        switch request.path {
                        case "/now":
                            return .response(HTTPResponse(status: .ok, contentType: "text/plain", body: "now"))
                        case "/deferred":
                            return .deferred { next in
                                Thread.detachNewThread {
                                    next.succeed(HTTPResponse(status: .created, contentType: "text/plain", body: "later"))
                                }
                            }
                        default:
                            return .blockingResponse { HTTPResponse(status: .accepted, contentType: "text/plain", body: "pool") }
                        }
                    }
                    promise.succeed(HTTPResponse(status: .internalServerError))  // ignored: already resumed
                }
            }
        }
        try withLiveServer(configuration, handler: handler) { _, port in
            let client = try RawClient(port: port)
            // Pipelined: each answer comes in order, after the one before it resumed.
            try client.send("GET /now HTTP/1.1\r\nHost: x\r\n\r\nGET /deferred HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "GET /blocking HTTP/1.1\r\nHost: x\r\n\r\n")
            for (status, text) in [(200, "now"), (201, "later"), (202, "pool")] {
                let response = try client.readResponse()
                XCTAssertEqual(response.status, status)
                XCTAssertEqual(response.text, text)
            }
        }
        let calls = threads.withLock { $0 }
        XCTAssertEqual(calls.count, 3)
        for call in calls { XCTAssertNotEqual(pthread_equal(call.handler, call.resumed), 0, "resumed on the handler's loop") }
    }

    /// Without a server (a handler called in-process), a resumed request's result is run on the spot.
    func testResumeWithoutAServerRunsTheNextStep() {
        let delivered = Mutex<[Int]>([])
        let promise = ResponsePromise { response in delivered.withLock { $0.append(response.status.code) } }
        promise.resume { .deferred { next in next.succeed(HTTPResponse(status: .created)) } }
        promise.resume { .response(HTTPResponse(status: .internalServerError)) }  // ignored
        XCTAssertEqual(delivered.withLock { $0 }, [201])
    }

    /// `reusePort`: two servers listen on one port and the kernel spreads new connections between them; without it
    /// the second cannot bind.
    func testServersWithReusePortShareOnePort() throws {
        func server(_ name: String, port: UInt16, reusePort: Bool) -> HTTPServer {
            let configuration = makeTestConfiguration {
                $0.port = port
                $0.reusePort = reusePort
                $0.eventLoops = 1
            }
            return HTTPServer(configuration: configuration) { _ in
                .response(HTTPResponse(status: .ok, contentType: "text/plain", body: name))
            }
        }
        let first = server("first", port: 0, reusePort: true)
        let port = try first.start()
        defer { first.shutdown(gracePeriod: .seconds(1)); first.waitUntilStopped() }
        XCTAssertThrowsError(try server("refused", port: port, reusePort: false).start(), "a taken port without reusePort")
        let second = server("second", port: port, reusePort: true)
        XCTAssertEqual(try second.start(), port)
        defer { second.shutdown(gracePeriod: .seconds(1)); second.waitUntilStopped() }
        var answeredBy = Set<String>()
        for _ in 0..<64 {
            let client = try RawClient(port: port)  // a new connection (and source port) each time
            try client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answeredBy.insert(try client.readResponse().text)
        }
        XCTAssertEqual(answeredBy, ["first", "second"], "64 connections all went to one server")
    }

    /// Shutdown, live: idle connections close, the request in flight is answered with `Connection: close`.
    func testGracefulShutdownFinishesTheRequestInFlight() throws {
        let server = HTTPServer(configuration: makeTestConfiguration(), handler: echoHandler)
        let port = try server.start()
        let idle = try RawClient(port: port)
        try idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try idle.readResponse().status, 200)
        let busy = try RawClient(port: port)
        try busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(50_000)
        server.shutdown(gracePeriod: .seconds(5))
        let response = try busy.readResponse()
        XCTAssertEqual(response.text, "slow")
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(idle.isClosedByServer())
        server.waitUntilStopped()
        XCTAssertThrowsError(try RawClient(port: port), "the listener is closed")
    }

    /// Shutdown deadline, live: the loops close everything and the stuck blocking job is abandoned.
    func testShutdownDeadlineBoundsHandlersThatNeverFinish() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let server = HTTPServer(configuration: makeTestConfiguration()) { request in
            if request.path == "/stuck" {
                return .blockingResponse {
                    entered.signal()
                    release.wait()
                    return HTTPResponse(status: .ok)
                }
            }
            return .deferred { _ in entered.signal() }  // the promise is never fulfilled
        }
        defer { release.signal() }  // lets the abandoned pool thread end after the test
        let port = try server.start()
        let stuck = try RawClient(port: port)
        try stuck.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        let forgotten = try RawClient(port: port)
        try forgotten.send("GET /forgotten HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(entered.wait(timeout: .now() + 2), .success)
        XCTAssertEqual(entered.wait(timeout: .now() + 2), .success)

        let started = Date()
        server.shutdown(gracePeriod: .milliseconds(300))
        let stopped = DispatchSemaphore(value: 0), abandoned = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            if !server.waitUntilStopped() { abandoned.signal() }
            stopped.signal()
        }
        XCTAssertEqual(stopped.wait(timeout: .now() + 3), .success, "waitUntilStopped must return at the deadline")
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThan(elapsed, 0.25)
        XCTAssertLessThan(elapsed, 1.5)
        XCTAssertEqual(abandoned.wait(timeout: .now()), .success, "the stuck blocking job is reported as abandoned")
        XCTAssertTrue(stuck.isClosedByServer())
        XCTAssertTrue(forgotten.isClosedByServer())
    }

    func testAccessLogOffWritesNothing() throws {
        let lines = LineCollector()
        let configuration = makeTestConfiguration {
            $0.accessLog = false
            $0.accessLogSink = lines.sink
        }
        try withLiveServer(configuration, handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /unlogged HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
            try client.send("BAD\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 400)
        }
        XCTAssertEqual(lines.all, [])
    }

    func testAccessLogHasOneLinePerRequestWithoutQuery() throws {
        let lines = LineCollector()
        let configuration = makeTestConfiguration {
            $0.accessLog = true
            $0.accessLogSink = lines.sink
        }
        try withLiveServer(configuration, handler: echoHandler) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /logged?consumer_secret=cs_secret HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try client.readResponse()
        }
        XCTAssertEqual(lines.all.count, 1)
        let fields = lines.all[0].split(separator: " ").map(String.init)
        XCTAssertEqual(fields.count, 6, lines.all[0])
        XCTAssertTrue(fields[0].hasSuffix("Z"))
        XCTAssertEqual(Array(fields[1...4]), ["GET", "/logged", "200", String("GET /logged?consumer_secret=cs_secret".utf8.count)])
        XCTAssertTrue(fields[5].hasSuffix("ms"))
        XCTAssertFalse(lines.all[0].contains("cs_secret"))
    }
}
