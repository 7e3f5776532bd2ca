import Dispatch
import Foundation
import SQLite
import Synchronization
import WooAPI
import XCTest

/// Issue 12: several servers may open one store at the same instant, also a file that does not exist yet or one
/// written by an older schema. `Store.prepare` decides what to apply under the write lock, so the schema is applied
/// once and every opener comes up.
final class StorePrepareRaceTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-prepare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The interleaving that failed: a second opener reads version 0 while the first holds the write lock with the
    /// schema applied but not committed, then waits for the lock. Once it has it, it must see the schema is there.
    func testAnOpenerThatSawAnEmptyFileWhileAnotherCreatedItDoesNotCreateItAgain() throws {
        let path = directory.appendingPathComponent("store.sqlite").path
        let holder = try SQLite.Database(path: path)
        try holder.execute(sql: "BEGIN IMMEDIATE")
        try holder.execute(sql: Store.schemaSQL)
        let outcome = Mutex<(any Error)??>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let error: (any Error)?
            do { try Store.prepare(SQLite.Database(path: path)); error = nil } catch let thrown { error = thrown }
            outcome.withLock { $0 = .some(error) }
            done.signal()
        }
        usleep(200_000)  // it has read version 0 and is waiting for the write lock
        try holder.execute(sql: "COMMIT")
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        let error = try XCTUnwrap(outcome.withLock { $0 })
        XCTAssertNil(error, "second opener failed: \(String(describing: error))")
        XCTAssertEqual(try holder.userVersion(), Store.schemaVersion)
    }

    /// Six openers of one path that does not exist yet, at once (each with its own connection, as processes have):
    /// all succeed and the file has exactly the schema of a store opened alone.
    func testOpenersRacingOnANewFileAllSucceed() throws {
        let path = directory.appendingPathComponent("race.sqlite").path
        XCTAssertEqual(try prepareConcurrently(path, openers: 6), 6)
        let lone = directory.appendingPathComponent("lone.sqlite").path
        XCTAssertEqual(try prepareConcurrently(lone, openers: 1), 1)
        XCTAssertEqual(try schema(path), try schema(lone))
        XCTAssertEqual(try SQLite.Database(path: path).userVersion(), Store.schemaVersion)
    }

    /// Openers racing on a version-1 store: every one comes up, the upgrade runs once, the data stays.
    func testOpenersRacingToUpgradeAnOldStoreAllSucceed() throws {
        let path = directory.appendingPathComponent("v1.sqlite").path
        let db = try SQLite.Database(path: path)
        try db.transaction(.immediate) { db in try db.execute(sql: schemaVersion1) }
        try db.execute(sql: """
            INSERT INTO users (username, email, password_hash, created_at, updated_at)
            VALUES ('old', 'old@example.com', 'x', 1, 1);
            """)
        let users = try db.query("SELECT id, username FROM users ORDER BY id").map { "\($0[0]) \($0[1])" }
        XCTAssertEqual(try prepareConcurrently(path, openers: 6), 6)
        XCTAssertEqual(try db.userVersion(), Store.schemaVersion)
        XCTAssertEqual(try db.query("SELECT id, username FROM users ORDER BY id").map { "\($0[0]) \($0[1])" }, users)
        let lone = directory.appendingPathComponent("lone.sqlite").path
        XCTAssertEqual(try prepareConcurrently(lone, openers: 1), 1)
        XCTAssertEqual(try schema(path), try schema(lone))
    }

    /// Runs `Store.prepare` on `openers` threads released together, each on its own new connection; returns how
    /// many succeeded (failures are reported).
    private func prepareConcurrently(_ path: String, openers: Int) throws -> Int {
        let succeeded = Atomic<Int>(0)
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for _ in 0..<openers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                start.wait()
                do {
                    try Store.prepare(SQLite.Database(path: path))
                    succeeded.add(1, ordering: .relaxed)
                } catch {
                    XCTFail("an opener failed: \(error)")
                }
            }
        }
        for _ in 0..<openers { start.signal() }
        XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
        return succeeded.load(ordering: .relaxed)
    }

    /// Every table, index and trigger with its SQL, by name.
    private func schema(_ path: String) throws -> [String] {
        try SQLite.Database(path: path).query("SELECT type, name, sql FROM sqlite_master ORDER BY name").map {
            "\($0[0].stringValue ?? "") \($0[1].stringValue ?? ""): \($0[2].stringValue ?? "")"
        }
    }
}
