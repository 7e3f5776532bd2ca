import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// Orders created within the same second list by id in the list's direction, and pages never overlap or skip
/// (decisions #32; #33 is pinned by `OrdersCreateTests.testUnknownStatusIs400AndLeavesNothingBehind`).
final class OrdersListTiesTests: OrdersTestCase {
    /// Creates `count` empty orders without moving the clock; returns their ids.
    @discardableResult
    private func createSameSecondOrders(_ count: Int, _ fields: [String: Any] = [:]) throws -> [Int] {
        try (0..<count).map { _ in try createOrderID(fields) }
    }

    /// The ids of every page of `/orders?<query>&filter[limit]=<limit>&page=N`, page by page, until an empty page.
    private func pages(_ query: String, limit: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [[Int]] {
        var result: [[Int]] = []
        for page in 1...20 {
            let response = assertOK(try get("/orders?\(query)filter%5Blimit%5D=\(limit)&page=\(page)"), file: file, line: line)
            let ids = try orderIDs(response, file: file, line: line)
            if ids.isEmpty { break }
            result.append(ids)
        }
        return result
    }

    func testSameSecondOrdersListNewestIDFirstByDefaultAndOldestFirstAscending() throws {
        XCTAssertEqual(try createSameSecondOrders(5), [1, 2, 3, 4, 5])
        XCTAssertEqual(try orderIDs(try get("/orders")), [5, 4, 3, 2, 1])
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Border%5D=DESC")), [5, 4, 3, 2, 1])
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Border%5D=ASC")), [1, 2, 3, 4, 5])
    }

    func testPagesOfSameSecondOrdersNeitherOverlapNorSkip() throws {
        try createSameSecondOrders(7)
        XCTAssertEqual(try pages("", limit: 2), [[7, 6], [5, 4], [3, 2], [1]])
        XCTAssertEqual(try pages("filter%5Border%5D=ASC&", limit: 2), [[1, 2], [3, 4], [5, 6], [7]])
        let first = assertOK(try get("/orders?filter%5Blimit%5D=2"))
        XCTAssertEqual(first.header("X-WC-Total"), "7")
        XCTAssertEqual(first.header("X-WC-TotalPages"), "4")
        // Repeating a page gives the same rows.
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Blimit%5D=2&page=2")), [5, 4])
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Blimit%5D=2&page=2")), [5, 4])
    }

    func testTheIDOnlyBreaksTiesTheCreationTimeStillComesFirst() throws {
        clock.now += 10
        try createOrderID([:])  // 1 at +10
        clock.now -= 10
        try createSameSecondOrders(2)  // 2, 3 at +0
        clock.now += 10
        try createOrderID([:])  // 4 at +10
        XCTAssertEqual(try orderIDs(try get("/orders")), [4, 1, 3, 2])
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Border%5D=ASC")), [2, 3, 1, 4])
        XCTAssertEqual(try pages("", limit: 3), [[4, 1, 3], [2]])
        XCTAssertEqual(try pages("filter%5Border%5D=ASC&", limit: 3), [[2, 3, 1], [4]])
    }

    func testSameSecondCustomerOrdersListOldestIDFirst() throws {
        try createDocsCustomer()
        let other = try XCTUnwrap(try api.createCustomer(["email": "other@example.com"])["id"] as? Int)
        let first = try createOrderID(["customer_id": 2])  // 1
        try createOrderID(["customer_id": other])  // 2
        let second = try createOrderID(["customer_id": 2])  // 3
        try createOrderID([:])  // 4, a guest order
        let third = try createOrderID(["customer_id": 2])  // 5
        XCTAssertEqual(try orderIDs(try get("/customers/2/orders")), [first, second, third])
        XCTAssertEqual([first, second, third], [1, 3, 5])
    }

    func testCustomerOrdersAreByCreationTimeThenID() throws {
        try createDocsCustomer()
        clock.now += 10
        let late = try createOrderID(["customer_id": 2])  // 1 at +10
        clock.now -= 10
        let early = try createSameSecondOrders(2, ["customer_id": 2])  // 2, 3 at +0
        clock.now += 10
        let last = try createOrderID(["customer_id": 2])  // 4 at +10
        XCTAssertEqual(try orderIDs(try get("/customers/2/orders")), early + [late, last])
        XCTAssertEqual(early + [late, last], [2, 3, 1, 4])
    }
}
