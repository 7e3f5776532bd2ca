import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// Status transitions and their once-per-order effects: `completed_at`, the paid date, `total_sales`, download
/// permissions, the refund's post id, and the customer figures (products-orders §4.2, §5; customers §3.3; decisions #18, #27).
/// Creating an order directly in a paid status runs the effects once its lines exist (products-orders §6 Q2 fix).
final class OrdersStatusTests: OrdersTestCase {
    override class var mode: APITestMode { .inProcess }

    private func paid(_ order: [String: Any]) -> Bool? { (order["payment_details"] as? [String: Any])?["paid"] as? Bool }

    func testCompletedAtIsSetOnCompletionAndKeptAfterLeaving() throws {
        let widget = try createWidget()
        let id = try createOrderID(["line_items": [item(widget)]])
        XCTAssertEqual(try readOrder(id)["completed_at"] as? String, Self.epoch)
        clock.now += 100
        let completed = try setStatus(id, "completed")
        XCTAssertEqual(completed["completed_at"] as? String, "2023-11-14T22:15:00Z")
        XCTAssertEqual(completed["updated_at"] as? String, "2023-11-14T22:15:00Z")
        clock.now += 100
        let reopened = try setStatus(id, "processing")
        XCTAssertEqual(reopened["status"] as? String, "processing")
        XCTAssertEqual(reopened["completed_at"] as? String, "2023-11-14T22:15:00Z")
        XCTAssertEqual(reopened["updated_at"] as? String, "2023-11-14T22:16:40Z")
    }

    func testEveryEntryIntoCompletedSetsCompletedAtAgain() throws {
        let id = try createOrderID([:])
        try setStatus(id, "completed")
        clock.now += 60
        try setStatus(id, "on-hold")
        clock.now += 60
        XCTAssertEqual(try setStatus(id, "completed")["completed_at"] as? String, "2023-11-14T22:15:20Z")
        // Setting the status it already has is no transition.
        clock.now += 60
        XCTAssertEqual(try setStatus(id, "completed")["completed_at"] as? String, "2023-11-14T22:15:20Z")
    }

    func testPendingToProcessingSetsThePaidDateOfAPhysicalOrder() throws {
        let widget = try createWidget()
        let id = try createOrderID(["line_items": [item(widget)]])
        XCTAssertEqual(paid(try readOrder(id)), false)
        XCTAssertEqual(paid(try setStatus(id, "processing")), true)
        // Completing a physical order passes its payment-complete status (processing): `maybe_set_date_paid` sets the
        // paid date then too.
        let other = try createOrderID(["line_items": [item(widget)]])
        XCTAssertEqual(paid(try setStatus(other, "completed")), true)
        // On hold is neither: no paid date.
        let third = try createOrderID(["line_items": [item(widget)]])
        XCTAssertEqual(paid(try setStatus(third, "on-hold")), false)
    }

    func testCreatingAsProcessingRunsTheTransitionAfterTheLinesExist() throws {
        try createDocsCustomer()
        let widget = try createWidget()
        let ebook = try createEbook(limit: 3, expiry: -1)
        let order = try createOrder(["customer_id": 2, "status": "processing", "line_items": [item(widget, 2), item(ebook, 1)]])
        XCTAssertEqual(order["status"] as? String, "processing")
        // Processing is this order's payment-complete status, so it is paid (the real store, running the hooks on
        // an empty order, leaves it unpaid and grants and records nothing).
        XCTAssertEqual(paid(order), true)
        XCTAssertEqual(order["completed_at"] as? String, Self.epoch)
        XCTAssertEqual(try totalSales(widget), 2)
        XCTAssertEqual(try totalSales(ebook), 1)
        XCTAssertEqual(try downloadRows(2), ["3/\(ebook)/3"])
        XCTAssertEqual(try figures(2), ["1", #""44.98""#, "3", "\"\(Self.startText)\""])
    }

    func testCreatingAsCompletedGrantsDownloadsAndSetsCompletedAt() throws {
        try createDocsCustomer()
        let ebook = try createEbook(limit: 2, expiry: 10)
        clock.now += 3 * Self.day
        let order = try createOrder(["customer_id": 2, "status": "completed", "line_items": [item(ebook, 2)]])
        XCTAssertEqual(order["completed_at"] as? String, "2023-11-17T22:13:20Z")
        XCTAssertEqual(paid(order), true)
        XCTAssertEqual(try totalSales(ebook), 2)
        let rows = try downloads(2)
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows.first?["downloads_remaining"] as? String, "4")
        XCTAssertEqual(rows.first?["access_expires"] as? String, "2023-11-27T00:00:00Z")
    }

    func testCreatingAsOnHoldRecordsSalesButGrantsNoDownloads() throws {
        try createDocsCustomer()
        let ebook = try createEbook()
        let id = try createOrderID(["customer_id": 2, "status": "on-hold", "line_items": [item(ebook, 2)]])
        XCTAssertEqual(try totalSales(ebook), 2)
        XCTAssertEqual(try downloads(2).count, 0)
        XCTAssertEqual(try rowCount("download_permissions"), 0)
        XCTAssertEqual(paid(try readOrder(id)), false)
        // Completing grants; sales are not recorded twice.
        try setStatus(id, "completed")
        XCTAssertEqual(try downloadRows(2), ["2/\(ebook)/6"])
        XCTAssertEqual(try totalSales(ebook), 2)
    }

    func testSalesAndDownloadsHappenOncePerOrder() throws {
        try createDocsCustomer()
        let ebook = try createEbook()
        let id = try createOrderID(["customer_id": 2, "line_items": [item(ebook, 1)]])
        XCTAssertEqual(try totalSales(ebook), 0)
        for status in ["processing", "on-hold", "completed", "cancelled", "completed"] { try setStatus(id, status) }
        XCTAssertEqual(try totalSales(ebook), 1)
        XCTAssertEqual(try rowCount("download_permissions"), 1)
    }

    func testLinesAddedAfterTheGrantNeverGetPermissions() throws {
        try createDocsCustomer()
        let first = try createEbook("First")
        let second = try createEbook("Second")
        let id = try createOrderID(["customer_id": 2, "status": "completed", "line_items": [item(first)]])
        try editOrder(id, ["line_items": [item(second)]])
        try setStatus(id, "processing")
        try setStatus(id, "completed")
        XCTAssertEqual(try downloadRows(2), ["3/\(first)/3"])
    }

    func testRefundedUsesUpAPostIDForItsRefund() throws {
        let widget = try createWidget()
        let id = try createOrderID(["line_items": [item(widget)], "status": "processing"])
        XCTAssertEqual(try setStatus(id, "refunded")["status"] as? String, "refunded")
        // Post 3 is the refund: not an order, and the next order is post 4.
        assertError(try get("/orders/3"), status: 404, code: "woocommerce_api_invalid_order", message: "Invalid order")
        XCTAssertEqual(try createOrderID([:]), 4)
        // Refunding again (after leaving refunded) takes another.
        try setStatus(id, "pending")
        try setStatus(id, "refunded")
        XCTAssertEqual(try nextPostID(), 6)
    }

    func testOnlyProcessingAndCompletedOrdersCountTowardTotalSpent() throws {
        try createDocsCustomer()
        let widget = try createWidget(price: "10")
        let statuses = ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"]
        var last = 0
        for (n, status) in statuses.enumerated() {
            clock.now += 1
            last = try createOrderID(["customer_id": 2, "status": status, "line_items": [item(widget, n + 1)]])
        }
        // processing: 2 × 10, completed: 4 × 10.
        XCTAssertEqual(try figures(2), ["7", #""60.00""#, "\(last)", #""2023-11-14T22:13:27Z""#])
        try setStatus(2, "completed")  // the pending order, 1 × 10
        XCTAssertEqual(try figures(2)[1], #""70.00""#)
        try setStatus(3, "cancelled")  // the processing order leaves the paid statuses
        XCTAssertEqual(try figures(2)[1], #""50.00""#)
    }
}
