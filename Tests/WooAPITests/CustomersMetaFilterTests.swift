import Foundation
import TestSupport
import XCTest

/// Decisions #16: `filter[meta]=true` adds nothing to customers (the real store leaks an unrelated `product_meta`).
final class CustomersMetaFilterTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    func testMetaFilterAddsNoKeys() throws {
        try api.createCustomer(["email": "meta@example.com"])
        let one = try api.request("GET", "/wc-api/v2/customers/2?filter%5Bmeta%5D=true")
        XCTAssertEqual(one.status, 200)
        let customer = try XCTUnwrap((try one.json() as? [String: Any])?["customer"] as? [String: Any])
        XCTAssertNil(customer["product_meta"])
        XCTAssertNil(customer["customer_meta"])
        XCTAssertEqual(customer.count, 14)
        let list = try api.request("GET", "/wc-api/v2/customers?filter%5Bmeta%5D=true")
        let rows = try XCTUnwrap((try list.json() as? [String: Any])?["customers"] as? [[String: Any]])
        XCTAssertEqual(rows.first?.count, 14)
    }
}
