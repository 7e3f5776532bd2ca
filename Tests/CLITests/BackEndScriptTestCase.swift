import Foundation
import Glibc
import PostgresTestSupport
import TestSupport
import XCTest

/// Base of the suites that run one script of requests against a PostgreSQL store and a SQLite store and compare
/// the answers (issue 12: every back end answers the same bytes): a temporary directory for the SQLite side, the
/// exchanges, and the run itself (`keys create`, one `serve` process, the script, then the server must stop cleanly
/// having logged nothing). Subclasses say what may differ between two runs (``blanked(_:port:)``).
class BackEndScriptTestCase: PostgresTestCase {
    /// One request of a script.
    typealias Step = (method: String, path: String, json: String?)

    /// One request of the script and what came back, with what may differ between two runs blanked.
    struct Exchange: Equatable {
        var method: String
        var path: String
        var status: Int
        var total: String?
        var totalPages: String?
        var links: [String]
        var body: String
    }

    var directory: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-backends-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    /// `text` with what legitimately differs between two runs replaced; the server's port at least.
    class func blanked(_ text: String, port: UInt16) -> String {
        text.replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:PORT")
    }

    /// Runs `script` on PostgreSQL and on SQLite, asserts every exchange is the same, and returns PostgreSQL's.
    func runOnBothBackEnds(_ script: [Step]) throws -> [Exchange] {
        let postgres = try run(script, database: try cluster.url())
        let sqlite = try run(script, database: directory.appendingPathComponent("store.sqlite").path)
        XCTAssertEqual(postgres.count, script.count)
        XCTAssertEqual(postgres.count, sqlite.count)
        for (index, (pg, lite)) in zip(postgres, sqlite).enumerated() {
            XCTAssertEqual(pg, lite, "step \(index): \(script[index].method) \(script[index].path)")
        }
        return postgres
    }

    /// The first exchange of `method path` in `exchanges`; fails the test when the script did not send it.
    func exchange(_ method: String, _ path: String, in exchanges: [Exchange]) throws -> Exchange {
        try XCTUnwrap(exchanges.first { $0.method == method && $0.path == path }, "\(method) \(path) was not sent")
    }

    /// Runs the script against a new store at `database` (a key made by `keys create`, one `serve` process).
    func run(_ script: [Step], database: String) throws -> [Exchange] {
        let key = try CLIKey.create(database: database)
        let server = try ServerProcess(database: database)
        defer {
            server.signal(SIGTERM)
            XCTAssertEqual(server.wait(timeout: 10), 0)
            let lines = server.errorOutput.split(separator: "\n").filter {
                !$0.contains("listening on http://") && $0 != "wc-api-server: shutting down"
            }
            XCTAssertEqual(lines, [], "the server over \(database) logged")
        }
        let connection = try APIConnection(port: server.port, key: key)
        return try script.map { step in
            let response = try connection.send(step.method, step.path, json: step.json)
            return Exchange(
                method: step.method, path: step.path, status: response.status, total: response.header("X-WC-Total"),
                totalPages: response.header("X-WC-TotalPages"),
                links: response.headerValues("Link").map { Self.blanked($0, port: server.port) },
                body: Self.blanked(response.text, port: server.port))
        }
    }
}
