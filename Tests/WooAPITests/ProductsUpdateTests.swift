import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `PUT|PATCH|POST /products/<id>`: only given keys change, prices re-derived, file ids stable (products-orders §2.4, §2.5).
final class ProductsUpdateTests: ProductsTestCase {
    override class var mode: APITestMode { .inProcess }

    private func update(_ id: Int, _ fields: [String: Any], method: String = "PUT",
                        file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let response = assertOK(try send(method, "/products/\(id)", body: ["product": fields]), file: file, line: line)
        return try product(response, file: file, line: line)
    }

    func testUpdateChangesPricesAndBumpsUpdatedAt() throws {
        try createProduct(["title": "Widget", "regular_price": "19.99", "sku": "W"])
        clock.now += 60
        let onSale = try update(1, ["sale_price": "14.99"])
        XCTAssertEqual(onSale["price"] as? String, "14.99")
        XCTAssertEqual(onSale["regular_price"] as? String, "19.99")
        XCTAssertEqual(onSale["on_sale"] as? Bool, true)
        XCTAssertEqual(onSale["created_at"] as? String, Self.startText)
        XCTAssertEqual(onSale["updated_at"] as? String, "2023-11-14T22:14:20Z")
        XCTAssertEqual(onSale["sku"] as? String, "W")
        XCTAssertEqual(onSale["title"] as? String, "Widget")
        // Raising the sale price to the regular price clears it; clearing the regular price leaves no price.
        let cleared = try update(1, ["sale_price": "19.99"])
        XCTAssertTrue(cleared["sale_price"] is NSNull)
        XCTAssertEqual(cleared["price"] as? String, "19.99")
        let noPrice = try update(1, ["regular_price": ""])
        XCTAssertEqual(noPrice["price"] as? String, "0.00")
        XCTAssertEqual(noPrice["price_html"] as? String, "")
        XCTAssertEqual(noPrice["purchaseable"] as? Bool, false)
        XCTAssertEqual(try product(try get("/products/1")) as NSDictionary, noPrice as NSDictionary)
    }

    func testDownloadIDsStayStableWhileTheFileIsUnchanged() throws {
        let created = try createProduct(["title": "Ebook", "downloadable": true, "downloads": [
            ["name": "Book", "file": "https://example.com/book.pdf"], ["name": "Notes", "file": "https://example.com/notes.pdf"],
        ]])
        let old = try XCTUnwrap(created["downloads"] as? [[String: Any]])
        let bookID = try XCTUnwrap(old[0]["id"] as? String), notesID = try XCTUnwrap(old[1]["id"] as? String)
        // A PUT without ids: the unchanged book keeps its id, the new file gets a new one, notes are gone.
        let updated = try update(1, ["downloads": [
            ["name": "Book (2nd ed.)", "file": "https://example.com/book.pdf"], ["name": "Audio", "file": "https://example.com/audio.mp3"],
        ]])
        let files = try XCTUnwrap(updated["downloads"] as? [[String: Any]])
        XCTAssertEqual(files.map { $0["name"] as? String }, ["Book (2nd ed.)", "Audio"])
        XCTAssertEqual(files[0]["id"] as? String, bookID)
        let audioID = try XCTUnwrap(files[1]["id"] as? String)
        XCTAssertTrue(isUUID4(audioID))
        XCTAssertNotEqual(audioID, bookID)
        XCTAssertNotEqual(audioID, notesID)
        // Sending back the object read (ids included) changes nothing; an id the client sends is kept.
        XCTAssertEqual(try update(1, ["downloads": files])["downloads"] as? NSArray, files as NSArray)
        let explicit = try update(1, ["downloads": [["id": "my-file", "name": "Mine", "file": "https://example.com/audio.mp3"]]])
        XCTAssertEqual((explicit["downloads"] as? [[String: Any]])?.map { $0["id"] as? String }, ["my-file"])
        // A changed URL is a new file.
        let moved = try update(1, ["downloads": [["name": "Mine", "file": "https://cdn.example.com/audio.mp3"]]])
        XCTAssertNotEqual((moved["downloads"] as? [[String: Any]])?.first?["id"] as? String, "my-file")
        XCTAssertEqual(try rowCount("product_downloads"), 1)
    }

    func testTurningDownloadableOffHidesButKeepsTheFiles() throws {
        try createProduct(["title": "Ebook", "downloadable": true, "download_expiry": 7,
                           "downloads": [["file": "https://example.com/book.pdf"]]])
        let off = try update(1, ["downloadable": false, "downloads": [], "download_expiry": 1])
        XCTAssertEqual((off["downloads"] as? [Any])?.count, 0)
        XCTAssertEqual(off["download_expiry"] as? Int, 7)
        let on = try update(1, ["downloadable": true])
        XCTAssertEqual((on["downloads"] as? [[String: Any]])?.first?["name"] as? String, "book.pdf")
    }

    func testPatchAndPostToTheIDAlsoUpdate() throws {
        try createProduct(["title": "Widget"])
        XCTAssertEqual(try update(1, ["title": "Patched"], method: "PATCH")["title"] as? String, "Patched")
        XCTAssertEqual(try update(1, ["title": "Posted"], method: "POST")["title"] as? String, "Posted")
        // The slug stays what it was at publication.
        XCTAssertEqual(try product(try get("/products/1"))["permalink"] as? String, "\(base)/product/widget/")
    }

    func testNameSetsTheSlugAndPublishingADraftGivesOne() throws {
        try createProduct(["title": "Draft widget", "status": "draft"])
        let published = try update(1, ["status": "publish"])
        XCTAssertEqual(published["permalink"] as? String, "\(base)/product/draft-widget/")
        XCTAssertEqual(try update(1, ["name": "Better Name"])["permalink"] as? String, "\(base)/product/better-name/")
    }

    func testSKUChangesAreCheckedAgainstOtherProducts() throws {
        try createProduct(["title": "One", "sku": "ONE"])
        try createProduct(["title": "Two", "sku": "TWO"])
        XCTAssertEqual(try update(1, ["sku": "one"])["sku"] as? String, "one")
        assertError(try send("PUT", "/products/2", body: ["product": ["title": "Changed", "sku": "ONE", "regular_price": "5"]]),
                    status: 400, code: "woocommerce_api_product_sku_already_exists")
        // Nothing of the failed update was written.
        let two = try product(try get("/products/2"))
        XCTAssertEqual(two["title"] as? String, "Two")
        XCTAssertEqual(two["sku"] as? String, "TWO")
        XCTAssertEqual(two["regular_price"] as? String, "0.00")
        XCTAssertEqual(try update(2, ["sku": ""])["sku"] as? String, "")
    }

    func testTypeIsValidatedButNeverChanged() throws {
        try createProduct(["title": "Widget"])
        XCTAssertEqual(try update(1, ["type": "variable", "title": "Still simple"])["type"] as? String, "simple")
        assertError(try send("PUT", "/products/1", body: ["product": ["type": "bundle", "title": "No"]]), status: 400,
                    code: "woocommerce_api_invalid_product_type")
        XCTAssertEqual(try product(try get("/products/1"))["title"] as? String, "Still simple")
    }

    func testUnknownAndZeroIDsAreNotFound() throws {
        assertError(try send("PUT", "/products/7", body: ["product": ["title": "X"]]), status: 404,
                    code: "woocommerce_api_no_product_found", message: "No product found with the ID equal to 7")
        assertError(try send("PUT", "/products/0", body: ["product": ["title": "X"]]), status: 404,
                    code: "woocommerce_api_invalid_product_id")
        // An unknown product is reported before the body's own errors.
        assertError(try send("PUT", "/products/7", body: ["product": ["status": "bogus"]]), status: 404,
                    code: "woocommerce_api_no_product_found")
    }

    func testMissingWrapperIsTheEditError() throws {
        try createProduct(["title": "Widget"])
        assertError(try send("PUT", "/products/1", body: ["title": "X"]), status: 400, code: "woocommerce_api_missing_product_data",
                    message: "No product data specified to edit product")
        // The wrapper is checked before the id (products-orders §2.5).
        assertError(try send("PUT", "/products/99", body: ["title": "X"]), status: 400, code: "woocommerce_api_missing_product_data")
    }

    func testANonObjectWrapperOnlyBumpsUpdatedAt() throws {
        try createProduct(["title": "Widget", "regular_price": "3"])
        clock.now += 5
        let touched = try update(1, [:])
        XCTAssertEqual(touched["title"] as? String, "Widget")
        XCTAssertEqual(touched["updated_at"] as? String, "2023-11-14T22:13:25Z")
        let response = assertOK(try send("PUT", "/products/1", body: #"{"product":"nothing"}"#))
        XCTAssertEqual(try product(response)["price"] as? String, "3.00")
    }
}
