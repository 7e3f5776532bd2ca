import HTTP
import XCTest

/// RFC 9112 request parsing. Every input goes through ``ParserVerifier``, which also checks that feeding it all at
/// once, byte by byte and split in two anywhere gives the same result.
final class RequestParserTests: XCTestCase {
    private typealias Field = ParserVerifier.Field

    /// Default limits, adjusted.
    private func limits(_ configure: (inout ParserLimits) -> Void) -> ParserLimits {
        var limits = ParserLimits()
        configure(&limits)
        return limits
    }

    /// A request head with `Host: example.com` first, then `headers`, each line ending in CRLF.
    private func head(_ requestLine: String, _ headers: [String] = []) -> String {
        (["\(requestLine)", "Host: example.com"] + headers).map { $0 + "\r\n" }.joined() + "\r\n"
    }

    // MARK: Request line and target

    func testSimpleGet() {
        guard let request = assertSingleRequest("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n") else { return }
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.target, "/")
        XCTAssertEqual(request.path, "/")
        XCTAssertNil(request.query)
        XCTAssertEqual(request.version, .http1_1)
        XCTAssertEqual(request.headers, [Field(name: "Host", value: "example.com")])
        XCTAssertEqual(request.body, [])
    }

    func testOriginFormWithQuerySplitsPathAndQuery() {
        guard let request = assertSingleRequest(head("GET /wp-json/wc/v3/products?page=2&per_page=10 HTTP/1.1"))
        else { return }
        XCTAssertEqual(request.target, "/wp-json/wc/v3/products?page=2&per_page=10")
        XCTAssertEqual(request.path, "/wp-json/wc/v3/products")
        XCTAssertEqual(request.query, "page=2&per_page=10")
    }

    func testEmptyQueryIsKeptAsEmptyString() {
        guard let request = assertSingleRequest(head("GET /a? HTTP/1.1")) else { return }
        XCTAssertEqual(request.path, "/a")
        XCTAssertEqual(request.query, "")
    }

    func testAbsoluteFormYieldsPathAndQuery() {
        guard let request = assertSingleRequest(head("GET http://example.com/a/b?x=1 HTTP/1.1")) else { return }
        XCTAssertEqual(request.target, "http://example.com/a/b?x=1")
        XCTAssertEqual(request.path, "/a/b")
        XCTAssertEqual(request.query, "x=1")
    }

    func testAbsoluteFormWithoutPathYieldsRootPath() {
        guard let request = assertSingleRequest(head("GET http://example.com:8080 HTTP/1.1")) else { return }
        XCTAssertEqual(request.path, "/")
        XCTAssertNil(request.query)
    }

    func testAsteriskFormForOptions() {
        guard let request = assertSingleRequest(head("OPTIONS * HTTP/1.1")) else { return }
        XCTAssertEqual(request.method, "OPTIONS")
        XCTAssertEqual(request.target, "*")
    }

    func testAsteriskFormWithOtherMethodIsRejected() {
        assertParseError(head("GET * HTTP/1.1"), .badRequest)
    }

    func testTargetWithoutSlashOrSchemeIsRejected() {
        assertParseError(head("GET index.html HTTP/1.1"), .badRequest)
    }

    func testLeadingEmptyLineBeforeRequestLineIsIgnored() {
        let requests = assertParses("\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(requests.map(\.path), ["/"])
    }

    func testBareLFLineEndingsAreAccepted() {
        let requests = assertParses("POST /p HTTP/1.1\nHost: a\nContent-Length: 3\n\nabcGET /q HTTP/1.1\nHost: a\n\n")
        XCTAssertEqual(requests.map(\.path), ["/p", "/q"])
        XCTAssertEqual(requests.first?.bodyText, "abc")
        XCTAssertEqual(requests.first?.headers, [Field(name: "Host", value: "a"), Field(name: "Content-Length", value: "3")])
    }

    func testDoubleSpaceInRequestLineIsRejected() {
        assertParseError(head("GET  / HTTP/1.1"), .badRequest)
    }

    func testRequestLineWithoutVersionIsRejected() {
        assertParseError("GET /\r\n\r\n", .badRequest)
    }

    func testLowercaseVersionIsRejected() {
        assertParseError(head("GET / http/1.1"), .badRequest)
    }

    func testMultiDigitMinorVersionIsRejected() {
        assertParseError(head("GET / HTTP/1.10"), .badRequest)
    }

    func testTrailingSpaceAfterVersionIsRejected() {
        assertParseError(head("GET / HTTP/1.1 "), .badRequest)
    }

    func testHTTP2VersionIsNotSupported() {
        assertParseError(head("GET / HTTP/2.0"), .httpVersionNotSupported)
    }

    func testHTTP09VersionIsNotSupported() {
        assertParseError(head("GET / HTTP/0.9"), .httpVersionNotSupported)
    }

    func testHTTP12IsServedAsHTTP11() {
        guard let request = assertSingleRequest(head("GET / HTTP/1.2")) else { return }
        XCTAssertEqual(request.version, .http1_1)
        XCTAssertTrue(request.wantsKeepAlive)
    }

    func testUnknownMethodIsNotImplementedWithDefaultLimits() {
        assertParseError(head("FOO / HTTP/1.1"), .notImplemented)
    }

    func testUnknownMethodIsAcceptedWithoutAllowList() {
        let open = limits { $0.allowedMethods = nil }
        guard let request = assertSingleRequest(head("FOO / HTTP/1.1"), limits: open) else { return }
        XCTAssertEqual(request.method, "FOO")
    }

    func testMethodsAreCaseSensitive() {
        assertParseError(head("get / HTTP/1.1"), .notImplemented)
    }

    func testMethodWithInvalidTokenCharactersIsRejected() {
        assertParseError(head("GE(T / HTTP/1.1"), .badRequest)
        assertParseError(head("GE@T / HTTP/1.1"), .badRequest, limits: limits { $0.allowedMethods = nil })
    }

    func testNonASCIIInTargetIsRejected() {
        assertParseError(head("GET /caf\u{E9} HTTP/1.1"), .badRequest)
    }

    func testControlByteInTargetIsRejected() {
        assertParseError(Array("GET /a".utf8) + [0x01] + Array("b HTTP/1.1\r\nHost: a\r\n\r\n".utf8), .badRequest)
        assertParseError(Array("GET /a".utf8) + [0x7F] + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8), .badRequest)
        assertParseError(Array("GET /a".utf8) + [0x09] + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8), .badRequest)
    }

    func testBareCRInRequestLineIsRejected() {
        assertParseError("GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest)
        assertParseError("GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", .badRequest)
    }

    // MARK: Header fields

    func testHeaderNamesAreCaseInsensitive() {
        guard let request = assertSingleRequest("GET / HTTP/1.1\r\nhOsT: a\r\ncontent-TYPE: text/plain\r\n\r\n")
        else { return }
        XCTAssertEqual(request.values("Content-Type"), ["text/plain"])
        XCTAssertEqual(request.values("host"), ["a"])
        // Names are kept as sent.
        XCTAssertEqual(request.headers.map(\.name), ["hOsT", "content-TYPE"])
    }

    func testRepeatedHeadersAreKeptInOrder() {
        guard let request = assertSingleRequest(head("GET / HTTP/1.1", ["Accept: a", "X-Other: 1", "accept: b", "Accept: c"]))
        else { return }
        XCTAssertEqual(request.values("Accept"), ["a", "b", "c"])
        XCTAssertEqual(request.headers.map(\.name), ["Host", "Accept", "X-Other", "accept", "Accept"])
    }

    func testOptionalWhitespaceIsTrimmedFromValues() {
        guard let request = assertSingleRequest("GET / HTTP/1.1\r\nHost:a\r\nX-A: \t one  two \t \r\nX-B:\t\r\n\r\n")
        else { return }
        XCTAssertEqual(request.values("X-A"), ["one  two"])
        XCTAssertEqual(request.values("X-B"), [""])
        XCTAssertEqual(request.values("Host"), ["a"])
    }

    func testNULInHeaderValueIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u{0}b\r\n\r\n", .badRequest)
    }

    func testNULInHeaderNameIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nX-\u{0}A: b\r\n\r\n", .badRequest)
    }

    func testBareCRInHeaderValueIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\rb\r\n\r\n", .badRequest)
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nX-A: ab\r\r\n\r\n", .badRequest)
    }

    func testBareCRAsLineEndingIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost: a\rX-A: b\r\n\r\n", .badRequest)
    }

    func testWhitespaceBeforeColonIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost : a\r\n\r\n", .badRequest)
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nX-A\t: b\r\n\r\n", .badRequest)
    }

    func testObsFoldIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", .badRequest)
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n", .badRequest)
    }

    func testHeaderLineWithoutColonIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", .badRequest)
    }

    func testEmptyOrInvalidHeaderNameIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", .badRequest)
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n", .badRequest)
    }

    // MARK: Host

    func testHTTP11WithoutHostIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .badRequest)
    }

    func testTwoHostHeadersAreRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", .badRequest)
        assertParseError("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", .badRequest)
    }

    func testInvalidHostIsRejected() {
        assertParseError("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .badRequest)
        assertParseError("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .badRequest)
        assertParseError("GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", .badRequest)
        assertParseError("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", .badRequest)
    }

    func testValidHostFormsAreAccepted() {
        for host in ["example.com", "example.com:8080", "127.0.0.1:80", "[::1]", "[::1]:8080", "xn--caf-dma.example"] {
            let requests = assertParses("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n")
            XCTAssertEqual(requests.count, 1, host)
        }
    }

    func testHTTP10WithoutHostIsAccepted() {
        guard let request = assertSingleRequest("GET / HTTP/1.0\r\n\r\n") else { return }
        XCTAssertEqual(request.version, .http1_0)
        XCTAssertEqual(request.headers, [])
    }

    // MARK: Content-Length bodies

    func testContentLengthBody() {
        guard let request = assertSingleRequest(head("POST /orders HTTP/1.1", ["Content-Length: 13"]) + "{\"id\": 12345}")
        else { return }
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.bodyText, "{\"id\": 12345}")
    }

    func testZeroContentLength() {
        let requests = assertParses(head("POST /a HTTP/1.1", ["Content-Length: 0"]) + head("GET /b HTTP/1.1"))
        XCTAssertEqual(requests.map(\.path), ["/a", "/b"])
        XCTAssertEqual(requests.first?.body, [])
    }

    func testBodyBytesAreNotInterpreted() {
        let body: [UInt8] = [0x00, 0x0D, 0x0A, 0x0D, 0x0A, 0xFF, 0x0A]
        let input = Array(head("PUT /bin HTTP/1.1", ["Content-Length: 7"]).utf8) + body
        XCTAssertEqual(assertParses(input).first?.body, body)
    }

    func testContentLengthOverLimitIsRejected() {
        let outcome = assertParseError(head("POST / HTTP/1.1", ["Content-Length: 17"]), .contentTooLarge,
                                       limits: limits { $0.maxBodyBytes = 16 })
        XCTAssertEqual(outcome.events, [])
        assertParses(head("POST / HTTP/1.1", ["Content-Length: 16"]) + String(repeating: "x", count: 16),
                     limits: limits { $0.maxBodyBytes = 16 })
    }

    func testHugeContentLengthIsRejectedAsTooLarge() {
        assertParseError(head("POST / HTTP/1.1", ["Content-Length: 99999999999999999999999999"]), .contentTooLarge)
    }

    func testDuplicateDifferingContentLengthIsRejected() {
        assertParseError(head("POST / HTTP/1.1", ["Content-Length: 5", "Content-Length: 6"]) + "hello!", .badRequest)
    }

    func testDifferingContentLengthListIsRejected() {
        assertParseError(head("POST / HTTP/1.1", ["Content-Length: 5, 6"]) + "hello!", .badRequest)
    }

    func testIdenticalDuplicateContentLengthIsAccepted() {
        let requests = assertParses(head("POST / HTTP/1.1", ["Content-Length: 5", "content-length: 5"]) + "hello")
        XCTAssertEqual(requests.map(\.bodyText), ["hello"])
    }

    func testIdenticalContentLengthListIsAccepted() {
        let requests = assertParses(head("POST / HTTP/1.1", ["Content-Length: 5,5 ,  5"]) + "hello")
        XCTAssertEqual(requests.map(\.bodyText), ["hello"])
    }

    func testNonNumericContentLengthIsRejected() {
        for value in ["abc", "5a", "0x5", "+5", "5.0", "", "5,", ", 5", "5 5"] {
            assertParseError(head("POST / HTTP/1.1", ["Content-Length: \(value)"]) + "hello", .badRequest)
        }
    }

    func testNegativeContentLengthIsRejected() {
        assertParseError(head("POST / HTTP/1.1", ["Content-Length: -5"]) + "hello", .badRequest)
    }

    // MARK: Chunked bodies

    func testChunkedBodyWithSeveralChunks() {
        let input = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"])
            + "5\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n"
        guard let request = assertSingleRequest(input) else { return }
        XCTAssertEqual(request.bodyText, "hello 0123456789")
    }

    func testChunkSizeIsHexAndCaseInsensitive() {
        let data = String(repeating: "z", count: 0x1F)
        let input = head("POST /c HTTP/1.1", ["Transfer-Encoding: Chunked"]) + "1f\r\n\(data)\r\n001F\r\n\(data)\r\n0\r\n\r\n"
        XCTAssertEqual(assertSingleRequest(input)?.body.count, 0x3E)
    }

    func testChunkExtensionsAreIgnored() {
        let input = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"])
            + "5;name=value\r\nhello\r\n6 ; a=\"quoted; x\";b\r\n world\r\n0;last\r\n\r\n"
        XCTAssertEqual(assertSingleRequest(input)?.bodyText, "hello world")
    }

    func testTrailersAreAcceptedAndIgnored() {
        let input = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"])
            + "3\r\nabc\r\n0\r\nX-Checksum: 1234\r\nX-Other: y\r\n\r\n"
            + head("GET /next HTTP/1.1")
        let requests = assertParses(input)
        XCTAssertEqual(requests.map(\.path), ["/c", "/next"])
        XCTAssertEqual(requests.first?.bodyText, "abc")
        XCTAssertEqual(requests.first?.headers,
                       [Field(name: "Host", value: "example.com"), Field(name: "Transfer-Encoding", value: "chunked")])
    }

    func testInvalidTrailerFieldIsRejected() {
        let input = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"]) + "3\r\nabc\r\n0\r\nX-Bad : 1\r\n\r\n"
        assertParseError(input, .badRequest)
    }

    func testChunkedBodyOverLimitIsRejected() {
        let small = limits { $0.maxBodyBytes = 16 }
        let input = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"]) + "a\r\n0123456789\r\n7\r\n0123456\r\n0\r\n\r\n"
        let outcome = assertParseError(input, .contentTooLarge, limits: small)
        XCTAssertEqual(outcome.events, [])
        // Exactly at the limit is fine.
        let exact = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"]) + "a\r\n0123456789\r\n6\r\n012345\r\n0\r\n\r\n"
        XCTAssertEqual(assertSingleRequest(exact, limits: small)?.body.count, 16)
    }

    func testHugeChunkSizeIsRejectedAsTooLarge() {
        let input = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"]) + "ffffffffffffffffffffffff\r\nabc"
        assertParseError(input, .contentTooLarge)
    }

    func testBadChunkSizeIsRejected() {
        let prefix = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"])
        assertParseError(prefix + "zz\r\nhello\r\n0\r\n\r\n", .badRequest)
        assertParseError(prefix + "\r\nhello\r\n0\r\n\r\n", .badRequest)
        assertParseError(prefix + "-5\r\nhello\r\n0\r\n\r\n", .badRequest)
        assertParseError(prefix + "5x\r\nhello\r\n0\r\n\r\n", .badRequest)
    }

    func testMissingCRLFAfterChunkDataIsRejected() {
        let prefix = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"])
        assertParseError(prefix + "5\r\nhelloXY\r\n0\r\n\r\n", .badRequest)
        assertParseError(prefix + "5\r\nhello0\r\n\r\n", .badRequest)
        assertParseError(prefix + "5\r\nhello world\r\n0\r\n\r\n", .badRequest)
    }

    func testOverlongChunkExtensionIsRejected() {
        let prefix = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"])
        let long = "5;x=" + String(repeating: "v", count: 4100)
        assertParseError(prefix + long + "\r\nhello\r\n0\r\n\r\n", .badRequest)
        // Refused while the line is still arriving.
        assertParseError(prefix + long, .badRequest)
        // Up to the limit is fine.
        let fits = "5;x=" + String(repeating: "v", count: 4096 - 4)
        XCTAssertEqual(assertSingleRequest(prefix + fits + "\r\nhello\r\n0\r\n\r\n")?.bodyText, "hello")
    }

    func testControlCharacterInChunkExtensionIsRejected() {
        let prefix = head("POST /c HTTP/1.1", ["Transfer-Encoding: chunked"])
        assertParseError(prefix + "5;a=\u{1}\r\nhello\r\n0\r\n\r\n", .badRequest)
    }

    // MARK: Transfer-Encoding

    func testUnsupportedTransferEncodingIsNotImplemented() {
        assertParseError(head("POST / HTTP/1.1", ["Transfer-Encoding: gzip"]), .notImplemented)
    }

    func testGzipThenChunkedIsNotImplemented() {
        assertParseError(head("POST / HTTP/1.1", ["Transfer-Encoding: gzip, chunked"]) + "0\r\n\r\n", .notImplemented)
        assertParseError(head("POST / HTTP/1.1", ["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"]) + "0\r\n\r\n",
                         .notImplemented)
    }

    func testTransferEncodingWithContentLengthIsRejected() {
        assertParseError(head("POST / HTTP/1.1", ["Transfer-Encoding: chunked", "Content-Length: 5"]) + "0\r\n\r\n",
                         .badRequest)
        assertParseError(head("POST / HTTP/1.1", ["Content-Length: 5", "Transfer-Encoding: chunked"]) + "0\r\n\r\n",
                         .badRequest)
    }

    // MARK: Pipelining

    func testPipelinedRequestsComeOutInOrder() {
        let input = head("GET /one HTTP/1.1")
            + head("POST /two?x=y HTTP/1.1", ["Content-Length: 11"]) + "hello world"
            + head("GET /three HTTP/1.1", ["Connection: close"])
        let requests = assertParses(input)
        XCTAssertEqual(requests.map(\.path), ["/one", "/two", "/three"])
        XCTAssertEqual(requests.map(\.bodyText), ["", "hello world", ""])
        XCTAssertEqual(requests.map(\.query), [nil, "x=y", nil])
        XCTAssertEqual(requests.map(\.wantsKeepAlive), [true, true, false])
    }

    func testPipelinedChunkedAndLengthBodies() {
        let input = head("POST /a HTTP/1.1", ["Transfer-Encoding: chunked"]) + "2\r\nab\r\n0\r\n\r\n"
            + head("POST /b HTTP/1.1", ["Content-Length: 2"]) + "cd"
            + head("GET /c HTTP/1.1")
        let requests = assertParses(input)
        XCTAssertEqual(requests.map(\.bodyText), ["ab", "cd", ""])
    }

    func testErrorAfterGoodRequestKeepsEarlierRequests() {
        let outcome = assertParseError(head("GET /ok HTTP/1.1") + "BAD\r\n\r\n", .badRequest)
        XCTAssertEqual(outcome.requests.map(\.path), ["/ok"])
    }

    // MARK: Expect: 100-continue

    func testExpectContinueWithBodyEmitsEventBeforeRequest() {
        let outcome = ParserVerifier.verify(head("POST /up HTTP/1.1", ["Expect: 100-continue", "Content-Length: 4"]) + "data")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.events.count, 2)
        XCTAssertEqual(outcome.events.first, .expectContinue)
        XCTAssertEqual(outcome.requests.map(\.bodyText), ["data"])
    }

    func testExpectContinueIsSentBeforeAnyBodyByteArrives() {
        let outcome = ParserVerifier.verify(head("POST /up HTTP/1.1", ["Expect: 100-Continue", "Content-Length: 4"]))
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.events, [.expectContinue])
        XCTAssertEqual(outcome.idleAtEnd, false)
    }

    func testExpectContinueWithChunkedBody() {
        let outcome = ParserVerifier.verify(
            head("POST /up HTTP/1.1", ["Expect: 100-continue", "Transfer-Encoding: chunked"]) + "1\r\nx\r\n0\r\n\r\n")
        XCTAssertEqual(outcome.events.first, .expectContinue)
        XCTAssertEqual(outcome.requests.map(\.bodyText), ["x"])
    }

    func testExpectContinueWithoutBodyEmitsNoEvent() {
        let outcome = ParserVerifier.verify(
            head("GET /a HTTP/1.1", ["Expect: 100-continue"])
            + head("POST /b HTTP/1.1", ["Expect: 100-continue", "Content-Length: 0"]))
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.expectContinueCount, 0)
        XCTAssertEqual(outcome.requests.map(\.path), ["/a", "/b"])
    }

    func testExpectContinueIsIgnoredForHTTP10() {
        let outcome = ParserVerifier.verify("POST /a HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz")
        XCTAssertEqual(outcome.expectContinueCount, 0)
        XCTAssertEqual(outcome.requests.map(\.bodyText), ["z"])
    }

    func testExpectContinueWithOversizedContentLengthIsRejectedAtHead() {
        // Only the head is fed: the 413 must come before any body byte, and before any 100 Continue.
        let outcome = assertParseError(
            head("POST /up HTTP/1.1", ["Expect: 100-continue", "Content-Length: 1048577"]), .contentTooLarge)
        XCTAssertEqual(outcome.events, [])
    }

    // MARK: Limits

    func testRequestLineOverLimitIsRejected() {
        let small = limits { $0.maxRequestLineBytes = 64 }
        let fits = "GET /" + String(repeating: "a", count: 64 - 14) + " HTTP/1.1"
        XCTAssertEqual(fits.utf8.count, 64)
        assertParses(fits + "\r\nHost: a\r\n\r\n", limits: small)
        assertParses(fits + "\nHost: a\n\n", limits: small)
        let tooLong = "GET /" + String(repeating: "a", count: 64 - 13) + " HTTP/1.1"
        assertParseError(tooLong + "\r\nHost: a\r\n\r\n", .uriTooLong, limits: small)
        assertParseError(tooLong + "\nHost: a\n\n", .uriTooLong, limits: small)
    }

    func testRequestLineOverDefaultLimitIsRejectedBeforeLineFeed() {
        // 9000 bytes of target and no line feed yet: refused while still arriving.
        assertParseError("GET /" + String(repeating: "a", count: 9000), .uriTooLong)
    }

    func testHeaderSectionOverLimitIsRejected() {
        let small = limits { $0.maxHeaderBytes = 256 }
        // Field lines with their line endings: 9 + 7 * 30 = 219 bytes, then one of `extra` + 30 bytes.
        func input(extra: Int) -> String {
            var lines = ["Host: a"]
            for i in 0..<7 { lines.append("X-F\(i): " + String(repeating: "v", count: 22)) }
            lines.append("X-Last: " + String(repeating: "w", count: 20 + extra))
            return "GET / HTTP/1.1\r\n" + lines.map { $0 + "\r\n" }.joined() + "\r\n"
        }
        assertParseError(input(extra: 16), .requestHeaderFieldsTooLarge, limits: small)
        assertParseError(input(extra: 200), .requestHeaderFieldsTooLarge, limits: small)
        assertParses(input(extra: 0), limits: small)
    }

    func testHeaderSectionExactlyAtLimitIsAccepted() {
        // Field lines with their line endings total exactly maxHeaderBytes; the blank line ends the section.
        let small = limits { $0.maxHeaderBytes = 64 }
        let fields = "Host: a\r\n" + "X-Fill: " + String(repeating: "v", count: 64 - 9 - 10) + "\r\n"
        XCTAssertEqual(fields.utf8.count, 64)
        assertParses("GET / HTTP/1.1\r\n" + fields + "\r\n", limits: small)
        let over = "Host: a\r\n" + "X-Fill: " + String(repeating: "v", count: 64 - 9 - 9) + "\r\n"
        assertParseError("GET / HTTP/1.1\r\n" + over + "\r\n", .requestHeaderFieldsTooLarge, limits: small)
    }

    func testHeaderSectionOverLimitIsRejectedBeforeLineFeed() {
        let small = limits { $0.maxHeaderBytes = 256 }
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "v", count: 300), .requestHeaderFieldsTooLarge,
                         limits: small)
    }

    func testHeaderSectionOverDefaultLimitIsRejected() {
        // Realistic: a browser-like head with one 33 KB cookie.
        let input = head("GET /shop HTTP/1.1", [
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language: en-US,en;q=0.5",
            "Cookie: session=" + String(repeating: "c", count: 33 * 1024),
        ])
        assertParseError(input, .requestHeaderFieldsTooLarge, splits: .none)
    }

    func testMoreThanMaxHeaderFieldsIsRejected() {
        let fields = (1..<201).map { "X\($0):\($0)" }  // short lines: the verifier tries every split
        XCTAssertEqual(fields.count + 1, ParserLimits().maxHeaderCount + 1)
        assertParseError(head("GET / HTTP/1.1", fields), .requestHeaderFieldsTooLarge)
    }

    func testExactlyMaxHeaderFieldsIsAccepted() {
        let fields = (1..<200).map { "X\($0):\($0)" }
        guard let request = assertSingleRequest(head("GET / HTTP/1.1", fields)) else { return }
        XCTAssertEqual(request.headers.count, ParserLimits().maxHeaderCount)
        XCTAssertEqual(request.values("X199"), ["199"])
    }

    func testTrailersDoNotCountAgainstHeaderFieldLimit() {
        let few = limits { $0.maxHeaderCount = 3 }
        let input = head("POST / HTTP/1.1", ["Transfer-Encoding: chunked", "X-A: 1"])
            + "1\r\nz\r\n0\r\nT1: 1\r\nT2: 2\r\nT3: 3\r\nT4: 4\r\n\r\n"
        XCTAssertEqual(assertSingleRequest(input, limits: few)?.bodyText, "z")
    }

    func testDefaultLimitsWithRealisticRequest() {
        // A 1 MiB upload — exactly the default body limit — with a browser-like head, then a pipelined GET.
        let body = (0..<(1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var input = Array(head("POST /wp-json/wc/v3/products/batch?force=true HTTP/1.1", [
            "User-Agent: curl/8.5.0",
            "Accept: application/json",
            "Authorization: Basic Y2tfMTIzNDU2Nzg5MDpjc18xMjM0NTY3ODkw",
            "Content-Type: application/octet-stream",
            "Content-Length: \(body.count)",
        ]).utf8)
        input += body
        input += Array(head("GET /wp-json/wc/v3/orders?page=1 HTTP/1.1", ["Connection: close"]).utf8)
        let requests = assertParses(input, splits: .none)
        XCTAssertEqual(requests.count, 2)
        XCTAssertEqual(requests.first?.body == body, true)
        XCTAssertEqual(requests.first?.query, "force=true")
        XCTAssertEqual(requests.last?.wantsKeepAlive, false)
    }

    // MARK: Keep-alive

    func testHTTP11DefaultsToKeepAlive() {
        XCTAssertEqual(assertSingleRequest(head("GET / HTTP/1.1"))?.wantsKeepAlive, true)
    }

    func testConnectionCloseDisablesKeepAlive() {
        XCTAssertEqual(assertSingleRequest(head("GET / HTTP/1.1", ["Connection: close"]))?.wantsKeepAlive, false)
        XCTAssertEqual(assertSingleRequest(head("GET / HTTP/1.1", ["Connection: Close"]))?.wantsKeepAlive, false)
    }

    func testHTTP10DefaultsToClose() {
        XCTAssertEqual(assertSingleRequest("GET / HTTP/1.0\r\n\r\n")?.wantsKeepAlive, false)
    }

    func testHTTP10WithKeepAliveKeepsAlive() {
        XCTAssertEqual(assertSingleRequest("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.wantsKeepAlive, true)
    }

    func testConnectionTokenListsAreHonoured() {
        XCTAssertEqual(assertSingleRequest(head("GET / HTTP/1.1", ["Connection: foo, close"]))?.wantsKeepAlive, false)
        XCTAssertEqual(assertSingleRequest(head("GET / HTTP/1.1", ["Connection: upgrade", "Connection: close"]))?.wantsKeepAlive,
                       false)
        XCTAssertEqual(assertSingleRequest("GET / HTTP/1.0\r\nConnection: foo ,keep-alive\r\n\r\n")?.wantsKeepAlive, true)
        XCTAssertEqual(assertSingleRequest("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")?.wantsKeepAlive, false)
        XCTAssertEqual(assertSingleRequest(head("GET / HTTP/1.1", ["Connection: closed"]))?.wantsKeepAlive, true)
    }

    // MARK: Idle state

    func testIsIdleAfterCompleteRequest() {
        let outcome = ParserVerifier.verify(head("GET /a HTTP/1.1") + head("POST /b HTTP/1.1", ["Content-Length: 1"]) + "x")
        XCTAssertEqual(outcome.requests.map(\.idleAfter), [true, true])
        XCTAssertEqual(outcome.idleAtEnd, true)
        XCTAssertEqual(outcome.unreadAtEnd, 0)
    }

    func testIsNotIdleMidRequest() {
        // In the request line.
        var outcome = ParserVerifier.verify("GET /partial")
        XCTAssertEqual(outcome.events, [])
        XCTAssertEqual(outcome.idleAtEnd, false)
        // In the header section.
        outcome = ParserVerifier.verify("GET / HTTP/1.1\r\nHost: a\r\n")
        XCTAssertEqual(outcome.idleAtEnd, false)
        // In a Content-Length body.
        outcome = ParserVerifier.verify(head("POST / HTTP/1.1", ["Content-Length: 10"]) + "abc")
        XCTAssertEqual(outcome.events, [])
        XCTAssertEqual(outcome.idleAtEnd, false)
        XCTAssertEqual(outcome.unreadAtEnd, 0)
        // In a chunked body, and in its trailers.
        outcome = ParserVerifier.verify(head("POST / HTTP/1.1", ["Transfer-Encoding: chunked"]) + "3\r\nab")
        XCTAssertEqual(outcome.idleAtEnd, false)
        outcome = ParserVerifier.verify(head("POST / HTTP/1.1", ["Transfer-Encoding: chunked"]) + "3\r\nabc\r\n0\r\n")
        XCTAssertEqual(outcome.idleAtEnd, false)
        // After one whole request, inside the next.
        outcome = ParserVerifier.verify(head("GET /a HTTP/1.1") + "GET /b")
        XCTAssertEqual(outcome.requests.map(\.path), ["/a"])
        XCTAssertEqual(outcome.idleAtEnd, false)
    }

    func testSkippedEmptyLinesAreNotIdle() {
        // Line endings alone begin the next request: the connection's request deadline must keep running.
        var outcome = ParserVerifier.verify("\r\n\n\r\n")
        XCTAssertEqual(outcome.events, [])
        XCTAssertEqual(outcome.idleAtEnd, false)
        XCTAssertEqual(outcome.unreadAtEnd, 0)
        outcome = ParserVerifier.verify(head("GET /a HTTP/1.1") + "\r\n")
        XCTAssertEqual(outcome.requests.map(\.path), ["/a"])
        XCTAssertEqual(outcome.idleAtEnd, false)
        // And the request that follows them leaves the parser idle again.
        outcome = ParserVerifier.verify("\r\n" + head("GET /b HTTP/1.1"))
        XCTAssertEqual(outcome.requests.map(\.idleAfter), [true])
        XCTAssertEqual(outcome.idleAtEnd, true)
    }

    func testEmptyInputIsIdle() {
        let outcome = ParserVerifier.verify([UInt8]())
        XCTAssertEqual(outcome.events, [])
        XCTAssertEqual(outcome.idleAtEnd, true)
    }
}

final class RequestParserEdgeTests: XCTestCase {
    private func parseAll(_ text: String, limits: ParserLimits = ParserLimits()) throws -> HTTPRequest? {
        var parser = RequestParser(limits: limits)
        var buffer = ByteBuffer(Array(text.utf8))
        while true {
            switch try parser.parse(&buffer) {
            case .request(let request): return request
            case .needMoreData: return nil
            case .expectContinue: continue
            }
        }
    }

    func testZeroPaddedContentLengthMeansItsValue() throws {
        let request = try parseAll("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 00000000000000000000005\r\n\r\nhello")
        XCTAssertEqual(request?.body, Array("hello".utf8))
    }

    func testUnlimitedBodyLimitDoesNotOverflowChunkSizes() throws {
        var limits = ParserLimits()
        limits.maxBodyBytes = Int.max
        let request = try parseAll("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", limits: limits)
        XCTAssertEqual(request?.body, Array("abc".utf8))
    }

    func testHTTP10WithTransferEncodingClosesAfterwards() throws {
        let request = try parseAll("POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        XCTAssertEqual(request?.wantsKeepAlive, false)
    }
}
