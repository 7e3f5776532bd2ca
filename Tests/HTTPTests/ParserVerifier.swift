import HTTP
import XCTest

/// Feeds a raw request stream to fresh ``RequestParser``s in several ways — all at once, byte by byte, and split
/// into two writes at every point (or a sample of points for big inputs) — the way the connection does: `parse`
/// until `.needMoreData`, then `compact()` and the next write. Every strategy must produce the same outcome.
enum ParserVerifier {
    /// One header field, comparable.
    struct Field: Equatable, CustomStringConvertible {
        var name: String
        var value: String
        var description: String { "\(name): \(value)" }
    }

    /// The parts of an ``HTTPRequest`` the parser is responsible for, comparable.
    struct Request: Equatable {
        var method: String
        var target: String
        var path: String
        var query: String?
        var version: HTTPVersion
        var headers: [Field]
        var body: [UInt8]
        var wantsKeepAlive: Bool
        /// `parser.isIdle` right after the parser handed out this request.
        var idleAfter: Bool

        init(_ request: HTTPRequest, idleAfter: Bool) {
            method = request.method.rawValue
            target = request.target
            path = request.path
            query = request.query
            version = request.version
            headers = request.headers.map { Field(name: $0.name, value: $0.value) }
            body = request.body
            wantsKeepAlive = request.wantsKeepAlive
            self.idleAfter = idleAfter
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
        func values(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }
    }

    enum Event: Equatable {
        case expectContinue
        case request(Request)
    }

    /// What a whole stream produced.
    struct Outcome: Equatable {
        var events: [Event] = []
        /// The error that ended parsing, if any.
        var error: ParseError?
        /// After the last write with no error: whether the parser was idle, and how many bytes it left unread.
        var idleAtEnd: Bool?
        var unreadAtEnd: Int?

        var requests: [Request] {
            events.compactMap { if case .request(let r) = $0 { r } else { nil } }
        }
        var expectContinueCount: Int { events.filter { $0 == .expectContinue }.count }

        /// Strategies must agree on events, on the error status, and on the end state.
        func matches(_ other: Outcome) -> Bool {
            events == other.events && error?.status == other.error?.status
                && idleAtEnd == other.idleAtEnd && unreadAtEnd == other.unreadAtEnd
        }
    }

    enum Splits {
        /// Every split point for inputs up to `exhaustiveLimit` bytes, a sample beyond.
        case automatic
        /// Only all-at-once and byte-by-byte (for big inputs).
        case none
    }

    static let exhaustiveLimit = 4096

    /// Parses `chunks` as consecutive writes into one connection buffer.
    static func feed<C: Collection<ArraySlice<UInt8>>>(_ chunks: C, limits: ParserLimits) -> Outcome {
        var parser = RequestParser(limits: limits)
        var buffer = ByteBuffer()
        var outcome = Outcome()
        for chunk in chunks {
            buffer.write(chunk)
            while true {
                let event: ParseEvent
                do {
                    event = try parser.parse(&buffer)
                } catch {
                    outcome.error = error
                    return outcome
                }
                switch event {
                case .needMoreData:
                    break
                case .expectContinue:
                    outcome.events.append(.expectContinue)
                    continue
                case .request(let request):
                    outcome.events.append(.request(Request(request, idleAfter: parser.isIdle)))
                    continue
                }
                break
            }
            buffer.compact()
        }
        outcome.idleAtEnd = parser.isIdle
        outcome.unreadAtEnd = buffer.readableBytes
        return outcome
    }

    /// The split points tried for an input of `count` bytes.
    static func splitPoints(count: Int) -> [Int] {
        if count <= exhaustiveLimit { return Array(0...count) }
        var points = Set(0...32).union((count - 32)...count)
        let step = max(count / 96, 1)
        points.formUnion(stride(from: 0, through: count, by: step))
        // A deterministic scatter of odd offsets too, so points are not all aligned.
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<64 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            points.insert(Int((x >> 33) % UInt64(count + 1)))
        }
        return points.sorted()
    }

    /// Feeds `bytes` every way, asserts the outcomes agree, and returns the all-at-once outcome.
    @discardableResult
    static func verify(
        _ bytes: [UInt8], limits: ParserLimits = ParserLimits(), splits: Splits = .automatic,
        file: StaticString = #filePath, line: UInt = #line
    ) -> Outcome {
        let whole = bytes[...]
        let reference = feed([whole], limits: limits)

        func check(_ outcome: Outcome, _ strategy: @autoclosure () -> String) -> Bool {
            if outcome.matches(reference) { return true }
            XCTFail("""
                Feeding \(strategy()) differs from feeding all at once.
                all at once: \(describe(reference))
                \(strategy()): \(describe(outcome))
                """, file: file, line: line)
            return false
        }

        let byteByByte = feed(bytes.indices.lazy.map { whole[$0..<($0 + 1)] }, limits: limits)
        _ = check(byteByByte, "byte by byte")

        if case .automatic = splits {
            for point in splitPoints(count: bytes.count) {
                let outcome = feed([whole[..<point], whole[point...]], limits: limits)
                if !check(outcome, "split at \(point) of \(bytes.count)") { break }  // one report is enough
            }
        }
        return reference
    }

    @discardableResult
    static func verify(
        _ text: String, limits: ParserLimits = ParserLimits(), splits: Splits = .automatic,
        file: StaticString = #filePath, line: UInt = #line
    ) -> Outcome {
        verify(Array(text.utf8), limits: limits, splits: splits, file: file, line: line)
    }

    static func describe(_ outcome: Outcome) -> String {
        var parts = outcome.events.map { event -> String in
            switch event {
            case .expectContinue: return "expectContinue"
            case .request(let r):
                let body = r.body.count > 64 ? "\(r.body.count) bytes" : String(reflecting: r.bodyText)
                return "\(r.method) \(r.target) \(r.version) \(r.headers) body=\(body) keepAlive=\(r.wantsKeepAlive) idle=\(r.idleAfter)"
            }
        }
        if let error = outcome.error { parts.append("error \(error)") }
        if let idle = outcome.idleAtEnd { parts.append("end idle=\(idle) unread=\(outcome.unreadAtEnd ?? -1)") }
        return "[" + parts.joined(separator: "; ") + "]"
    }
}

// MARK: Assertion helpers

extension XCTestCase {
    /// Verifies `input` parses without error (every strategy alike) and returns its requests.
    @discardableResult
    func assertParses(
        _ input: String, limits: ParserLimits = ParserLimits(), splits: ParserVerifier.Splits = .automatic,
        file: StaticString = #filePath, line: UInt = #line
    ) -> [ParserVerifier.Request] {
        assertParses(Array(input.utf8), limits: limits, splits: splits, file: file, line: line)
    }

    @discardableResult
    func assertParses(
        _ input: [UInt8], limits: ParserLimits = ParserLimits(), splits: ParserVerifier.Splits = .automatic,
        file: StaticString = #filePath, line: UInt = #line
    ) -> [ParserVerifier.Request] {
        let outcome = ParserVerifier.verify(input, limits: limits, splits: splits, file: file, line: line)
        if let error = outcome.error { XCTFail("Unexpected parse error \(error)", file: file, line: line) }
        return outcome.requests
    }

    /// Verifies `input` parses to exactly one request and returns it (nil after a failure was recorded).
    func assertSingleRequest(
        _ input: String, limits: ParserLimits = ParserLimits(), splits: ParserVerifier.Splits = .automatic,
        file: StaticString = #filePath, line: UInt = #line
    ) -> ParserVerifier.Request? {
        let requests = assertParses(input, limits: limits, splits: splits, file: file, line: line)
        guard requests.count == 1 else {
            XCTFail("Expected 1 request, got \(requests.count)", file: file, line: line)
            return nil
        }
        return requests[0]
    }

    /// Verifies `input` fails with `status` (every strategy alike) and returns the outcome.
    @discardableResult
    func assertParseError(
        _ input: String, _ status: HTTPStatus, limits: ParserLimits = ParserLimits(),
        splits: ParserVerifier.Splits = .automatic, file: StaticString = #filePath, line: UInt = #line
    ) -> ParserVerifier.Outcome {
        assertParseError(Array(input.utf8), status, limits: limits, splits: splits, file: file, line: line)
    }

    @discardableResult
    func assertParseError(
        _ input: [UInt8], _ status: HTTPStatus, limits: ParserLimits = ParserLimits(),
        splits: ParserVerifier.Splits = .automatic, file: StaticString = #filePath, line: UInt = #line
    ) -> ParserVerifier.Outcome {
        let outcome = ParserVerifier.verify(input, limits: limits, splits: splits, file: file, line: line)
        if let error = outcome.error {
            XCTAssertEqual(error.status.code, status.code, "error: \(error)", file: file, line: line)
        } else {
            XCTFail("Expected \(status), got \(ParserVerifier.describe(outcome))", file: file, line: line)
        }
        return outcome
    }
}
