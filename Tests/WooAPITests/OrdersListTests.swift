import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `GET /orders`, `GET /orders/count` and `GET /orders/statuses`: order, filters, pagination headers and Link
/// URLs as for products (products-orders §4.9; decisions #12, #23, #24).
final class OrdersListTests: OrdersTestCase {
    override class var mode: APITestMode { .inProcess }

    private func assertTotals(_ response: TestResponse, _ total: Int, _ pages: Int,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.header("X-WC-Total"), String(total), file: file, line: line)
        XCTAssertEqual(response.header("X-WC-TotalPages"), String(pages), file: file, line: line)
    }

    /// Creates `count` empty guest orders one clock second apart (posts 1…count); `statuses` cycles if given.
    @discardableResult
    private func createOrders(_ count: Int, statuses: [String] = []) throws -> [Int] {
        try (0..<count).map { n in
            clock.now += 1
            var fields: [String: Any] = [:]
            if !statuses.isEmpty { fields["status"] = statuses[n % statuses.count] }
            return try createOrderID(fields)
        }
    }

    func testEmptyStore() throws {
        let response = assertOK(try get("/orders"))
        XCTAssertEqual(response.text, #"{"orders":[]}"#)
        assertTotals(response, 0, 0)
        XCTAssertEqual(links(response), [])
    }

    func testDefaultPageIsTheTenNewestWithNextAndLastLinks() throws {
        try createOrders(12)
        let response = assertOK(try get("/orders"))
        XCTAssertEqual(try orderIDs(response), Array((3...12).reversed()))
        assertTotals(response, 12, 2)
        XCTAssertEqual(links(response), [orderLink("page=2", "next"), orderLink("page=2", "last")])
        let first = try XCTUnwrap(try ordered(response)["orders"]?[0])
        XCTAssertEqual(first.keys, Self.orderKeys)
        XCTAssertEqual(first["order_number"]?.raw, #""12""#)
    }

    func testSecondPageHasFirstAndPrevLinks() throws {
        try createOrders(12)
        let response = assertOK(try get("/orders?page=2"))
        XCTAssertEqual(try orderIDs(response), [2, 1])
        assertTotals(response, 12, 2)
        XCTAssertEqual(links(response), [orderLink("page=1", "first"), orderLink("page=1", "prev")])
    }

    func testLimitKeepsTheQueryInLinksPercentEncoded() throws {
        try createOrders(5)
        let response = assertOK(try get("/orders?filter[limit]=2&page=2"))
        XCTAssertEqual(try orderIDs(response), [3, 2])
        assertTotals(response, 5, 3)
        XCTAssertEqual(links(response), [
            orderLink("filter%5Blimit%5D=2&page=1", "first"), orderLink("filter%5Blimit%5D=2&page=1", "prev"),
            orderLink("filter%5Blimit%5D=2&page=3", "next"), orderLink("filter%5Blimit%5D=2&page=3", "last"),
        ])
        // A page holding one row still links (decisions #12), and credentials never leak into links.
        let last = assertOK(try get("/orders?filter%5Blimit%5D=2&page=3&consumer_key=ck_x&consumer_secret=cs_y"))
        XCTAssertEqual(try orderIDs(last), [1])
        XCTAssertEqual(links(last), [orderLink("filter%5Blimit%5D=2&page=1", "first"),
                                     orderLink("filter%5Blimit%5D=2&page=2", "prev")])
    }

    func testRepeatedParametersAreReadWithTheLastValueAndLinkedOnce() throws {
        try createOrders(5)
        // As the official Python client sends them: once in its signed URL, once again (issue 9).
        let twice = assertOK(try get("/orders?filter[limit]=2&page=1&filter[limit]=2&page=1"))
        XCTAssertEqual(try orderIDs(twice), [5, 4])
        assertTotals(twice, 5, 3)
        XCTAssertEqual(links(twice), [orderLink("filter%5Blimit%5D=2&page=2", "next"), orderLink("filter%5Blimit%5D=2&page=3", "last")])
        // Different values: the last one wins, as in PHP's `$_GET`.
        let last = assertOK(try get("/orders?filter[limit]=1&page=3&filter%5Blimit%5D=2&page=1"))
        XCTAssertEqual(try orderIDs(last), [5, 4])
        assertTotals(last, 5, 3)
        XCTAssertEqual(links(last), [orderLink("filter%5Blimit%5D=2&page=2", "next"), orderLink("filter%5Blimit%5D=2&page=3", "last")])
    }

    func testLimitMinusOneListsEverything() throws {
        try createOrders(12)
        let response = assertOK(try get("/orders?filter%5Blimit%5D=-1"))
        XCTAssertEqual(try orderIDs(response), Array((1...12).reversed()))
        assertTotals(response, 12, 1)
        XCTAssertEqual(links(response), [])
    }

    func testPageBeyondTheEndIsEmptyWithTrueTotals() throws {
        try createOrders(3)
        let response = assertOK(try get("/orders?page=5"))
        XCTAssertEqual(try orderIDs(response), [])
        assertTotals(response, 3, 1)
    }

    func testOffsetSkipsRows() throws {
        try createOrders(5)
        let response = assertOK(try get("/orders?filter%5Blimit%5D=2&filter%5Boffset%5D=1"))
        XCTAssertEqual(try orderIDs(response), [4, 3])
        assertTotals(response, 5, 3)
    }

    func testInvalidPageOrLimitIs400() throws {
        assertError(try get("/orders?page=0"), status: 400, code: "woocommerce_api_invalid_parameter",
                    message: "page must be a positive integer.")
        assertError(try get("/orders?filter%5Blimit%5D=abc"), status: 400, code: "woocommerce_api_invalid_parameter")
    }

    func testStatusIsACommaListAndUnknownStatusesMatchNothing() throws {
        try createOrders(6, statuses: ["pending", "processing", "on-hold", "completed", "cancelled", "failed"])
        XCTAssertEqual(try orderIDs(try get("/orders?status=processing,completed")), [4, 2])
        XCTAssertEqual(try orderIDs(try get("/orders?status=on-hold")), [3])
        XCTAssertEqual(try orderIDs(try get("/orders?status=shipped")), [])
        XCTAssertEqual(try orderIDs(try get("/orders?status=")), [6, 5, 4, 3, 2, 1])
    }

    func testTrashedOrdersAreNeverListedByStatus() throws {
        try createOrders(2)
        XCTAssertEqual(try send("DELETE", "/orders/1").status, 202)
        XCTAssertEqual(try orderIDs(try get("/orders")), [2])
        // `status` values are order statuses (`wc-trash` on the real store matches nothing).
        XCTAssertEqual(try orderIDs(try get("/orders?status=trash")), [])
        try assertOrderCount(0, query: "?status=trash")
        XCTAssertEqual(try orderIDs(try get("/orders?status=pending,trash")), [2])
        // The post-status filter does reach the trash.
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Bpost_status%5D=trash")), [1])
    }

    func testCreatedAtBoundsAreInclusive() throws {
        try createOrders(3)  // created at start+1, +2, +3
        let min = "2023-11-14T22:13:22Z", max = "2023-11-14T22:13:22Z"
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Bcreated_at_min%5D=\(min)")), [3, 2])
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Bcreated_at_max%5D=\(max)")), [2, 1])
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Bcreated_at_min%5D=\(min)&filter%5Bcreated_at_max%5D=\(max)")), [2])
    }

    func testSameSecondOrdersListNewestIDFirstAndOrderAscReverses() throws {
        try createOrderID([:])
        try createOrderID([:])
        clock.now += 1
        try createOrderID([:])
        XCTAssertEqual(try orderIDs(try get("/orders")), [3, 2, 1])
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Border%5D=ASC")), [1, 2, 3])
        XCTAssertEqual(try orderIDs(try get("/orders?filter%5Bin%5D=1,3")), [3, 1])
    }

    func testFieldsApplyToEveryListedOrder() throws {
        try createOrders(2, statuses: ["pending", "completed"])
        XCTAssertEqual(try get("/orders?fields=id,status").text,
                       #"{"orders":[{"id":2,"status":"completed"},{"id":1,"status":"pending"}]}"#)
    }

    func testFilterDPAppliesToListedOrders() throws {
        let widget = try createWidget()
        try createOrderID(["line_items": [item(widget, 2)]])
        let listed = try orders(try get("/orders?filter%5Bdp%5D=3"))
        XCTAssertEqual(listed.first?["total"] as? String, "39.980")
        XCTAssertEqual(try lines(listed[0])[0]["price"] as? String, "19.990")
    }

    func testCountUsesTheSameFilters() throws {
        try assertOrderCount(0)
        try createOrders(5, statuses: ["pending", "processing", "completed"])
        try assertOrderCount(5)
        try assertOrderCount(4, query: "?status=pending,processing")
        try assertOrderCount(0, query: "?status=shipped")
        try assertOrderCount(2, query: "?filter%5Bcreated_at_min%5D=2023-11-14T22:13:24Z")
        // Paging does not change a count.
        try assertOrderCount(5, query: "?filter%5Blimit%5D=1&page=2")
    }

    func testCountWithStatusAnyIsAMapOfEveryStatus() throws {
        try createOrders(6, statuses: ["pending", "processing", "pending", "refunded", "completed", "pending"])
        let response = assertOK(try get("/orders/count?status=any"))
        XCTAssertEqual(response.text,
                       #"{"count":{"pending":3,"processing":1,"on-hold":0,"completed":1,"cancelled":0,"refunded":1,"failed":0}}"#)
    }

    func testStatusesAreListedInOrderWithTheirLabels() throws {
        let expected = #"{"order_statuses":{"pending":"Pending payment","processing":"Processing","on-hold":"On hold","#
            + #""completed":"Completed","cancelled":"Cancelled","refunded":"Refunded","failed":"Failed"}}"#
        XCTAssertEqual(assertOK(try get("/orders/statuses")).text, expected)
        // No capability is needed.
        XCTAssertEqual(assertOK(try send("GET", "/orders/statuses", auth: try shopperKey())).text, expected)
    }

    func testCustomerRoleKeyCannotCountAndListsNothing() throws {
        try createOrders(2)
        let key = try shopperKey()
        assertError(try send("GET", "/orders/count", auth: key), status: 401,
                    code: "woocommerce_api_user_cannot_read_orders_count",
                    message: "You do not have permission to read the orders count")
        // Each order fails the read check and is skipped; the query's totals are still sent.
        let list = assertOK(try send("GET", "/orders", auth: key))
        XCTAssertEqual(list.text, #"{"orders":[]}"#)
        assertTotals(list, 2, 1)
    }
}
