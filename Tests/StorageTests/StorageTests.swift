import Foundation
import Postgres
import PostgresTestSupport
import SQLite
import Storage
import XCTest

/// The store's seam (issue 12): the same SQL, written once in SQLite's form, runs through ``Storage/Database`` on
/// SQLite and on PostgreSQL with the same results.
final class StorageTests: XCTestCase {
    nonisolated(unsafe) private static var cluster: TestCluster?
    private var directory: URL!

    override class func setUp() {
        super.setUp()
        cluster = try? TestCluster.start()
    }

    override class func tearDown() {
        cluster?.stop()
        cluster = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("storage-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A fresh SQLite database and a fresh PostgreSQL database (its own, created for the test), each with `schema`.
    private func backEnds(_ schema: String) throws -> [Storage.Database] {
        let sqlite = try Storage.Database(path: directory.appendingPathComponent("test.sqlite").path)
        try sqlite.execute(sql: schema)
        let cluster = try XCTUnwrap(Self.cluster, "no PostgreSQL cluster could be started (see PostgresTests)")
        let name = "storage_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try PostgresConnection(conninfo: cluster.conninfo(database: "postgres"))
        try admin.execute("CREATE DATABASE \(name)")
        admin.close()
        let postgres = Storage.Database(postgres: try PostgresConnection(conninfo: cluster.conninfo(database: name)))
        try postgres.execute(sql: schema)
        return [sqlite, postgres]
    }

    private static let schema = """
        CREATE TABLE items (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL DEFAULT 0, note TEXT, flag INTEGER NOT NULL DEFAULT 0
        );
        """

    func testPlaceholdersAreNumberedForPostgres() {
        XCTAssertEqual(PostgresSession.numberedPlaceholders("SELECT ? , ?"), "SELECT $1 , $2")
        XCTAssertEqual(PostgresSession.numberedPlaceholders("UPDATE t SET a = ?2, b = ?3 WHERE id = ?1"),
                       "UPDATE t SET a = $2, b = $3 WHERE id = $1")
        XCTAssertEqual(PostgresSession.numberedPlaceholders("SELECT ?3, ?"), "SELECT $3, $4", "SQLite's rule for a bare ?")
        XCTAssertEqual(PostgresSession.numberedPlaceholders("SELECT '?', \"a?\", ? -- ?\n, ? /* ? */"),
                       "SELECT '?', \"a?\", $1 -- ?\n, $2 /* ? */")
        XCTAssertEqual(PostgresSession.numberedPlaceholders("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1")
    }

    func testTheSameStatementsGiveTheSameRowsOnBothBackEnds() throws {
        var outcomes: [[String]] = []
        for db in try backEnds(Self.schema) {
            var seen: [String] = []
            let insert = try db.cachedStatement("INSERT INTO items (id, name, price, note, flag) VALUES (?, ?, ?, ?, ?)")
            for (id, name, price, note, flag) in [(1, "Ann", 1.5, "x" as String?, true), (2, "bob ☃", 20.25, nil, false)] {
                try insert.bind(Int64(id), at: 1)
                try insert.bind(name, at: 2)
                try insert.bind(price, at: 3)
                if let note { try insert.bind(note, at: 4) } else { try insert.bindNull(at: 4) }
                try insert.bind(flag, at: 5)
                try insert.execute()
                seen.append("changes \(db.changes)")
            }
            try db.execute("UPDATE items SET price = price * 2 WHERE id >= ?", [.integer(1)])
            seen.append("changes \(db.changes)")
            let select = try db.cachedStatement("SELECT id, name, price, note, flag, id > 1 FROM items ORDER BY id")
            try select.forEach(nil) { row in
                let bytes = row.withText(at: 1) { $0.count }
                seen.append("\(row.int64(at: 0)) \(row.text(at: 1)) \(row.double(at: 2)) \(row.nullableText(at: 3) ?? "nil") "
                            + "\(row.bool(at: 4)) \(row.int(at: 5)) \(row.isNull(at: 3)) \(bytes)")
            }
            let names = try db.makeStatement("SELECT name FROM items WHERE price > ? ORDER BY id").map([.real(5)]) {
                $0.text(at: 0)
            }
            seen.append(names.joined(separator: ","))
            let missing = try db.cachedStatement("SELECT name FROM items WHERE id = ?").first([.integer(99)]) { $0.text(at: 0) }
            seen.append("missing \(missing ?? "nil")")
            let rows = try db.query("SELECT id, name, price, note FROM items ORDER BY id")
            seen.append(rows.map { $0.values.map(String.init(reflecting:)).joined(separator: " ") }.joined(separator: " | "))
            let returned = try db.cachedStatement("INSERT INTO items (id, name) VALUES (?, ?) RETURNING id")
                .first([.integer(7), .text("returned")]) { $0.int64(at: 0) }
            seen.append("returned \(returned ?? 0)")
            outcomes.append(seen)
        }
        XCTAssertEqual(outcomes.count, 2)
        XCTAssertEqual(outcomes[0], outcomes[1])
        XCTAssertEqual(outcomes[0].first, "changes 1")
        XCTAssertTrue(outcomes[0].contains("2 bob ☃ 40.5 nil false 1 true 7"), "\(outcomes[0])")
    }

    func testTransactionsAndSavepointsBehaveAlike() throws {
        for db in try backEnds(Self.schema) {
            try db.transaction { db in
                try db.execute("INSERT INTO items (id, name) VALUES (1, 'kept')")
                XCTAssertTrue(db.isInTransaction)
                XCTAssertThrowsError(try db.transaction { db in
                    try db.execute("INSERT INTO items (id, name) VALUES (2, 'undone')")
                    try db.execute("INSERT INTO items (id, name) VALUES (1, 'duplicate')")
                })
            }
            XCTAssertFalse(db.isInTransaction)
            XCTAssertThrowsError(try db.transaction { db in
                try db.execute("INSERT INTO items (id, name) VALUES (3, 'rolled back')")
                throw StorageError("abandon")
            })
            XCTAssertEqual(try db.query("SELECT name FROM items ORDER BY id").map { $0[0].stringValue }, ["kept"], "\(db.dialect)")
        }
    }

    func testTimeLimitsStopSlowReadsOnBothBackEnds() throws {
        let slow = [
            SQLDialect.sqlite: "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
            .postgres: "SELECT pg_sleep(5)",
        ]
        for db in try backEnds(Self.schema) {
            let started = Date()
            XCTAssertThrowsError(try db.runWithTimeLimit(.milliseconds(100)) { db in
                _ = try db.makeStatement(slow[db.dialect]!).first(nil) { $0.int64(at: 0) }
            }) { error in XCTAssertTrue(error is QueryTimeLimitExceeded, "\(db.dialect): \(error)") }
            XCTAssertLessThan(Date().timeIntervalSince(started), 2, "\(db.dialect)")
            // The connection is usable afterwards, with no limit left behind.
            XCTAssertEqual(try db.query("SELECT 1").first?[0].intValue, 1)
        }
    }

    func testInsertIDsComeFromReturningOnPostgres() throws {
        let dbs = try backEnds(Self.schema)
        try dbs[0].execute("INSERT INTO items (id, name) VALUES (41, 'a')")
        XCTAssertEqual(try dbs[0].lastInsertRowID(), 41)
        XCTAssertThrowsError(try dbs[1].lastInsertRowID())
        XCTAssertEqual(dbs.map(\.dialect), [.sqlite, .postgres])
        XCTAssertNotNil(dbs[0].sqlite)
        XCTAssertNotNil(dbs[1].postgres)
    }

    /// PostgreSQL's `text` cannot hold NUL (22021): its statements bind text without it, so a write or lookup with
    /// one succeeds there instead of failing, while SQLite keeps the text as given.
    func testNULIsDroppedFromPostgresTextAndKeptBySQLite() throws {
        let dbs = try backEnds(Self.schema)
        for db in dbs {
            try db.execute("INSERT INTO items (id, name, note) VALUES (1, ?, ?)", [.text("a\u{0}b"), .text("\u{0}")])
        }
        let rows = try dbs.map { db in
            try db.query("SELECT name, note FROM items WHERE name = ?", [.text("a\u{0}b")]).map(\.values)
        }
        XCTAssertEqual(rows[0], [[.text("a\u{0}b"), .text("\u{0}")]])
        XCTAssertEqual(rows[1], [[.text("ab"), .text("")]])
    }

    func testUnchangedOrReadRunsOnBothBackEnds() throws {
        let bounds = SQL("SELECT coalesce(max(id), 0), count(*) FROM items")
        for db in try backEnds(Self.schema) {
            try db.execute("INSERT INTO items (id, name) VALUES (5, 'a'), (9, 'b')")
            let values = try db.transaction(.deferred) { db in try db.unchangedOrRead(bounds) }
            XCTAssertEqual(values.0, 9)
            XCTAssertEqual(values.1, 2)
        }
    }
}
