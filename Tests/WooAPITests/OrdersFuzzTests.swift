import Foundation
import TestSupport
import XCTest

/// Every order key and line key with hostile values (extreme numbers, wrong types, NUL, huge strings), on create
/// and on edit: always an answer below 500, and the server keeps serving.
final class OrdersFuzzTests: OrdersTestCase {
    private let values: [Any] = [
        NSNull(), true, false, 0, -1, 1.5, 1e308, -1e308, 1e13, "", "x", "-5", "0.5", "1e400", [Any](), [1],
        [String: Any](), ["a": 1], String(repeating: "9", count: 400), -9_223_372_036_854_775_808.0, "ü\u{0}",
    ]

    private func assertBelow500(_ method: String, _ path: String, _ body: [String: Any],
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let response = try send(method, path, body: body)
        XCTAssertLessThan(response.status, 500, "\(method) \(path) \(body): \(response.text)", file: file, line: line)
    }

    func testHostileOrderFieldsNeverGiveA5xx() throws {
        let widget = try createWidget()
        let id = try createOrderID(["line_items": [item(widget)]])
        let keys = ["customer_id", "status", "note", "billing_address", "shipping_address", "payment_details", "currency",
                    "line_items", "shipping_lines", "fee_lines", "coupon_lines", "order_meta"]
        for key in keys {
            for value in values {
                try assertBelow500("POST", "/orders", ["order": [key: value]])
                try assertBelow500("PUT", "/orders/\(id)", ["order": [key: value]])
            }
        }
        XCTAssertEqual(try get("/orders/\(id)").status, 200)
    }

    func testHostileLineFieldsNeverGiveA5xx() throws {
        let widget = try createWidget()
        let id = try createOrderID(["line_items": [item(widget)]])
        let lines: [(String, [String], [String: Any])] = [
            ("line_items", ["product_id", "quantity", "total", "subtotal", "sku", "variations", "id"], item(widget)),
            ("shipping_lines", ["method_id", "method_title", "total", "id"], ["method_id": "flat_rate"]),
            ("fee_lines", ["title", "total", "taxable", "tax_class", "id"], ["title": "Fee"]),
            ("coupon_lines", ["code", "amount", "id"], ["code": "SAVE"]),
        ]
        for (array, keys, base) in lines {
            for key in keys {
                for value in values {
                    var entry = base
                    entry[key] = value
                    try assertBelow500("POST", "/orders", ["order": [array: [entry]]])
                    try assertBelow500("PUT", "/orders/\(id)", ["order": [array: [entry]]])
                }
            }
        }
        XCTAssertEqual(try get("/orders/\(id)").status, 200)
    }
}
