import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import Synchronization
import TestSupport
import XCTest

/// The customers API end to end on a PostgreSQL store (issue 12, docs/scale-out.md §3 step 3): `keys create` and
/// a real `serve` process on a throw-away cluster's URL, then the same requests against a SQLite store, which must
/// answer with the same statuses, totals, links and bodies byte for byte (registration dates, which depend on the
/// second each create ran in, are the only thing blanked; ids are the same on both, since a failed create takes
/// none on either).
final class PostgresCustomersTests: BackEndScriptTestCase {
    /// The customers routes on PostgreSQL: create, read, update, delete, counts, pages, orders, searches, the
    /// email route and the 400s for an email or login already taken; each answer checked on its own, then
    /// compared with SQLite's.
    func testTheCustomersAPIAnswersOnPostgreSQLAsOnSQLite() throws {
        let postgres = try runOnBothBackEnds(Self.script)
        func answer(_ method: String, _ path: String) throws -> Exchange { try exchange(method, path, in: postgres) }

        // Creates: ids from 2 (the administrator is 1), in order; the taken email and login refused with 400.
        let creates = postgres.filter { $0.method == "POST" && $0.path == "/customers" }
        XCTAssertEqual(creates.map(\.status), [201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 400, 400])
        XCTAssertEqual(creates.prefix(12).compactMap { Self.customer($0)?["id"] as? Int }, Array(2...13))
        XCTAssertTrue(creates[12].body.contains("registration-error-email-exists"), creates[12].body)
        XCTAssertTrue(creates[13].body.contains("registration-error-username-exists"), creates[13].body)

        // Reads, the update and its refusal, the email route.
        XCTAssertEqual(Self.customer(try answer("GET", "/customers/3"))?["email"] as? String, "bob.stone@example.com")
        XCTAssertEqual(try answer("GET", "/customers/999").status, 404)
        let updated = try answer("PUT", "/customers/3")
        XCTAssertEqual(updated.status, 200, updated.body)
        XCTAssertEqual(Self.customer(updated)?["last_name"] as? String, "Stone-Smith")
        XCTAssertEqual((Self.customer(updated)?["billing_address"] as? [String: Any])?["city"] as? String, "Lyon")
        XCTAssertEqual(try answer("PUT", "/customers/4").status, 400)
        XCTAssertEqual(Self.customer(try answer("GET", "/customers/email/ALICE.MARTIN@example.com"))?["id"] as? Int, 2)
        XCTAssertEqual(try answer("GET", "/customers/email/nobody@example.com").status, 404)

        // Counts and totals before and after the delete.
        XCTAssertEqual(try answer("GET", "/customers/count").body, #"{"count":12}"#)
        XCTAssertEqual(try answer("GET", "/customers/count?filter%5Bq%5D=%2Aexample.org").body, #"{"count":3}"#)
        XCTAssertEqual(try answer("DELETE", "/customers/5").status, 200)
        XCTAssertEqual(try answer("DELETE", "/customers/5?again").status, 404)
        XCTAssertEqual(try answer("GET", "/customers/count?after-delete").body, #"{"count":11}"#)

        // Pages: totals, page counts and ids in order.
        let page2 = try answer("GET", "/customers?filter%5Blimit%5D=5&page=2&fields=id")
        XCTAssertEqual(page2.total, "12")
        XCTAssertEqual(page2.totalPages, "3")
        XCTAssertEqual(page2.body, #"{"customers":[{"id":7},{"id":8},{"id":9},{"id":10},{"id":11}]}"#)
        let afterDelete = try answer("GET", "/customers?filter%5Blimit%5D=5&page=3&fields=id&after-delete")
        XCTAssertEqual(afterDelete.total, "11")
        XCTAssertEqual(afterDelete.body, #"{"customers":[{"id":13}]}"#)

        // Searches: `*term*` through the trigram index, `term*`, exact, numeric (login or id), other roles.
        XCTAssertEqual(try answer("GET", "/customers?filter%5Bq%5D=%2Astone%2A&fields=id").body,
                       #"{"customers":[{"id":3},{"id":9}]}"#)
        XCTAssertEqual(try answer("GET", "/customers?filter%5Bq%5D=%2AEXAMPLE.ORG&fields=id").total, "3")
        XCTAssertEqual(try answer("GET", "/customers?filter%5Bq%5D=carol%2A&fields=id").body,
                       #"{"customers":[{"id":4},{"id":10}]}"#)
        XCTAssertEqual(try answer("GET", "/customers?filter%5Bq%5D=dave_k&fields=id").body,
                       #"{"customers":[{"id":5}]}"#)
        // A `%` in the term is a literal percent sign: `*50%*` matches no login "sale50".
        XCTAssertEqual(try answer("GET", "/customers?filter%5Bq%5D=%2A50%25%2A&fields=id").body, #"{"customers":[]}"#)
        XCTAssertEqual(try answer("GET", "/customers?filter%5Bq%5D=%2Ae50%2A&fields=id").body,
                       #"{"customers":[{"id":12}]}"#)
        XCTAssertEqual(try answer("GET", "/customers?filter%5Bq%5D=6&fields=id").body, #"{"customers":[{"id":6}]}"#)
        XCTAssertEqual(try answer("GET", "/customers?filter%5Brole%5D=administrator&fields=id").body,
                       #"{"customers":[{"id":1}]}"#)
        XCTAssertEqual(try answer("GET", "/customers?filter%5Brole%5D=customer%2Cadministrator").total, "0")
        XCTAssertEqual(try answer("GET", "/customers?filter%5Bq%5D=http%3A%2F%2Fexample.com").total, "0")
    }

    /// The same new email created through one PostgreSQL server on eight connections at once: exactly one 201, the
    /// others the real store's 400 (the unique index decides, the loser's job run again, not the
    /// order the checks ran in), and the count moves by one.
    func testTheSameEmailCreatedConcurrentlyIsCreatedOnce() throws {
        let database = try cluster.url()
        let key = try CLIKey.create(database: database)
        let server = try ServerProcess(database: database)
        defer {
            server.signal(SIGTERM)
            _ = server.wait(timeout: 10)
        }
        for round in 0..<5 {
            let statuses = Mutex<[Int]>([])
            let group = DispatchGroup()
            for _ in 0..<8 {
                let connection = UncheckedAPIConnection(try APIConnection(port: server.port, key: key))
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    let body = #"{"customer":{"email":"same-\#(round)@example.com"}}"#
                    let status = (try? connection.value.send("POST", "/customers", json: body).status) ?? 0
                    statuses.withLock { $0.append(status) }
                }
            }
            XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
            XCTAssertEqual(statuses.withLock { $0.sorted() }, [201] + Array(repeating: 400, count: 7), "round \(round)")
        }
        let count = try APIConnection(port: server.port, key: key).send("GET", "/customers/count")
        XCTAssertEqual(count.text, #"{"count":5}"#)
        let lines = server.errorOutput.split(separator: "\n").filter { !$0.contains("listening on http://") }
        XCTAssertEqual(lines, [], "the server logged")
    }

    /// Every session of the server ended by the database (as a restart or an administrator does): the requests
    /// that meet a dead connection fail, each connection once, and the server then connects again by itself, for
    /// reads, lists, the read pool and the writers alike. (Answering those few with a 503 instead of a 500 is
    /// docs/scale-out.md §3 step 5.)
    func testTheServerConnectsAgainAfterItsSessionsWereEnded() throws {
        let database = try cluster.url()
        let key = try CLIKey.create(database: database)
        let server = try ServerProcess(database: database, extraArguments: ["--read-threads", "2"])
        defer {
            server.signal(SIGTERM)
            _ = server.wait(timeout: 10)
        }
        let connection = try APIConnection(port: server.port, key: key)
        func create(_ email: String) throws -> Int {
            try connection.send("POST", "/customers", json: #"{"customer":{"email":"\#(email)"}}"#).status
        }
        XCTAssertEqual(try create("before@example.com"), 201)
        // Every kind of connection in use: point reads, lists and a search on the read pool, a write.
        XCTAssertEqual(try connection.send("GET", "/customers/2").status, 200)
        XCTAssertEqual(try connection.send("GET", "/customers").status, 200)
        XCTAssertEqual(try connection.send("GET", "/customers?filter%5Bq%5D=%2Aexample%2A").status, 200)

        let admin = try makeConnection()
        defer { admin.close() }
        let ended = try admin.execute("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            """)
        XCTAssertGreaterThanOrEqual(try ended.int64(row: 0, column: 0) ?? 0, 3)

        var statuses: [String: [Int]] = [:]
        for round in 0..<12 {
            statuses["create", default: []].append(try create("after-\(round)@example.com"))
            statuses["read", default: []].append(try connection.send("GET", "/customers/2").status)
            statuses["list", default: []].append(try connection.send("GET", "/customers").status)
            statuses["search", default: []].append(
                try connection.send("GET", "/customers?filter%5Bq%5D=%2Aafter%2A").status)
        }
        for (kind, seen) in statuses {
            let success = kind == "create" ? 201 : 200
            // A request that met an ended session is a 503 database_unavailable (a client may retry it), never a 500.
            XCTAssertTrue(seen.allSatisfy { $0 == success || $0 == 503 }, "\(kind): \(seen)")
            XCTAssertEqual(Array(seen.suffix(4)), Array(repeating: success, count: 4), "\(kind): \(seen)")
        }
        // Every create answered 201 is there. A 503 may still have committed: the write succeeded and reading the
        // new customer back for the answer met a dead read connection (the count says how many did).
        let answers = statuses["create"]!
        for (round, status) in answers.enumerated() where status == 201 {
            XCTAssertEqual(try connection.send("GET", "/customers/email/after-\(round)@example.com").status, 200)
        }
        let count = try XCTUnwrap(try connection.send("GET", "/customers/count").json() as? [String: Int])["count"]
        let created = answers.filter { $0 == 201 }.count
        XCTAssertTrue((created + 1...answers.count + 1).contains(count ?? -1), "count \(count ?? -1), \(answers)")
        // And the load balancers' probe reads the database again.
        let probe = try RawClient(port: server.port, timeout: 10)
        try probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(try probe.readResponse().status, 200)
    }

    /// `keys` on a PostgreSQL URL and conninfo: create (which brings a new database to the schema), list and
    /// revoke. (`seed` on PostgreSQL: `PostgresOrdersTests.testSeedWritesAPostgreSQLStore`.)
    func testKeysWorkOnPostgreSQL() throws {
        let url = try cluster.url(), conninfo = try cluster.conninfo()
        let key = try CLIKey.create(database: url)
        XCTAssertTrue(key.consumerKey.hasPrefix("ck_"))
        let listed = try runServerBinary(["keys", "list", "--database", conninfo])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.hasPrefix("1\tread_write\tuser 1\t…\(key.consumerKey.suffix(7))"), listed.stdout)
        let revoked = try runServerBinary(["keys", "revoke", "--database", url, key.consumerKey])
        XCTAssertEqual(revoked.status, 0, revoked.stderr)
        XCTAssertEqual(try runServerBinary(["keys", "list", "--database", url]).stdout, "")
    }

    /// `make run DATABASE=postgresql://…`: `keys demo` makes a key on a store without one, remembers it (mode 0600)
    /// in the current directory under a name made from the location, and shows the same curl line again; the key
    /// works against `serve` on that database.
    func testKeysDemoServesMakeRunOnPostgreSQL() throws {
        let url = try cluster.url()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let first = try runServerBinary(["keys", "demo", "--database", url, "--port", "8123"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("Created a demo API key"), first.stdout)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".wc-api-demo-key-") }
        XCTAssertEqual(files.count, 1)
        let mode = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(files[0]).path)[.posixPermissions]
        XCTAssertEqual(mode as? Int, 0o600)
        let again = try runServerBinary(["keys", "demo", "--database", url, "--port", "8123"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let curl = { (text: String) in text.split(separator: "\n").first { $0.contains("curl -s -u") }.map(String.init) }
        XCTAssertNotNil(curl(first.stdout))
        XCTAssertEqual(curl(again.stdout), curl(first.stdout), "the same key is shown again")
        let credentials = try XCTUnwrap(curl(first.stdout)?.split(separator: " ")[3].split(separator: ":"))
        let server = try ServerProcess(database: url)
        defer { server.signal(SIGTERM); _ = server.wait(timeout: 10) }
        let key = CLIKey(consumerKey: String(credentials[0]), consumerSecret: String(credentials[1]))
        XCTAssertEqual(try APIConnection(port: server.port, key: key).send("GET", "/customers/count").status, 200)
    }

    // MARK: The script

    private static let script: [Step] = {
        var steps: [(method: String, path: String, json: String?)] = []
        let people = [
            ("alice.martin@example.com", #""first_name":"Alice","last_name":"Martin""#),
            ("bob.stone@example.com", #""username":"bobby","billing_address":{"city":"Paris","country":"FR"}"#),
            ("carol@example.com", #""first_name":"Carol","password":"correct horse battery""#),
            ("dave@example.org", #""username":"dave_k""#),
            ("eve@example.com", #""shipping_address":{"postcode":"75001"}"#),
            ("frank@example.net", ""),
            ("grace@example.com", #""last_name":"O'Neil \"Gracie\" Ünal""#),
            ("stone.henry@example.org", ""),
            ("carol.two@example.com", ""),
            ("ivan@example.com", #""username":"ivan.x""#),
            ("half@example.org", #""username":"sale50""#),
            ("Zed@Example.com", ""),
        ]
        for (email, extra) in people {
            let fields = extra.isEmpty ? "" : "," + extra
            steps.append(("POST", "/customers", #"{"customer":{"email":"\#(email)"\#(fields)}}"#))
        }
        steps.append(("POST", "/customers", #"{"customer":{"email":"ALICE.martin@example.com"}}"#))
        steps.append(("POST", "/customers", #"{"customer":{"email":"new@example.com","username":"BOBBY"}}"#))
        let reads = [
            "/customers/3", "/customers/999", "/customers/email/ALICE.MARTIN@example.com",
            "/customers/email/nobody@example.com", "/customers/count", "/customers/count?filter%5Bq%5D=%2Aexample.org",
            "/customers", "/customers?filter%5Blimit%5D=5&page=2&fields=id",
            "/customers?filter%5Blimit%5D=5&page=3", "/customers?filter%5Blimit%5D=-1&fields=id,email",
            "/customers?filter%5Borderby%5D=email&filter%5Border%5D=desc&fields=email",
            "/customers?filter%5Borderby%5D=username&filter%5Blimit%5D=4&page=2&fields=username",
            "/customers?filter%5Borderby%5D=id&filter%5Border%5D=desc&filter%5Boffset%5D=3&fields=id",
            "/customers?filter%5Borderby%5D=email,username&fields=id",
            "/customers?filter%5Bcreated_at_min%5D=2020-01-01&filter%5Blimit%5D=3&fields=id",
            "/customers?filter%5Bq%5D=%2Astone%2A&fields=id", "/customers?filter%5Bq%5D=%2AEXAMPLE.ORG&fields=id",
            "/customers?filter%5Bq%5D=carol%2A&fields=id", "/customers?filter%5Bq%5D=dave_k&fields=id",
            "/customers?filter%5Bq%5D=%2A50%25%2A&fields=id", "/customers?filter%5Bq%5D=%2Ae50%2A&fields=id",
            "/customers?filter%5Bq%5D=6&fields=id",
            "/customers?filter%5Bq%5D=%2Ao%2A&filter%5Blimit%5D=2&page=2&fields=id",
            "/customers?filter%5Brole%5D=administrator&fields=id",
            "/customers?filter%5Brole%5D=customer%2Cadministrator",
            "/customers?filter%5Bq%5D=http%3A%2F%2Fexample.com", "/customers?page=9",
        ]
        steps += reads.map { ("GET", $0, nil) }
        steps.append(
            ("PUT", "/customers/3", #"{"customer":{"last_name":"Stone-Smith","billing_address":{"city":"Lyon"}}}"#))
        steps.append(("PUT", "/customers/4", #"{"customer":{"email":"dave@EXAMPLE.org"}}"#))
        steps.append(("GET", "/customers/3?after-update", nil))
        steps.append(("DELETE", "/customers/5", nil))
        steps.append(("DELETE", "/customers/5?again", nil))
        steps.append(("GET", "/customers/count?after-delete", nil))
        steps.append(("GET", "/customers?filter%5Blimit%5D=5&page=3&fields=id&after-delete", nil))
        steps.append(("GET", "/customers?filter%5Bq%5D=%2Adave%2A&after-delete", nil))
        return steps
    }()

    /// `text` with registration dates (the second each create ran in) and the server's port blanked.
    override class func blanked(_ text: String, port: UInt16) -> String {
        let dates = try! NSRegularExpression(pattern: #""created_at":"[0-9T:-]+Z""#)
        let range = NSRange(text.startIndex..., in: text)
        return dates.stringByReplacingMatches(in: text, range: range, withTemplate: #""created_at":"…""#)
            .replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:PORT")
    }

    private static func customer(_ exchange: Exchange) -> [String: Any]? {
        let object = try? JSONSerialization.jsonObject(with: Data(exchange.body.utf8)) as? [String: Any]
        return object?["customer"] as? [String: Any]
    }
}

/// Hands a connection opened on the test's thread to the one worker thread that uses it.
private final class UncheckedAPIConnection: @unchecked Sendable {
    let value: APIConnection
    init(_ value: APIConnection) { self.value = value }
}
