import Foundation
import SQLite
import Storage
import WooAPI
import XCTest

/// Cached customer JSON is reused only while the row's version is unchanged, whoever changed the row.
final class CustomerCacheTests: XCTestCase {
    func testAnyChangeToTheRowInvalidatesTheCachedCopy() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.sqlite").path
        let store = try Store(path: path)
        defer { store.close() }
        _ = try store.writeAndWait { db in
            try CustomerRepository.insert(
                NewCustomer(username: "c", email: "c@example.com", passwordHash: "x", firstName: "Old", lastName: "",
                            billing: Array(repeating: "", count: 11), shipping: Array(repeating: "", count: 9)),
                now: 1_700_000_000, in: db)
        }
        let cache = CustomerCache()
        func read() throws -> String {
            try store.read { db in
                var writer = JSONWriter()
                XCTAssertTrue(try cache.write(id: 2, in: db, to: &writer))
                return String(decoding: writer.bytes, as: UTF8.self)
            }
        }
        XCTAssertTrue(try read().contains("\"first_name\":\"Old\""))
        XCTAssertTrue(try read().contains("\"first_name\":\"Old\""), "served from the cache")
        // Another process (a second connection) changes the row: the trigger bumps its version.
        let other = try Database(path: path)
        try other.execute("UPDATE users SET first_name = 'New' WHERE id = 2")
        XCTAssertTrue(try read().contains("\"first_name\":\"New\""))
        // An order write changes the figures through the stats trigger, which bumps the version too.
        try other.execute("INSERT INTO posts (type) VALUES ('shop_order')")
        try other.execute("INSERT INTO orders (id, customer_id, status, total_cents, created_at, updated_at) VALUES ((SELECT max(id) FROM posts), 2, 'completed', 500, 1, 1)")
        XCTAssertTrue(try read().contains("\"total_spent\":\"5.00\""))
        try other.execute("DELETE FROM users WHERE id = 2")
        XCTAssertFalse(try store.read { db in var writer = JSONWriter(); return try cache.write(id: 2, in: db, to: &writer) })
    }
}
