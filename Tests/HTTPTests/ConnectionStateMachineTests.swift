@testable import HTTP
import XCTest

/// The deadline, lingering, pipelining and shutdown rules of one connection, on a clock moved by hand: no sockets,
/// no sleeps. Each test names the live test in `ServerTests` / `ServerSilentConnectionTests` whose rule it pins.
final class ConnectionStateMachineTests: XCTestCase {
    typealias Machine = ConnectionStateMachine

    /// The shipped defaults (request 10 s, idle 60 s, write 30 s), so the rules are pinned at the real values.
    private let timeouts = Machine.Timeouts(ServerConfiguration())
    private let accepted = Instant(nanoseconds: 1_000_000_000)

    private func at(_ seconds: Double) -> Instant {
        accepted + .nanoseconds(Int64(seconds * 1e9))
    }

    /// What the loop does for a request answered at once and written in one go: read, parse, queue, write, flush.
    private func serve(
        _ machine: inout Machine, at now: Instant, keepAlive: Bool = true, inputIsIdle: Bool = true
    ) -> AfterFlush {
        XCTAssertEqual(machine.bytesRead(now: now), .parse)
        XCTAssertEqual(machine.requestParsed(moreInput: !inputIsIdle, now: now), now)
        _ = machine.responseQueued(requestKeepsAlive: keepAlive, responseCloses: false)
        machine.wroteBytes(now: now)
        return flush(&machine, now: now, inputIsIdle: inputIsIdle)
    }

    /// What the loop ends up doing once the output is written: keep the connection, close it, or shut the write
    /// side and linger (``ConnectionStateMachine/flushed(now:)``, then ``ConnectionStateMachine/closing(inputIsIdle:now:)``).
    enum AfterFlush: Equatable { case keepOpen, close, shutWriteAndLinger }

    private func flush(_ machine: inout Machine, now: Instant, inputIsIdle: Bool) -> AfterFlush {
        guard machine.flushed(now: now) == .closing else { return .keepOpen }
        switch machine.closing(inputIsIdle: inputIsIdle, now: now) {
        case .close: return .close
        case .shutWriteAndLinger: return .shutWriteAndLinger
        }
    }

    func testDefaultTimeoutsAreUnchanged() {
        XCTAssertEqual(timeouts.request, 10_000_000_000)
        XCTAssertEqual(timeouts.idle, 60_000_000_000)
        XCTAssertEqual(timeouts.write, 30_000_000_000)
        XCTAssertEqual(Machine.Timeouts.lingering, 2_000_000_000)
    }

    // MARK: Request deadline (testSlowHeadersAreCutOffAtTheRequestDeadline, testSlowBody…, testTrickledEmptyLines…)

    func testRequestDeadlineCountsFromTheFirstByteHoweverBytesTrickle() {
        var machine = Machine(now: accepted)
        // A byte every 100 ms: each read is recent, but the request as a whole is late.
        for step in 0..<100 {
            XCTAssertEqual(machine.bytesRead(now: at(5 + Double(step) * 0.1)), .parse)
            machine.parserNeedsMoreData(inputIsIdle: false)
            XCTAssertEqual(machine.tick(now: at(5 + Double(step) * 0.1), timeouts: timeouts), .none)
        }
        XCTAssertEqual(machine.requestStarted, at(5))
        XCTAssertEqual(machine.tick(now: at(14.999), timeouts: timeouts), .none)
        XCTAssertEqual(machine.tick(now: at(15), timeouts: timeouts), .answerRequestTimeout)
        // The 408 closes: a half-received request leaves framing unknown.
        XCTAssertEqual(machine.responseQueued(requestKeepsAlive: false, responseCloses: false), .close)
        XCTAssertFalse(machine.canParse)
    }

    func testRequestDeadlineAppliesBetweenHeadAndBody() {
        var machine = Machine(now: accepted)
        _ = serve(&machine, at: at(1))
        XCTAssertEqual(machine.bytesRead(now: at(2)), .parse)  // a head with Content-Length: 100
        machine.parserNeedsMoreData(inputIsIdle: false)  // the parser waits inside the body
        XCTAssertEqual(machine.bytesRead(now: at(11.9)), .parse)  // one body byte, just in time to look alive
        machine.parserNeedsMoreData(inputIsIdle: false)
        XCTAssertEqual(machine.tick(now: at(11.99), timeouts: timeouts), .none)
        XCTAssertEqual(machine.tick(now: at(12), timeouts: timeouts), .answerRequestTimeout)
    }

    func testTrickledEmptyLinesMeetTheRequestDeadlineNotTheIdleTime() throws {
        var machine = Machine(now: accepted)
        _ = serve(&machine, at: at(1))
        // The real parser decides what "idle" means: line endings alone begin the next request.
        var parser = RequestParser()
        var input = ByteBuffer()
        for step in 0..<200 {
            let now = at(2 + Double(step) / 10)
            XCTAssertEqual(machine.bytesRead(now: now), .parse)
            input.write("\r\n".utf8)
            XCTAssertEqual(try parser.parse(&input).isNeedMoreData, true)
            machine.parserNeedsMoreData(inputIsIdle: input.readableBytes == 0 && parser.isIdle)
            input.compact()
            let action = machine.tick(now: now, timeouts: timeouts)
            if action != .none {
                XCTAssertEqual(action, .answerRequestTimeout)
                XCTAssertEqual(step, 100, "the 10 s request deadline from the first CRLF, not the 60 s idle time")
                return
            }
        }
        XCTFail("a CRLF trickle was never cut off")
    }

    func testAWholeRequestStopsTheRequestDeadline() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(machine.bytesRead(now: at(1)), .parse)
        machine.parserNeedsMoreData(inputIsIdle: false)
        XCTAssertEqual(machine.requestParsed(moreInput: false, now: at(1.5)), at(1), "began at its first byte")
        XCTAssertNil(machine.requestStarted)
        machine.parserNeedsMoreData(inputIsIdle: true)
        XCTAssertNil(machine.requestStarted)
    }

    // MARK: Silent connection and idle keep-alive (ServerSilentConnectionTests, testIdleKeepAliveConnectionIsClosed)

    func testConnectionThatSendsNothingIsClosedSilentlyAtTheRequestDeadline() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(machine.interest, .read)
        XCTAssertEqual(machine.tick(now: at(9.999), timeouts: timeouts), .none, "no buffer release before a response")
        XCTAssertEqual(machine.tick(now: at(10), timeouts: timeouts), .close, "closed, not answered: nothing to answer")
    }

    func testKeepAliveConnectionOutlivesTheRequestDeadlineAfterAResponse() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(serve(&machine, at: at(1)), .keepOpen)
        XCTAssertTrue(machine.canParse)
        XCTAssertEqual(machine.tick(now: at(1.999), timeouts: timeouts), .none)
        XCTAssertEqual(machine.tick(now: at(2), timeouts: timeouts), .releaseBuffers, "quiet for 1 s: buffers go")
        // Three request deadlines pass: neither a 408 nor a close.
        XCTAssertEqual(machine.tick(now: at(31), timeouts: timeouts), .releaseBuffers)
        XCTAssertEqual(machine.tick(now: at(60.999), timeouts: timeouts), .releaseBuffers)
        XCTAssertEqual(machine.tick(now: at(61), timeouts: timeouts), .close, "the 60 s idle time, from the response")
    }

    func testIdleTimeCountsFromTheLastCompletedWrite() {
        var machine = Machine(now: accepted)
        _ = serve(&machine, at: at(1))
        _ = serve(&machine, at: at(50))
        XCTAssertEqual(machine.tick(now: at(109.999), timeouts: timeouts), .releaseBuffers)
        XCTAssertEqual(machine.tick(now: at(110), timeouts: timeouts), .close)
    }

    // MARK: Pipelining (testPipelinedRequestsAreAnsweredInOrder, testTimeInTheHandlerIsNotCharged…)

    func testReadingPausesWhileTheHandlerHasTheRequestAndStaleAnswersAreIgnored() {
        var machine = Machine(now: accepted)
        XCTAssertFalse(machine.responseArrived(now: at(0.5)), "no request awaited")
        XCTAssertEqual(machine.bytesRead(now: at(1)), .parse)
        _ = machine.requestParsed(moreInput: true, now: at(1))
        machine.responseDeferred()
        XCTAssertFalse(machine.canParse, "the next pipelined request waits: answers stay in order")
        XCTAssertEqual(machine.interest, .none, "and nothing more is read meanwhile")
        XCTAssertTrue(machine.responseArrived(now: at(2)))
        XCTAssertFalse(machine.responseArrived(now: at(2)), "a second answer for the same request is dropped")
        XCTAssertTrue(machine.canParse)
    }

    func testTimeInTheHandlerIsNotChargedToThePipelinedRequestBehindIt() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(machine.bytesRead(now: at(1)), .parse)  // a slow request and the next one's head, together
        XCTAssertEqual(machine.requestParsed(moreInput: true, now: at(1)), at(1))
        machine.responseDeferred()
        // The handler runs for 100 s: no deadline of any kind fires meanwhile.
        XCTAssertEqual(machine.tick(now: at(101), timeouts: timeouts), .none)
        XCTAssertTrue(machine.responseArrived(now: at(101)))
        XCTAssertEqual(machine.requestStarted, at(101), "the next request is charged from the answer")
        XCTAssertEqual(machine.responseQueued(requestKeepsAlive: true, responseCloses: false), .keepAlive)
        machine.wroteBytes(now: at(101))
        XCTAssertEqual(flush(&machine, now: at(101), inputIsIdle: false), .keepOpen)
        machine.parserNeedsMoreData(inputIsIdle: false)  // its body has not come yet
        XCTAssertEqual(machine.tick(now: at(110.999), timeouts: timeouts), .none)
        XCTAssertEqual(machine.tick(now: at(111), timeouts: timeouts), .answerRequestTimeout)
    }

    func testExpectContinueIsOutputButNotAResponse() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(machine.bytesRead(now: at(1)), .parse)
        machine.interimResponseQueued()
        XCTAssertEqual(machine.interest, .write)
        XCTAssertEqual(flush(&machine, now: at(1), inputIsIdle: true), .keepOpen)
        XCTAssertFalse(machine.hasResponded)
        XCTAssertEqual(machine.tick(now: at(11), timeouts: timeouts), .answerRequestTimeout, "the body is still due")
    }

    // MARK: Write timeout (testClientThatNeverReadsIsClosedAtTheWriteDeadline)

    func testWriteTimeoutCountsFromTheLastProgress() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(machine.bytesRead(now: at(1)), .parse)
        _ = machine.requestParsed(moreInput: false, now: at(1))
        _ = machine.responseQueued(requestKeepsAlive: true, responseCloses: false)
        machine.wroteBytes(now: at(1))  // part of a large response; then the socket is full
        XCTAssertEqual(machine.interest, .write, "wait for room, read nothing meanwhile")
        XCTAssertEqual(machine.tick(now: at(30.999), timeouts: timeouts), .none)
        machine.wroteBytes(now: at(30))  // the client read a little
        XCTAssertEqual(machine.tick(now: at(59.999), timeouts: timeouts), .none)
        XCTAssertEqual(machine.tick(now: at(60), timeouts: timeouts), .close)
    }

    func testPendingOutputIsGovernedByTheWriteTimeoutAlone() {
        var machine = Machine(now: accepted)
        _ = serve(&machine, at: at(1))
        XCTAssertEqual(machine.bytesRead(now: at(2)), .parse)
        _ = machine.requestParsed(moreInput: false, now: at(2))
        _ = machine.responseQueued(requestKeepsAlive: true, responseCloses: false)
        machine.wroteBytes(now: at(20))
        // Quiet since 2 s: without the pending output this tick would free the buffers.
        XCTAssertEqual(machine.tick(now: at(49), timeouts: timeouts), .none, "no buffer release with output pending")
    }

    // MARK: Closing and lingering (testConnectionClose…, testOversizedBodyIs413WithoutReadingIt)

    func testClosingResponseClosesAtOnceWhenNothingIsUnread() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(serve(&machine, at: at(1), keepAlive: false), .close)
    }

    func testConnectionCloseFromTheHandlerEndsKeepAlive() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(machine.bytesRead(now: at(1)), .parse)
        _ = machine.requestParsed(moreInput: false, now: at(1))
        XCTAssertEqual(machine.responseQueued(requestKeepsAlive: true, responseCloses: true), .close)
        XCTAssertFalse(machine.canParse)
    }

    func testClosingWithUnreadInputLingersDiscardingInputThenCloses() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(serve(&machine, at: at(1), keepAlive: false, inputIsIdle: false), .shutWriteAndLinger)
        XCTAssertEqual(machine.phase, .lingering(until: at(3)))
        XCTAssertEqual(machine.interest, .read, "read on, to see the peer close")
        XCTAssertEqual(machine.bytesRead(now: at(2)), .discard)
        XCTAssertEqual(flush(&machine, now: at(2), inputIsIdle: false), .keepOpen, "lingers once")
        XCTAssertEqual(machine.tick(now: at(2.999), timeouts: timeouts), .none)
        XCTAssertEqual(machine.tick(now: at(3), timeouts: timeouts), .close)
    }

    // MARK: Shutdown (testGracefulShutdown…, testShutdownDeadlineBoundsHandlersThatNeverFinish)

    func testShutdownClosesIdleConnectionsAtOnce() {
        var kept = Machine(now: accepted)
        _ = serve(&kept, at: at(1))
        XCTAssertEqual(kept.shutdown(deadline: at(12), inputIsIdle: true), .close)
        var silent = Machine(now: accepted)
        XCTAssertEqual(silent.shutdown(deadline: at(12), inputIsIdle: true), .close)
        var partial = Machine(now: accepted)
        XCTAssertEqual(partial.bytesRead(now: at(1)), .parse)
        partial.parserNeedsMoreData(inputIsIdle: false)
        XCTAssertEqual(partial.shutdown(deadline: at(12), inputIsIdle: false), .none, "a request has begun")
        XCTAssertEqual(partial.tick(now: at(11), timeouts: timeouts), .answerRequestTimeout, "its deadline still holds")
    }

    func testShutdownFinishesTheRequestInFlightWithoutKeepAlive() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(machine.bytesRead(now: at(1)), .parse)
        _ = machine.requestParsed(moreInput: false, now: at(1))
        machine.responseDeferred()
        XCTAssertEqual(machine.shutdown(deadline: at(12), inputIsIdle: true), .none)
        XCTAssertFalse(machine.acceptsMoreRequests)
        XCTAssertEqual(machine.tick(now: at(11.999), timeouts: timeouts), .none)
        XCTAssertTrue(machine.responseArrived(now: at(11.999)))
        XCTAssertEqual(machine.responseQueued(requestKeepsAlive: true, responseCloses: false), .close, "no keep-alive")
        XCTAssertEqual(flush(&machine, now: at(11.999), inputIsIdle: true), .close)
    }

    func testShutdownDeadlineClosesEverythingWhateverItIsDoing() {
        var stuck = Machine(now: accepted)
        XCTAssertEqual(stuck.bytesRead(now: at(1)), .parse)
        _ = stuck.requestParsed(moreInput: false, now: at(1))
        stuck.responseDeferred()
        _ = stuck.shutdown(deadline: at(1.3), inputIsIdle: true)
        XCTAssertEqual(stuck.tick(now: at(1.299), timeouts: timeouts), .none)
        XCTAssertEqual(stuck.tick(now: at(1.3), timeouts: timeouts), .close, "a handler that never finishes")

        var writing = Machine(now: accepted)
        XCTAssertEqual(writing.bytesRead(now: at(1)), .parse)
        _ = writing.requestParsed(moreInput: false, now: at(1))
        _ = writing.responseQueued(requestKeepsAlive: true, responseCloses: false)
        _ = writing.shutdown(deadline: at(1.3), inputIsIdle: true)
        XCTAssertEqual(writing.tick(now: at(1.3), timeouts: timeouts), .close, "a client that never reads")
    }

    func testAfterShutdownAKeptAliveConnectionClosesOnItsNextQuietTick() {
        var machine = Machine(now: accepted)
        XCTAssertEqual(machine.bytesRead(now: at(1)), .parse)
        _ = machine.requestParsed(moreInput: false, now: at(1))
        // Queued just before shutdown began, so still persistent; the output is pending when shutdown starts.
        XCTAssertEqual(machine.responseQueued(requestKeepsAlive: true, responseCloses: false), .keepAlive)
        XCTAssertEqual(machine.shutdown(deadline: at(100), inputIsIdle: true), .none)
        XCTAssertEqual(flush(&machine, now: at(2), inputIsIdle: true), .keepOpen)
        XCTAssertEqual(machine.tick(now: at(2), timeouts: timeouts), .close, "no idle time once shutdown began")
    }
}

extension ParseEvent {
    fileprivate var isNeedMoreData: Bool {
        if case .needMoreData = self { return true }
        return false
    }
}
