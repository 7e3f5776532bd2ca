import Foundation
import SQLite
import WooAPI
import XCTest

/// Anchored pages must equal plain OFFSET pages, before and after every kind of write.
final class PageAnchorsTests: XCTestCase {
    private var directory: URL!
    private var store: Store!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-anchors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("s.sqlite").path)
    }

    override func tearDown() {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private func insert(_ count: Int, createdAt: @escaping @Sendable (Int) -> Int64, tag: String) throws {
        _ = try store.writeAndWait { db in
            for n in 0..<count {
                let email = "\(tag)\(n)@example.com"
                let customer = NewCustomer(username: "\(tag)\(n)", email: email, passwordHash: "x", firstName: "", lastName: "",
                                           billing: Array(repeating: "", count: 11), shipping: Array(repeating: "", count: 9))
                _ = try CustomerRepository.insert(customer, now: createdAt(n), in: db)
            }
        }
    }

    private func page(_ anchors: PageAnchors?, _ page: Int, limit: Int = 7) throws -> [UInt8] {
        let query = try CustomerQuery(parameters: QueryParameters(parsing: "filter[limit]=\(limit)&page=\(page)"))
        return try store.read { db in
            try db.transaction(.deferred) { db in
                var writer = JSONWriter()
                writer.beginArray()
                try CustomerRepository.writeList(query, fields: FieldFilter("id"), anchors: anchors, in: db, to: &writer)
                writer.endArray()
                return writer.bytes
            }
        }
    }

    private func assertSamePages(_ anchors: PageAnchors, pages: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        for number in [1, 2, 36, 37, 38, 73, 74, pages - 1, pages, pages + 1] where number >= 1 {
            XCTAssertEqual(String(decoding: try page(anchors, number), as: UTF8.self),
                           String(decoding: try page(nil, number), as: UTF8.self), "page \(number)", file: file, line: line)
        }
    }

    func testRolesWithoutUsersAreNotRemembered() throws {
        try insert(40, createdAt: { 1_000_000 + Int64($0) }, tag: "a")
        let anchors = PageAnchors()
        for role in ["customer"] + (0..<50).map({ "made-up-\($0)" }) {
            let query = try CustomerQuery(parameters: QueryParameters(parsing: "filter[role]=\(role)&page=3"))
            _ = try store.read { db in
                try db.transaction(.deferred) { db in
                    var writer = JSONWriter()
                    try CustomerRepository.writeList(query, fields: nil, anchors: anchors, in: db, to: &writer)
                }
            }
        }
        XCTAssertEqual(anchors.rememberedRoles, 1, "only `customer` has users to anchor")
    }

    func testAnchoredPagesMatchOffsetPagesThroughWrites() throws {
        // Many registration-time ties, so the id tie-break matters.
        try insert(700, createdAt: { 1_000_000 + Int64($0 / 3) }, tag: "a")
        let anchors = PageAnchors()
        try assertSamePages(anchors, pages: 100)
        // Appends (newer customers) keep the anchors and extend them.
        try insert(300, createdAt: { 2_000_000 + Int64($0) }, tag: "b")
        try assertSamePages(anchors, pages: 143)
        // A customer registered in the past lands inside the order: the generation bumps.
        try insert(5, createdAt: { _ in 1_000_010 }, tag: "c")
        try assertSamePages(anchors, pages: 144)
        // Deletes shift everything after them.
        _ = try store.writeAndWait { db in
            for id: Int64 in [5, 50, 500] { _ = try CustomerRepository.delete(id: id, in: db) }
        }
        try assertSamePages(anchors, pages: 144)
    }

    func testRoleCountsFollowInsertsDeletesAndRoleChanges() throws {
        try insert(10, createdAt: { Int64($0) }, tag: "r")
        let counts = { [store] in
            try store!.read { db in
                try db.query("SELECT role, users FROM role_counts ORDER BY role").map { "\($0[0].stringValue!)=\($0[1].intValue!)" }
            }
        }
        XCTAssertEqual(try counts(), ["administrator=1", "customer=10"])
        _ = try store.writeAndWait { db in
            try db.execute("UPDATE users SET role = 'shop_manager' WHERE id = 2")
            _ = try CustomerRepository.delete(id: 3, in: db)
        }
        XCTAssertEqual(try counts(), ["administrator=1", "customer=8", "shop_manager=1"])
    }
}
