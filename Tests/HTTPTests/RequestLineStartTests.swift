import HTTP
import XCTest

/// Bytes that cannot begin a request line are refused as they arrive, before any line feed.
final class RequestLineStartTests: XCTestCase {
    /// The start of a real ClientHello: a handshake record (16 03 01, length 0x00C8), then the handshake header and
    /// random bytes, among them a space and a line feed that must not fool the line parser.
    static let clientHello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0xC8, 0x01, 0x00, 0x00, 0xC4, 0x03, 0x03]
        + [0x5A, 0x20, 0x0A, 0x9C, 0x00, 0xFF, 0x41, 0x47, 0x45, 0x54, 0x0D, 0x0A] + [UInt8](repeating: 0x7E, count: 20)

    func testTLSHandshakeIsRefusedWithItsOwnMessageHoweverItIsSplit() {
        let outcome = assertParseError(Self.clientHello, .badRequest)
        XCTAssertEqual(outcome.error, .tlsOnPlainPort)
        // The verdict waits for three bytes, so a byte-by-byte arrival reads the same.
        let bytes = Self.clientHello
        let byteByByte = ParserVerifier.feed(bytes.indices.map { bytes[$0...$0] }, limits: ParserLimits())
        XCTAssertEqual(byteByByte.error, .tlsOnPlainPort)
    }

    func testTLSHandshakeAfterEmptyLinesIsStillRecognised() {
        XCTAssertEqual(assertParseError(Array("\r\n".utf8) + Self.clientHello, .badRequest).error, .tlsOnPlainPort)
    }

    func testPartialTLSRecordHeaderWaits() {
        XCTAssertNil(ParserVerifier.verify([0x16, 0x03]).error)
    }

    func testOtherRecordBytesAreAPlainBadByte() {
        let outcome = assertParseError([0x16, 0x41, 0x42], .badRequest)
        XCTAssertEqual(outcome.error?.message, "Byte 0x16 cannot start a request line.")
    }

    func testNULBeforeTheMethodIsRefusedBeforeTheLineEnds() {
        let outcome = assertParseError("\u{0}GET / HTTP/1.1", .badRequest)
        XCTAssertEqual(outcome.error?.message, "Byte 0x00 cannot start a request line.")
    }

    func testControlByteInsideTheMethodIsRefusedBeforeTheLineEnds() {
        let outcome = assertParseError("GE\u{1}T / HTTP/1.1", .badRequest)
        XCTAssertEqual(outcome.error?.message, "Byte 0x01 cannot be part of a request method.")
    }

    func testBareCRInsideTheMethodIsRefusedBeforeTheLineEnds() {
        assertParseError("GE\rT / HTTP/1.1", .badRequest)
        assertParseError("\rGET / HTTP/1.1", .badRequest)
    }

    func testPartialRequestLinesOfTokenBytesWait() {
        let partials = ["GET", "GET / HTTP/1.1", "GET\r", "\r", "\r\n\r\nPOS", "M-SEARCH * HTTP/1.1", "!#$%&'*+-.^_`|~09AZaz"]
        for partial in partials {
            let outcome = ParserVerifier.verify(partial)
            XCTAssertNil(outcome.error, partial)
            XCTAssertEqual(outcome.events, [], partial)
        }
    }

    func testNonTokenBytesAfterTheMethodAreLeftToTheWholeLine() {
        // The target may hold what a method may not; only the complete line decides about it.
        let requests = assertParses("GET /a?b=\"c\"&d={e} HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(requests.map(\.target), ["/a?b=\"c\"&d={e}"])
    }
}
