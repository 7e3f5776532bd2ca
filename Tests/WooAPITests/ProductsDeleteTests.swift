import Foundation
import HTTP
import SQLite
import Storage
import TestSupport
import WooAPI
import XCTest

/// `DELETE /products/<id>[?force=…]`: trash by default (202), permanent with `force` (200) (products-orders §2.6, §6 Q4).
final class ProductsDeleteTests: ProductsTestCase {
    override class var mode: APITestMode { .inProcess }

    private func assertMessage(_ response: TestResponse, status: Int, _ message: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.status, status, response.text, file: file, line: line)
        XCTAssertEqual(response.text, #"{"message":"\#(message)"}"#, file: file, line: line)
    }

    func testDeleteMovesToTheTrash() throws {
        try createProduct(["title": "Widget", "sku": "W"])
        clock.now += 10
        assertMessage(try send("DELETE", "/products/1"), status: 202, "Deleted product")
        let trashed = try product(assertOK(try get("/products/1")))
        XCTAssertEqual(trashed["status"] as? String, "trash")
        XCTAssertEqual(trashed["permalink"] as? String, "\(base)/product/widget__trashed/")
        XCTAssertEqual(trashed["updated_at"] as? String, "2023-11-14T22:13:30Z")
        XCTAssertEqual(try productIDs(try get("/products")), [])
        try assertProductCount(0)
        // Trashing again answers the same.
        assertMessage(try send("DELETE", "/products/1?force="), status: 202, "Deleted product")
        assertMessage(try send("DELETE", "/products/1?force=0"), status: 202, "Deleted product")
    }

    func testForceDeletesPermanently() throws {
        try createProduct(["title": "Widget", "downloadable": true, "downloads": [["file": "https://example.com/a.zip"]]])
        assertMessage(try send("DELETE", "/products/1?force=true"), status: 200, "Permanently deleted product")
        assertError(try get("/products/1"), status: 404, code: "woocommerce_api_no_product_found",
                    message: "No product found with the ID equal to 1")
        XCTAssertEqual(try rowCount("products"), 0)
        XCTAssertEqual(try rowCount("product_downloads"), 0)
        // Its id is never handed out again.
        XCTAssertEqual(try createProduct(["title": "Next"])["id"] as? Int, 2)
    }

    func testForceIsPHPTruthyExceptForFalseWords() throws {
        try createProducts(4)
        for (id, value) in [(1, "1"), (2, "yes"), (3, "TRUE")] {
            assertMessage(try send("DELETE", "/products/\(id)?force=\(value)"), status: 200, "Permanently deleted product")
        }
        // The real store deletes permanently on force=false; here it only trashes (no data loss).
        for value in ["false", "no", "off", "False"] {
            assertMessage(try send("DELETE", "/products/4?force=\(value)"), status: 202, "Deleted product")
        }
        XCTAssertEqual(try product(try get("/products/4"))["status"] as? String, "trash")
        assertError(try send("DELETE", "/products/4?force[]=1"), status: 400, code: "woocommerce_api_invalid_parameter")
    }

    func testMethodOverrideDeletes() throws {
        try createProduct(["title": "Widget"])
        assertMessage(try send("POST", "/products/1?_method=DELETE&force=true"), status: 200, "Permanently deleted product")
    }

    func testRestoringFromTheTrashGivesTheSlugBack() throws {
        try createProduct(["title": "Widget"])
        XCTAssertEqual(try send("DELETE", "/products/1").status, 202)
        // While it is trashed, a new product may take the slug...
        XCTAssertEqual(try createProduct(["title": "Widget"])["permalink"] as? String, "\(base)/product/widget/")
        let restored = try product(assertOK(try send("PUT", "/products/1", body: ["product": ["status": "publish"]])))
        XCTAssertEqual(restored["status"] as? String, "publish")
        // ...and the restored one gets it back made unique.
        XCTAssertEqual(restored["permalink"] as? String, "\(base)/product/widget-2/")
    }

    func testTrashThroughAnEditAlsoSuffixesTheSlug() throws {
        try createProduct(["title": "Widget"])
        let trashed = try product(assertOK(try send("PUT", "/products/1", body: ["product": ["status": "trash"]])))
        XCTAssertEqual(trashed["permalink"] as? String, "\(base)/product/widget__trashed/")
        let back = try product(assertOK(try send("PUT", "/products/1", body: ["product": ["status": "publish"]])))
        XCTAssertEqual(back["permalink"] as? String, "\(base)/product/widget/")
    }

    func testUnknownAndZeroIDs() throws {
        assertError(try send("DELETE", "/products/5"), status: 404, code: "woocommerce_api_no_product_found")
        assertError(try send("DELETE", "/products/0"), status: 404, code: "woocommerce_api_invalid_product_id")
        try api.store.writeAndWait { db in try db.execute("INSERT INTO posts (type) VALUES ('shop_order')") }
        assertError(try send("DELETE", "/products/1?force=true"), status: 404, code: "woocommerce_api_invalid_product")
        XCTAssertEqual(try rowCount("posts"), 1)
    }

    func testPermanentDeleteLeavesOrdersAlone() throws {
        try createProduct(["title": "Widget"])
        try api.store.writeAndWait { db in
            try db.execute("INSERT INTO posts (type) VALUES ('shop_order')")
            try db.execute("INSERT INTO orders (id, customer_id, status, total_cents, created_at, updated_at) VALUES (2, 0, 'completed', 500, 0, 0)")
        }
        assertMessage(try send("DELETE", "/products/1?force=true"), status: 200, "Permanently deleted product")
        XCTAssertEqual(try rowCount("orders"), 1)
    }
}
