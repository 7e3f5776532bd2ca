import Foundation
import SQLite
import Storage
import WooAPI
import TestSupport
import XCTest

/// Anchored orders pages and totals (listing §5) must equal the plain query's for every status set and order,
/// before and after orders are created, deleted, moved between statuses and modified.
final class OrderListAnchorsTests: XCTestCase {
    private var directory: URL!
    private var store: Store!
    private var random = SeededRandom(seed: 0x0dde_25)

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-order-anchors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("s.sqlite").path)
    }

    override func tearDown() {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private static let statuses = ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash"]

    /// `count` orders in random statuses, created in runs of the same second (ties) and modified at random times.
    private func insert(_ count: Int, around time: Int64) throws {
        let rows = (0..<count).map { n in
            (Self.statuses[random.int(in: 0...7)], time + Int64(n / 4), time + Int64(random.int(in: 0...5000)))
        }
        _ = try store.writeAndWait { db in
            for (status, created, updated) in rows {
                try db.execute("INSERT INTO posts (type) VALUES ('shop_order')")
                try db.execute("""
                    INSERT INTO orders (id, status, created_at, updated_at) VALUES (last_insert_rowid(), ?, ?, ?)
                    """, [.text(status), .integer(created), .integer(updated)])
            }
        }
    }

    private func page(_ anchors: OrderListAnchors?, _ parameters: String) throws -> String {
        let query = try OrderQuery(parameters: QueryParameters(parsing: parameters))
        return try store.read { db in
            try db.transaction(.deferred) { db in
                let result = try OrderListPlan.run(query, rows: true, anchors: anchors, in: db)
                return "\(result.ids) total \(result.total)"
            }
        }
    }

    private func assertSamePages(_ anchors: OrderListAnchors, file: StaticString = #filePath, line: UInt = #line) throws {
        for status in ["", "&status=completed", "&status=completed,processing", "&filter[post_status]=trash,pending"] {
            for orderby in ["date", "modified", "id"] {
                for direction in ["DESC", "ASC"] {
                    for number in [1, 2, 16, 17, 40, 41, 80, 81, 200] {
                        let parameters = "filter[limit]=4&page=\(number)&filter[orderby]=\(orderby)&filter[order]=\(direction)" + status
                        XCTAssertEqual(try page(anchors, parameters), try page(nil, parameters), parameters, file: file, line: line)
                    }
                }
            }
        }
    }

    func testAnchoredPagesMatchPlainPagesThroughWrites() throws {
        try insert(1_500, around: 1_000_000)
        let anchors = OrderListAnchors()
        try assertSamePages(anchors)
        // New orders (newest first: they land at the front of the default order).
        try insert(200, around: 2_000_000)
        try assertSamePages(anchors)
        // Orders back-dated into the middle, deleted, moved between statuses, modified.
        try insert(50, around: 1_000_100)
        _ = try store.writeAndWait { db in
            try db.execute("DELETE FROM orders WHERE id % 31 = 0")
            try db.execute("UPDATE orders SET status = 'completed' WHERE id % 7 = 0")
            try db.execute("UPDATE orders SET status = 'trash' WHERE id % 11 = 0")
            try db.execute("UPDATE orders SET updated_at = updated_at + 777 WHERE id % 5 = 0")
        }
        try assertSamePages(anchors)
        XCTAssertGreaterThan(anchors.count, 10, "the lists were anchored, not paged plainly")
    }

    /// A `filter[created_at_min|max]` window in date order takes its page and total from the date anchors
    /// (`OrderListPlan.windowPage`): equal to the plain query for windows starting and ending on tied seconds,
    /// open on either side, empty, and through writes inside and outside the window.
    func testDateWindowsMatchPlainPagesThroughWrites() throws {
        try insert(1_500, around: 1_000_000)  // 4 orders a second: 1,000,000 … 1,000,374
        let anchors = OrderListAnchors()
        let windows = ["&filter[created_at_min]=1970-01-12T13:48:20Z",  // 1,000,100
                       "&filter[created_at_max]=1970-01-12T13:50:00Z",  // 1,000,200
                       "&filter[created_at_min]=1970-01-12T13:47:30Z&filter[created_at_max]=1970-01-12T13:51:40Z",
                       "&filter[created_at_min]=1970-01-12T13:52:00Z&filter[created_at_max]=1970-01-12T13:51:00Z"]
        func assertSameWindows(_ step: String) throws {
            for status in ["", "&status=completed", "&status=completed,processing"] {
                for direction in ["DESC", "ASC"] {
                    for window in windows {
                        for number in [1, 2, 5, 6, 30, 31, 120, 400] {
                            let parameters = "filter[limit]=3&page=\(number)&filter[orderby]=date&filter[order]=\(direction)" + status + window
                            XCTAssertEqual(try page(anchors, parameters), try page(nil, parameters), step + ": " + parameters)
                        }
                    }
                }
            }
        }
        try assertSameWindows("built")
        try insert(60, around: 1_000_150)  // inside every window but the empty one
        try insert(60, around: 900_000)  // before them all
        _ = try store.writeAndWait { db in
            try db.execute("DELETE FROM orders WHERE id % 29 = 0")
            try db.execute("UPDATE orders SET status = 'completed' WHERE id % 7 = 0")
            try db.execute("UPDATE orders SET created_at = created_at + 90 WHERE id % 13 = 0")
        }
        try assertSameWindows("after writes")
        XCTAssertGreaterThanOrEqual(anchors.count, 6, "the windows were served from the date anchors")
    }

    /// Windows the date anchors cannot rank (on the modified date in another order, on both dates, on the
    /// creation date in modified or id order): counted through a date's anchors, a wide one pages through anchors
    /// of its own (`OrderListPartition`), kept by the change log's dates through writes that move orders across the
    /// bounds; a narrow one (a few statuses) runs the plain query. Both equal the plain query.
    func testWindowsInOtherOrdersMatchPlainPagesThroughWrites() throws {
        try insert(8_000, around: 1_000_000)  // created 1,000,000 … 1,001,999; modified up to 5,000 s later
        let anchors = OrderListAnchors()
        let windows = ["&filter[created_at_min]=1970-01-12T13:51:40Z",  // created ≥ 1,000,300
                       "&filter[updated_at_min]=1970-01-12T14:03:20Z",  // modified ≥ 1,001,000
                       "&filter[updated_at_min]=1970-01-12T14:03:20Z&filter[updated_at_max]=1970-01-12T14:53:20Z",
                       "&filter[created_at_max]=1970-01-12T14:11:40Z&filter[updated_at_max]=1970-01-12T14:53:20Z"]
        func assertSameWindows(_ step: String) throws {
            for status in ["", "&filter[post_status]=trash,pending,completed,processing", "&status=completed"] {
                for orderby in ["date", "modified", "id"] {
                    for direction in ["DESC", "ASC"] {
                        for window in windows {
                            for number in [1, 2, 300, 301, 700, 1_100, 2_000] {
                                let parameters = "filter[limit]=3&page=\(number)&filter[orderby]=\(orderby)&filter[order]=\(direction)"
                                    + status + window
                                XCTAssertEqual(try page(anchors, parameters), try page(nil, parameters), step + ": " + parameters)
                            }
                        }
                    }
                }
            }
        }
        try assertSameWindows("built")
        let built = anchors.count
        XCTAssertGreaterThan(built, 30, "wide windows were anchored")
        try insert(100, around: 1_000_500)  // inside the creation windows
        try insert(40, around: 900_000)  // created and modified before every minimum
        _ = try store.writeAndWait { db in
            try db.execute("DELETE FROM orders WHERE id % 29 = 0")
            try db.execute("UPDATE orders SET status = 'completed' WHERE id % 7 = 0")
            try db.execute("UPDATE orders SET status = 'trash' WHERE id % 37 = 0")
            try db.execute("UPDATE orders SET created_at = created_at - 400 WHERE id % 13 = 0")  // across 1,000,300
            try db.execute("UPDATE orders SET updated_at = 1003000 WHERE id % 11 = 0")  // into the modified windows
            try db.execute("UPDATE orders SET updated_at = 1000001 WHERE id % 17 = 0")  // out of them
        }
        try assertSameWindows("after writes")
    }
}
