import Foundation
import SQLite
import Storage
import Synchronization
import TestSupport
import WooAPI
import XCTest

/// An acknowledged write survives the server being killed mid-stream (synchronous=FULL, WAL, group commit).
final class DurabilityTests: XCTestCase {
    func testEveryAcknowledgedCreateSurvivesSIGKILL() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("store.sqlite").path
        let created = try runServerBinary(["keys", "create", "--database", database, "--json"])
        let key = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String])
        let auth = Data("\(key["consumer_key"]!):\(key["consumer_secret"]!)".utf8).base64EncodedString()

        let server = try ServerProcess(database: database)
        let port = server.port
        let acknowledged = Mutex<[(id: Int, email: String)]>([])
        let group = DispatchGroup()
        // Four clients create customers as fast as they can; the server is killed while they do.
        for client in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let connection = try? RawClient(port: port, timeout: 5) else { return }
                for n in 0..<100_000 {
                    let email = "c\(client)-\(n)@example.com"
                    let body = "{\"customer\":{\"email\":\"\(email)\",\"first_name\":\"N\(n)\"}}"
                    let request = "POST /wc-api/v2/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \(auth)\r\n"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
                    guard (try? connection.send(request)) != nil, let response = try? connection.readResponse(),
                          response.status == 201,
                          let object = try? response.json() as? [String: Any],
                          let customer = object["customer"] as? [String: Any], let id = customer["id"] as? Int else { return }
                    acknowledged.withLock { $0.append((id, email)) }
                }
            }
        }
        // Let a few hundred creates through, then crash the server mid-stream.
        let deadline = Date().addingTimeInterval(10)
        while acknowledged.withLock({ $0.count }) < 300 && Date() < deadline { usleep(10_000) }
        server.signal(SIGKILL)
        _ = server.wait()
        group.wait()
        let acked = acknowledged.withLock { $0 }
        XCTAssertGreaterThanOrEqual(acked.count, 300)

        let db = try Database(path: database)
        XCTAssertEqual(try db.query("PRAGMA integrity_check").first?[0].stringValue, "ok")
        let restarted = try ServerProcess(database: database)
        for (id, email) in acked {
            let client = try RawClient(port: restarted.port)
            try client.send("GET /wc-api/v2/customers/\(id) HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \(auth)\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200, "customer \(id) lost")
            let customer = (try response.json() as? [String: Any])?["customer"] as? [String: Any]
            XCTAssertEqual(customer?["email"] as? String, email)
        }
    }
}
