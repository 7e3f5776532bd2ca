import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `GET /products` and `GET /products/count`: rows, order, filters, pagination headers and Link URLs
/// (products-orders §2.7, §4.9; decisions #12, #24).
final class ProductsListTests: ProductsTestCase {
    override class var mode: APITestMode { .inProcess }

    private func assertTotals(_ response: TestResponse, _ total: Int, _ pages: Int,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.header("X-WC-Total"), String(total), file: file, line: line)
        XCTAssertEqual(response.header("X-WC-TotalPages"), String(pages), file: file, line: line)
    }

    func testEmptyStore() throws {
        let response = assertOK(try get("/products"))
        XCTAssertEqual(response.text, #"{"products":[]}"#)
        assertTotals(response, 0, 0)
        XCTAssertEqual(links(response), [])
    }

    func testDefaultPageIsTheTenNewestWithNextAndLastLinks() throws {
        try createProducts(12)
        let response = assertOK(try get("/products"))
        XCTAssertEqual(try productIDs(response), Array((3...12).reversed()))
        assertTotals(response, 12, 2)
        XCTAssertEqual(links(response), [productLink("page=2", "next"), productLink("page=2", "last")])
        let first = try XCTUnwrap(try ordered(response)["products"]?[0])
        XCTAssertEqual(first.keys, Self.productKeys)
        XCTAssertEqual(first["title"]?.raw, #""Product 12""#)
    }

    func testSecondPageHasFirstAndPrevLinks() throws {
        try createProducts(12)
        let response = assertOK(try get("/products?page=2"))
        XCTAssertEqual(try productIDs(response), [2, 1])
        assertTotals(response, 12, 2)
        XCTAssertEqual(links(response), [productLink("page=1", "first"), productLink("page=1", "prev")])
    }

    func testLimitKeepsTheQueryInLinksPercentEncoded() throws {
        try createProducts(5)
        let response = assertOK(try get("/products?filter[limit]=2&page=2"))
        XCTAssertEqual(try productIDs(response), [3, 2])
        assertTotals(response, 5, 3)
        XCTAssertEqual(links(response), [
            productLink("filter%5Blimit%5D=2&page=1", "first"), productLink("filter%5Blimit%5D=2&page=1", "prev"),
            productLink("filter%5Blimit%5D=2&page=3", "next"), productLink("filter%5Blimit%5D=2&page=3", "last"),
        ])
        // A page holding one row still links (decisions #12), and credentials never leak into links.
        let last = assertOK(try get("/products?filter%5Blimit%5D=2&page=3&consumer_key=ck_x&consumer_secret=cs_y"))
        XCTAssertEqual(try productIDs(last), [1])
        XCTAssertEqual(links(last), [productLink("filter%5Blimit%5D=2&page=1", "first"),
                                     productLink("filter%5Blimit%5D=2&page=2", "prev")])
    }

    func testRepeatedParametersAreReadWithTheLastValueAndLinkedOnce() throws {
        try createProducts(5)
        // As the official Python client sends them: once in its signed URL, once again (issue 9).
        let twice = assertOK(try get("/products?filter[limit]=2&page=1&filter[limit]=2&page=1"))
        XCTAssertEqual(try productIDs(twice), [5, 4])
        assertTotals(twice, 5, 3)
        XCTAssertEqual(links(twice), [productLink("filter%5Blimit%5D=2&page=2", "next"), productLink("filter%5Blimit%5D=2&page=3", "last")])
        // Different values: the last one wins, as in PHP's `$_GET`.
        let last = assertOK(try get("/products?filter[limit]=1&page=3&filter%5Blimit%5D=2&page=1"))
        XCTAssertEqual(try productIDs(last), [5, 4])
        assertTotals(last, 5, 3)
        XCTAssertEqual(links(last), [productLink("filter%5Blimit%5D=2&page=2", "next"), productLink("filter%5Blimit%5D=2&page=3", "last")])
    }

    func testLimitMinusOneListsEverything() throws {
        try createProducts(12)
        let response = assertOK(try get("/products?filter%5Blimit%5D=-1"))
        XCTAssertEqual(try productIDs(response).count, 12)
        assertTotals(response, 12, 1)
        XCTAssertEqual(links(response), [])
    }

    func testPageBeyondTheEndIsEmptyWithTrueTotals() throws {
        try createProducts(3)
        let response = assertOK(try get("/products?page=5"))
        XCTAssertEqual(try productIDs(response), [])
        assertTotals(response, 3, 1)
    }

    func testOnlyPublishedProductsAreListedByDefault() throws {
        try createProduct(["title": "Live"])
        try createProduct(["title": "Draft", "status": "draft"])
        try createProduct(["title": "Private", "status": "private"])
        try createProduct(["title": "Trashed"])
        XCTAssertEqual(try send("DELETE", "/products/4").status, 202)
        XCTAssertEqual(try productIDs(try get("/products")), [1])
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bpost_status%5D=draft")), [2])
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bpost_status%5D=any&filter%5Border%5D=asc")), [1, 2, 3])
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bpost_status%5D=trash")), [4])
    }

    func testFiltersBySKUTypeSearchAndIDs() throws {
        try createProduct(["title": "Red shirt", "sku": "RED"])
        try createProduct(["title": "Blue shirt", "sku": "BLUE", "description": "Navy blue"])
        try createProduct(["title": "Green hat"])
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bsku%5D=blue")), [2])
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bq%5D=shirt")), [2, 1])
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bq%5D=navy")), [2])
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bin%5D=1,3")), [3, 1])
        XCTAssertEqual(try productIDs(try get("/products?type=simple")), [3, 2, 1])
        XCTAssertEqual(try productIDs(try get("/products?type=variable")), [])
        XCTAssertEqual(try productIDs(try get("/products?filter%5Borderby%5D=title&filter%5Border%5D=ASC")), [2, 3, 1])
    }

    func testCreatedAtBoundsAreInclusive() throws {
        try createProducts(3)  // created at start+1, +2, +3
        let min = "2023-11-14T22:13:22Z", max = "2023-11-14T22:13:22Z"
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bcreated_at_min%5D=\(min)")), [3, 2])
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bcreated_at_max%5D=\(max)")), [2, 1])
    }

    func testCountUsesTheSameFilters() throws {
        try assertProductCount(0)
        try createProducts(3)
        try createProduct(["title": "Draft", "status": "draft"])
        try assertProductCount(3)
        try assertProductCount(4, query: "?filter%5Bpost_status%5D=any")
        try assertProductCount(1, query: "?filter%5Bpost_status%5D=draft")
        // Paging does not change a count.
        try assertProductCount(3, query: "?filter%5Blimit%5D=1&page=2")
    }

    func testFieldsApplyToEveryListedProduct() throws {
        try createProducts(2)
        XCTAssertEqual(try get("/products?fields=id,title").text,
                       #"{"products":[{"title":"Product 2","id":2},{"title":"Product 1","id":1}]}"#)
    }
}
