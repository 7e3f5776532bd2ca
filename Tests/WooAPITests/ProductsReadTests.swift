import Foundation
import HTTP
import SQLite
import Storage
import TestSupport
import WooAPI
import XCTest

/// `GET /products/<id>` and the request-shape errors every products route shares (products-orders §2.2, §2.3; decisions #23).
final class ProductsReadTests: ProductsTestCase {
    override class var mode: APITestMode { .inProcess }

    func testReadReturnsWhatCreateReturned() throws {
        let created = try createProduct(["title": "Widget", "regular_price": "19.99", "sku": "W-1"])
        let response = assertOK(try get("/products/1"))
        XCTAssertEqual(try product(response) as NSDictionary, created as NSDictionary)
        XCTAssertEqual(try orderedProduct(response).keys, Self.productKeys)
        // Leading zeros are read as the number (absint).
        XCTAssertEqual(try product(assertOK(try get("/products/001")))["id"] as? Int, 1)
    }

    func testPlaceholderImageTimesAreNow() throws {
        try createProduct(["title": "Widget"])
        clock.now += 3600
        let image = try XCTUnwrap((try product(try get("/products/1"))["images"] as? [[String: Any]])?.first)
        XCTAssertEqual(image["created_at"] as? String, "2023-11-14T23:13:20Z")
        XCTAssertEqual(image["updated_at"] as? String, "2023-11-14T23:13:20Z")
        XCTAssertEqual(try product(try get("/products/1"))["created_at"] as? String, Self.startText)
    }

    func testUnknownIDIsNotFound() throws {
        assertError(try get("/products/99"), status: 404, code: "woocommerce_api_no_product_found",
                    message: "No product found with the ID equal to 99")
    }

    func testIDZeroIsAnInvalidID() throws {
        assertError(try get("/products/0"), status: 404, code: "woocommerce_api_invalid_product_id", message: "Invalid product ID")
        assertError(try get("/products/000"), status: 404, code: "woocommerce_api_invalid_product_id")
    }

    func testAnotherKindOfPostIsAnInvalidProduct() throws {
        try api.store.writeAndWait { db in try db.execute("INSERT INTO posts (type) VALUES ('shop_order')") }
        assertError(try get("/products/1"), status: 404, code: "woocommerce_api_invalid_product", message: "Invalid product")
        // The order took id 1 of the shared sequence: the next product gets 2.
        XCTAssertEqual(try createProduct(["title": "After order"])["id"] as? Int, 2)
    }

    func testNonNumericIDHasNoRoute() throws {
        assertError(try get("/products/abc"), status: 404, code: "woocommerce_api_no_route")
    }

    func testRelatedIDsAreOtherPublishedProductsLowestFirst() throws {
        try createProducts(7)
        try createProduct(["title": "Hidden", "status": "draft"])
        XCTAssertEqual(try product(try get("/products/3"))["related_ids"] as? [Int], [1, 2, 4, 5, 6])
        XCTAssertEqual(try product(try get("/products/8"))["related_ids"] as? [Int], [1, 2, 3, 4, 5])
    }

    func testFieldsKeepsOnlyTheNamedKeys() throws {
        try createProduct(["title": "Widget", "regular_price": "2"])
        let p = try orderedProduct(assertOK(try get("/products/1?fields=price,id,dimensions.unit")))
        XCTAssertEqual(p.keys, ["id", "price", "dimensions"])
        XCTAssertEqual(p["dimensions"]?.keys, ["unit"])
        XCTAssertEqual(try get("/products/1?fields=nothing").text, #"{"product":[]}"#)
    }

    func testFilterMetaAddsProductMeta() throws {
        try createProduct(["title": "Widget"])
        let p = try orderedProduct(assertOK(try get("/products/1?filter%5Bmeta%5D=true")))
        XCTAssertEqual(p.keys, Self.productKeys + ["product_meta"])
        XCTAssertEqual(p["product_meta"]?.keys, ["total_sales"])
        XCTAssertEqual(p["product_meta"]?["total_sales"]?.raw, #""0""#)
    }

    func testDraftAndTrashedProductsAreReadableByID() throws {
        try createProduct(["title": "Draft", "status": "draft"])
        try createProduct(["title": "Gone"])
        XCTAssertEqual(try send("DELETE", "/products/2").status, 202)
        XCTAssertEqual(try product(assertOK(try get("/products/1")))["status"] as? String, "draft")
        let trashed = try product(assertOK(try get("/products/2")))
        XCTAssertEqual(trashed["status"] as? String, "trash")
        XCTAssertEqual(trashed["visible"] as? Bool, false)
    }

    func testCustomerKeyCannotReadCreateOrCount() throws {
        try createProduct(["title": "Widget"])
        let key = try customerKey()
        assertError(try send("GET", "/products/1", auth: key), status: 401, code: "woocommerce_api_user_cannot_read_product",
                    message: "You do not have permission to read this product")
        assertError(try send("GET", "/products/99", auth: key), status: 404, code: "woocommerce_api_no_product_found")
        assertError(try send("POST", "/products", body: ["product": ["title": "X"]], auth: key), status: 401,
                    code: "woocommerce_api_user_cannot_create_product", message: "You do not have permission to create products")
        assertError(try send("GET", "/products/count", auth: key), status: 401,
                    code: "woocommerce_api_user_cannot_read_products_count")
        assertError(try send("PUT", "/products/1", body: ["product": ["title": "X"]], auth: key), status: 401,
                    code: "woocommerce_api_user_cannot_edit_product")
        assertError(try send("DELETE", "/products/1", auth: key), status: 401, code: "woocommerce_api_user_cannot_delete_product")
        // The list skips what the caller may not read, but still counts it.
        let list = assertOK(try send("GET", "/products", auth: key))
        XCTAssertEqual(list.text, #"{"products":[]}"#)
        XCTAssertEqual(list.header("X-WC-Total"), "1")
    }

    func testMissingWrapperIsTheRealError() throws {
        for body in [#"{"title":"Widget"}"#, #"{"product":null}"#, "[1,2]"] {
            assertError(try send("POST", "/products", body: body), status: 400, code: "woocommerce_api_missing_product_data",
                        message: "No product data specified to create product")
        }
        for body in [#"{"product":{"regular_price":"2"}}"#, #"{"product":"Widget"}"#, #"{"product":{"title":null}}"#] {
            assertError(try send("POST", "/products", body: body), status: 400, code: "woocommerce_api_missing_product_title",
                        message: "Missing parameter title")
        }
    }

    func testMalformedJSONIsMissingCallbackParam() throws {
        for body in ["{\"product\":", "", "not json", "null"] {
            assertError(try send("POST", "/products", body: body), status: 400, code: "woocommerce_api_missing_callback_param",
                        message: "Missing parameter data")
        }
        try createProduct(["title": "Widget"])
        assertError(try send("PUT", "/products/1", body: "{oops"), status: 400, code: "woocommerce_api_missing_callback_param")
    }

    func testGroupedAndExternalTypesAreRefused() throws {
        for type in ["grouped", "external"] {
            assertError(try send("POST", "/products", body: ["product": ["title": "X", "type": type]]), status: 400,
                        code: "woocommerce_api_invalid_product_type",
                        message: "Unsupported product type - this store serves simple and variable products, not \(type)")
        }
        for type: Any in ["bundle", "Simple", ["simple"], 1] {
            assertError(try send("POST", "/products", body: ["product": ["title": "X", "type": type]]), status: 400,
                        code: "woocommerce_api_invalid_product_type",
                        message: "Invalid product type - the product type must be any of these: simple, grouped, external, variable")
        }
        XCTAssertEqual(try rowCount("posts"), 0)
    }

    func testWrongJSONTypesAreInvalidParameters() throws {
        for (key, value) in [("title", ["a"]), ("regular_price", ["1"]), ("sku", ["x": 1]), ("download_limit", [1]),
                             ("virtual", ["yes"])] as [(String, Any)] {
            var fields: [String: Any] = ["title": "X"]
            fields[key] = value
            assertError(try send("POST", "/products", body: ["product": fields]), status: 400,
                        code: "woocommerce_api_invalid_parameter")
        }
        assertError(try get("/products?filter%5Blimit%5D=abc"), status: 400, code: "woocommerce_api_invalid_parameter")
        assertError(try get("/products?page=0"), status: 400, code: "woocommerce_api_invalid_parameter")
        assertError(try get("/products?filter=scalar"), status: 400, code: "woocommerce_api_invalid_parameter")
        assertError(try get("/products?fields[]=id"), status: 400, code: "woocommerce_api_invalid_parameter")
        XCTAssertEqual(try rowCount("posts"), 0)
    }
}
