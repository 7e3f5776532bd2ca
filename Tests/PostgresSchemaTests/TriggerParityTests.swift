import Foundation
import Postgres
import PostgresTestSupport
import SQLite
import WooAPI
import XCTest

/// The triggers of schema.postgres.sql have the effects of schema.sql's: one scenario of user and order writes,
/// run on both, leaves the same users (figures, versions), orders (guest orders), change logs and role counts
/// (summed on PostgreSQL) after every step. Then what only PostgreSQL has to get right: figures and role counts
/// under concurrent writers, and the fold of the role-count deltas.
final class TriggerParityTests: SchemaTestCase {
    /// What the scenario compares after each step: everything the triggers write, and the rows they act on.
    private static let observations = [
        "SELECT id, username, email, role, orders_count, total_spent_cents, last_order_id, last_order_date, version "
            + "FROM users ORDER BY id",
        "SELECT id, customer_id, status, total_cents, created_at, updated_at FROM orders ORDER BY id",
        "SELECT seq, role, created_at, id, email, username, delta FROM user_list_changes ORDER BY seq",
        "SELECT seq, status, created_at, updated_at, id, delta FROM order_list_changes ORDER BY seq",
        "SELECT role, sum(users) FROM role_counts GROUP BY role ORDER BY role",
        "SELECT id, type FROM posts ORDER BY id",
    ]

    private static let insertUser = """
        INSERT INTO users (username, email, password_hash, role, created_at, updated_at) \
        VALUES ($1, $2, '!', $3, $4, $4) RETURNING id
        """

    /// Inserts an order the way the store does (a post id first) and returns its id.
    private static func insertOrder(_ db: some EngineSession, customer: Int64, status: String, cents: Int64,
                                    at time: Int64) throws -> Int64 {
        let id = try db.integer("INSERT INTO posts (type) VALUES ('shop_order') RETURNING id")
        try db.run("""
            INSERT INTO orders (id, customer_id, status, total_cents, created_at, updated_at) \
            VALUES ($1, $2, $3, $4, $5, $5)
            """, [.integer(id), .integer(customer), .text(status), .integer(cents), .integer(time)])
        return id
    }

    /// The scenario's steps, each a name and what it does on one engine.
    private static func steps() -> [(String, (any EngineSession) throws -> Void)] {
        func user(_ db: any EngineSession, _ name: String) throws -> Int64 {
            try db.integer("SELECT id FROM users WHERE username = $1", [.text(name)])
        }
        func order(_ db: any EngineSession, _ customer: String, _ cents: Int64) throws -> Int64 {
            try db.integer("SELECT id FROM orders WHERE total_cents = $1 AND created_at >= 200", [.integer(cents)])
        }
        return [
            ("insert users", { db in
                for (index, (name, email, role)) in [
                    ("alice", "Alice@Example.com", "customer"), ("bob", "bob@example.com", "customer"),
                    ("carol", "carol@shop.test", "shop_manager"), ("dave", "", "customer"), ("eve", "", "customer"),
                ].enumerated() {
                    _ = try db.integer(insertUser, [.text(name), .text(email), .text(role),
                                                    .integer(100 + Int64(index))])
                }
            }),
            ("insert orders in every status", { db in
                let alice = try user(db, "alice"), bob = try user(db, "bob")
                for (index, (customer, status, cents)) in [
                    (alice, "pending", 1000), (alice, "processing", 2550), (alice, "completed", 500),
                    (alice, "trash", 9900), (bob, "completed", 700), (0, "pending", 300), (bob, "on-hold", 1200),
                ].enumerated() {
                    _ = try insertOrder(db, customer: customer, status: status, cents: Int64(cents),
                                        at: 200 + Int64(index))
                }
            }),
            ("complete a pending order", { db in
                try db.run("UPDATE orders SET status = 'completed', updated_at = 300 WHERE id = $1",
                           [.integer(try order(db, "alice", 1000))])
            }),
            ("move an order to another customer", { db in
                try db.run("UPDATE orders SET customer_id = $1 WHERE id = $2",
                           [.integer(try user(db, "bob")), .integer(try order(db, "alice", 2550))])
            }),
            ("change a total", { db in
                try db.run("UPDATE orders SET total_cents = 800 WHERE id = $1", [.integer(try order(db, "bob", 700))])
            }),
            ("write a column no trigger watches", { db in
                try db.run("UPDATE orders SET note = 'gift' WHERE id = $1", [.integer(try order(db, "alice", 500))])
            }),
            ("trash and restore", { db in
                try db.run("UPDATE orders SET status = 'trash' WHERE id = $1", [.integer(try order(db, "bob", 1200))])
                try db.run("UPDATE orders SET status = 'pending' WHERE id = $1",
                           [.integer(try order(db, "alice", 9900))])
            }),
            ("change an email's case only", { db in
                try db.run("UPDATE users SET email = 'BOB@example.com' WHERE username = 'bob'")
            }),
            ("change a role", { db in
                try db.run("UPDATE users SET role = 'customer' WHERE username = 'carol'")
            }),
            ("change a name", { db in
                try db.run("UPDATE users SET first_name = 'Alice' WHERE username = 'alice'")
            }),
            ("change login and email", { db in
                try db.run("UPDATE users SET username = 'Dave2', email = 'dave@example.com' WHERE username = 'dave'")
            }),
            ("delete an order", { db in
                try db.run("DELETE FROM orders WHERE id = $1", [.integer(try order(db, "bob", 800))])
            }),
            ("delete a customer with orders", { db in
                try db.run("DELETE FROM users WHERE username = 'alice'")
            }),
            ("delete a customer without orders", { db in
                try db.run("DELETE FROM users WHERE username = 'eve'")
            }),
            ("a guest order of a deleted customer changes status", { db in
                try db.run("UPDATE orders SET status = 'processing' WHERE id = $1",
                           [.integer(try order(db, "alice", 500))])
            }),
        ]
    }

    func testTheSameWritesLeaveTheSameRowsOnBothEngines() throws {
        let sqlite = SQLiteSession(database: try makeSQLiteStore())
        let postgres = PostgresSession(connection: try makePostgresStore())
        try assertSameObservations(sqlite, postgres, after: "the schema")
        for (name, step) in Self.steps() {
            try step(sqlite)
            try step(postgres)
            try assertSameObservations(sqlite, postgres, after: name)
        }
        // Folding the deltas changes no sum.
        try postgres.run(PostgresSchema.foldRoleCountsSQL)
        try assertSameObservations(sqlite, postgres, after: "folding the role counts")
        XCTAssertEqual(try postgres.integer("SELECT count(*) - count(DISTINCT role) FROM role_counts"), 0,
                       "one row per role after a fold")
        // The scenario did what it says (not two engines agreeing on nothing).
        let users = try sqlite.rows("SELECT username, orders_count, total_spent_cents FROM users ORDER BY id")
        XCTAssertEqual(users, [["admin", "0", "0"], ["bob", "1", "2550"], ["carol", "0", "0"], ["Dave2", "0", "0"]])
        XCTAssertEqual(try sqlite.integer("SELECT count(*) FROM orders WHERE customer_id = 0"), 4)
    }

    /// Both change logs keep their last 16,384 entries, pruned 256 at a time, on both engines. (SQLite also keeps
    /// what its search index has not replayed; its mark is moved past the log here, as the indexer would.)
    func testTheChangeLogsArePrunedAlike() throws {
        let sqlite = SQLiteSession(database: try makeSQLiteStore())
        let postgres = PostgresSession(connection: try makePostgresStore())
        try sqlite.run("UPDATE search_progress SET seq = 1000000")
        let entries: [ScenarioValue] = [.integer(16_384 + 600)]
        for db in [sqlite, postgres] as [any EngineSession] {
            try db.run("""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
                INSERT INTO user_list_changes (role, created_at, id, email, username, delta) \
                SELECT 'customer', i, i, '', '', 1 FROM n
                """, entries)
            try db.run("""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
                INSERT INTO order_list_changes (status, created_at, updated_at, id, delta) \
                SELECT 'pending', i, i, i, 1 FROM n
                """, entries)
        }
        for query in ["SELECT min(seq), max(seq), count(*) FROM user_list_changes",
                      "SELECT min(seq), max(seq), count(*) FROM order_list_changes"] {
            XCTAssertEqual(try postgres.rows(query), try sqlite.rows(query), query)
            // The last prune ran at 16,896 (the last multiple of 256) and kept seq 513 on.
            XCTAssertEqual(try postgres.rows(query), [["513", "16984", "16472"]], query)
        }
    }

    func testAnEmailTakenInAnotherCaseIsRefusedOnBothEngines() throws {
        let sessions: [any EngineSession] = [SQLiteSession(database: try makeSQLiteStore()),
                                            PostgresSession(connection: try makePostgresStore())]
        for db in sessions {
            _ = try db.integer(Self.insertUser, [.text("bob"), .text("bob@example.com"), .text("customer"),
                                                 .integer(1)])
            XCTAssertThrowsError(try db.run(Self.insertUser, [.text("bob2"), .text("BOB@EXAMPLE.COM"),
                                                              .text("customer"), .integer(2)]), db.engine)
            XCTAssertThrowsError(try db.run(Self.insertUser, [.text("BOB"), .text("other@example.com"),
                                                              .text("customer"), .integer(3)]), db.engine)
            for name in ["nomail1", "nomail2"] {
                XCTAssertNoThrow(try db.run(Self.insertUser, [.text(name), .text(""), .text("customer"), .integer(4)]),
                                 "\(db.engine): many users without an email")
            }
            // Non-ASCII letters are not folded (NOCASE and citext under the C locale alike).
            XCTAssertNoThrow(try db.run(Self.insertUser, [.text("Éva"), .text("éva@example.com"), .text("customer"),
                                                          .integer(5)]))
            XCTAssertNoThrow(try db.run(Self.insertUser, [.text("éva"), .text("Éva@example.com"), .text("customer"),
                                                          .integer(6)]), db.engine)
        }
    }

    /// The race the lock in orders_stats closes, made to happen: a transaction writes an order of a customer
    /// and has not committed; another writes an order of the same customer and has to wait for it. After both
    /// committed, the figures count both orders (without the lock, the second counted with a snapshot from
    /// before the first committed, and lost it).
    func testAnOrderWaitingForAnotherTransactionsOrderCountsBoth() throws {
        let first = try makePostgresStore()
        let db = PostgresSession(connection: first)
        let customer = try db.integer(Self.insertUser, [.text("busy"), .text("busy@example.com"),
                                                        .text("customer"), .integer(1)])
        let url = try cluster.url()
        let failures = ThreadFailures()
        try first.execute("BEGIN")
        _ = try Self.insertOrder(db, customer: customer, status: "completed", cents: 1000, at: 10)
        let secondDone = DispatchSemaphore(value: 0)
        Thread {
            defer { secondDone.signal() }
            do {
                let connection = try PostgresConnection(conninfo: url)
                _ = try Self.insertOrder(PostgresSession(connection: connection), customer: customer,
                                         status: "processing", cents: 234, at: 11)
            } catch {
                failures.record("second writer: \(error)")
            }
        }.start()
        // Commit once the second writer waits for the first's lock on the customer.
        let observer = try PostgresConnection(conninfo: url)
        var waited = false
        for _ in 0..<200 where !waited {
            waited = try observer.execute("""
                SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()
                """).int64(row: 0, column: 0) == 1
            if !waited { usleep(10_000) }
        }
        XCTAssertTrue(waited, "the second writer never waited for the first")
        try first.execute("COMMIT")
        XCTAssertEqual(secondDone.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(failures.all, [])
        XCTAssertEqual(try db.rows("SELECT orders_count, total_spent_cents FROM users WHERE id = $1",
                                   [.integer(customer)]), [["2", "1234"]])
    }

    /// Three connections write orders of one customer at once, at READ COMMITTED (PostgreSQL's default): the
    /// figures still equal the aggregates. (A stress check; the test above makes the race happen for certain.)
    func testOrderFiguresStayExactUnderConcurrentWriters() throws {
        let setup = PostgresSession(connection: try makePostgresStore())
        let customer = try setup.integer(Self.insertUser, [.text("busy"), .text("busy@example.com"),
                                                           .text("customer"), .integer(1)])
        let url = try cluster.url()
        let failures = ThreadFailures()
        runConcurrently(threads: 3) { thread in
            do {
                let connection = try PostgresConnection(conninfo: url)
                let db = PostgresSession(connection: connection)
                for index in 0..<40 {
                    let status = ["pending", "processing", "completed", "trash"][(index + thread) % 4]
                    try connection.transaction { _ in
                        _ = try Self.insertOrder(db, customer: customer, status: status,
                                                 cents: Int64(100 * thread + index), at: Int64(1000 + index))
                    }
                    if index % 5 == 0 {
                        try db.run("UPDATE orders SET status = 'completed' WHERE id = (SELECT max(id) FROM orders "
                                   + "WHERE customer_id = $1 AND status = 'pending')", [.integer(customer)])
                    }
                }
            } catch {
                failures.record("thread \(thread): \(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
        let figures = try setup.rows("""
            SELECT orders_count, total_spent_cents, last_order_id, last_order_date FROM users WHERE id = $1
            """, [.integer(customer)])
        let expected = try setup.rows("""
            SELECT count(*) FILTER (WHERE status <> 'trash'), \
                   coalesce(sum(total_cents) FILTER (WHERE status IN ('processing', 'completed')), 0), \
                   max(id) FILTER (WHERE status <> 'trash'), \
                   (SELECT created_at FROM orders WHERE customer_id = $1 AND status <> 'trash' \
                    ORDER BY id DESC LIMIT 1) \
            FROM orders WHERE customer_id = $1
            """, [.integer(customer)])
        XCTAssertEqual(figures, expected)
        XCTAssertEqual(try setup.integer("SELECT count(*) FROM orders"), 120)
    }

    /// Two connections insert, move and delete users while a third folds the deltas again and again: every role's
    /// sum equals its users, and the last fold leaves one row per role.
    func testRoleCountsStayExactWhileFoldsRunBesideWriters() throws {
        let setup = PostgresSession(connection: try makePostgresStore())
        let url = try cluster.url()
        let failures = ThreadFailures()
        let writersDone = ThreadCounter()
        runConcurrently(threads: 3) { thread in
            do {
                let connection = try PostgresConnection(conninfo: url)
                let db = PostgresSession(connection: connection)
                if thread == 2 {
                    repeat {
                        try db.run(PostgresSchema.foldRoleCountsSQL)
                    } while writersDone.value < 2
                    return
                }
                defer { writersDone.increment() }
                for index in 0..<150 {
                    let role = ["customer", "subscriber", "customer"][index % 3]
                    let id = try db.integer(Self.insertUser, [.text("u\(thread)-\(index)"), .text(""), .text(role),
                                                              .integer(Int64(index))])
                    if index % 7 == 0 { try db.run("UPDATE users SET role = 'editor' WHERE id = $1", [.integer(id)]) }
                    if index % 11 == 0 { try db.run("DELETE FROM users WHERE id = $1", [.integer(id)]) }
                }
            } catch {
                failures.record("thread \(thread): \(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
        // A role whose users all left keeps a row summing to 0, as on SQLite; users has no row for it.
        let counted = try setup.rows("SELECT role, count(*) FROM users GROUP BY role ORDER BY role")
        XCTAssertEqual(try setup.rows("""
            SELECT role, sum(users) FROM role_counts GROUP BY role HAVING sum(users) <> 0 ORDER BY role
            """), counted)
        XCTAssertEqual(counted.count, 4, "administrator, customer, editor, subscriber: \(counted)")
        try setup.run(PostgresSchema.foldRoleCountsSQL)
        XCTAssertEqual(try setup.rows("SELECT role, users::text FROM role_counts WHERE users <> 0 ORDER BY role"),
                       counted)
        XCTAssertEqual(try setup.integer("SELECT count(*) - count(DISTINCT role) FROM role_counts"), 0)
    }

    /// Every observation query gives the same rows on both engines.
    private func assertSameObservations(_ sqlite: SQLiteSession, _ postgres: PostgresSession, after step: String,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        for query in Self.observations {
            XCTAssertEqual(try sqlite.rows(query), try postgres.rows(query), "after \(step): \(query)",
                           file: file, line: line)
        }
    }
}
