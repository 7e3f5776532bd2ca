import Foundation
import Synchronization
@testable import WooAPI
import XCTest

/// The writers of several processes on one store take turns at its write lock (``WriteTurns``). Two `WriteTurns`
/// on one path in one process stand for two processes: their locks belong to their open files.
final class WriteTurnsTests: XCTestCase {
    private var directory: URL!
    private var path: String { directory.appendingPathComponent("store.sqlite").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-turns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// One writer at a time: a second `begin` waits until the holder's `end`.
    func testATurnIsExclusive() throws {
        let first = try XCTUnwrap(WriteTurns(storePath: path)), second = try XCTUnwrap(WriteTurns(storePath: path))
        first.begin()
        let events = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            second.begin()
            events.withLock { $0.append("second") }
            second.end()
            done.signal()
        }
        usleep(100_000)
        events.withLock { $0.append("first ends") }
        first.end()
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(events.withLock { $0 }, ["first ends", "second"])
    }

    /// The starvation SQLite's busy handler allowed: a holder that comes back for another turn while another writer
    /// waits must let it have one first, however fast it comes back.
    func testAWriterComingBackLetsTheWaitingOneGoFirst() throws {
        let first = try XCTUnwrap(WriteTurns(storePath: path)), second = try XCTUnwrap(WriteTurns(storePath: path))
        let events = Mutex<[String]>([])
        first.begin()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            second.begin()  // waits: the first holds the turn
            events.withLock { $0.append("second") }
            usleep(50_000)
            second.end()
            done.signal()
        }
        usleep(200_000)  // the second is waiting
        first.end()
        first.begin()  // at once, as a writer with its next batch queued does
        events.withLock { $0.append("first again") }
        first.end()
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(events.withLock { $0 }, ["second", "first again"])
    }

    /// A turn held past the waiter's patience (a process stopped mid-transaction): the waiter goes on without one
    /// (SQLite's lock and busy timeout decide then), so no writer waits for ever.
    func testAWaitEndsAfterThePatience() throws {
        let first = try XCTUnwrap(WriteTurns(storePath: path))
        let second = try XCTUnwrap(WriteTurns(storePath: path, patience: .milliseconds(300)))
        XCTAssertTrue(first.begin())
        let started = ContinuousClock.now
        XCTAssertFalse(second.begin())
        let waited = ContinuousClock.now - started
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(300))
        XCTAssertLessThan(waited, .seconds(3))
        first.end()
        XCTAssertTrue(second.begin())
        second.end()
    }

    /// An in-memory store has no file to take turns on.
    func testAnInMemoryStoreHasNoTurns() {
        XCTAssertNil(WriteTurns(storePath: ":memory:"))
        XCTAssertNil(WriteTurns(storePath: ""))
    }
}
