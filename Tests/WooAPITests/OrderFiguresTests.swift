import Foundation
import SQLite
import Storage
import WooAPI
import XCTest

/// A customer's `orders_count`, `total_spent`, `last_order_id` and `last_order_date` follow every order write
/// (customers §3.3), kept by the schema's triggers in the writing transaction.
final class OrderFiguresTests: XCTestCase {
    private var directory: URL!
    private var store: Store!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("s.sqlite").path)
        _ = try store.writeAndWait { db in
            try CustomerRepository.insert(
                NewCustomer(username: "c", email: "c@example.com", passwordHash: "x", firstName: "", lastName: "",
                            billing: Array(repeating: "", count: 11), shipping: Array(repeating: "", count: 9)),
                now: 1_700_000_000, in: db)
        }
    }

    override func tearDown() {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private func sql(_ text: String) throws {
        _ = try store.writeAndWait { db in try db.execute(sql: text) }
    }

    private func figures() throws -> [String: Any] {
        let json = try store.read { db in try CustomerRepository.json(id: 2, in: db)!.json }
        let object = try JSONSerialization.jsonObject(with: Data(json)) as! [String: Any]
        return object.filter { ["orders_count", "total_spent", "last_order_id", "last_order_date"].contains($0.key) }
    }

    func testFiguresFollowOrderWrites() throws {
        XCTAssertEqual(try figures()["orders_count"] as? Int, 0)
        XCTAssertEqual(try figures()["total_spent"] as? String, "0.00")
        XCTAssertTrue(try figures()["last_order_id"] is NSNull)

        try sql("INSERT INTO posts (id, type) VALUES (10, 'shop_order'), (11, 'shop_order')")
        try sql("INSERT INTO orders (id, customer_id, status, total_cents, created_at, updated_at) VALUES (10, 2, 'pending', 1999, 1700000100, 0)")
        XCTAssertEqual(try figures()["orders_count"] as? Int, 1)
        XCTAssertEqual(try figures()["total_spent"] as? String, "0.00", "pending is not paid")
        XCTAssertEqual(try figures()["last_order_id"] as? Int, 10)
        XCTAssertEqual(try figures()["last_order_date"] as? String, "2023-11-14T22:15:00Z")

        try sql("UPDATE orders SET status = 'completed' WHERE id = 10")
        try sql("INSERT INTO orders (id, customer_id, status, total_cents, created_at, updated_at) VALUES (11, 2, 'processing', 2899, 1700000200, 0)")
        XCTAssertEqual(try figures()["total_spent"] as? String, "48.98")
        XCTAssertEqual(try figures()["orders_count"] as? Int, 2)
        XCTAssertEqual(try figures()["last_order_id"] as? Int, 11)

        try sql("UPDATE orders SET status = 'trash' WHERE id = 11")
        XCTAssertEqual(try figures()["orders_count"] as? Int, 1)
        XCTAssertEqual(try figures()["total_spent"] as? String, "19.99")
        XCTAssertEqual(try figures()["last_order_id"] as? Int, 10)

        try sql("UPDATE orders SET customer_id = 0 WHERE id = 10")
        XCTAssertEqual(try figures()["orders_count"] as? Int, 0)
        XCTAssertTrue(try figures()["last_order_date"] is NSNull)

        try sql("UPDATE orders SET customer_id = 2 WHERE id = 10; DELETE FROM orders WHERE id = 10")
        XCTAssertEqual(try figures()["orders_count"] as? Int, 0)
        XCTAssertEqual(try figures()["total_spent"] as? String, "0.00")
    }
}
