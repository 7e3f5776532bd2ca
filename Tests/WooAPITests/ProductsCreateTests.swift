import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `POST /products`: output shape and defaults, modelled fields, prices, slugs (products-orders §1, §2.3, §2.4).
final class ProductsCreateTests: ProductsTestCase {
    func testMinimalBodyCreatesAPublishedSimpleProduct() throws {
        let response = assertOK(try send("POST", "/products", body: ["product": ["title": "Widget"]]), status: 201)
        XCTAssertNil(response.header("Location"))
        let product = try self.product(response)
        XCTAssertEqual(product["id"] as? Int, 1)
        XCTAssertEqual(product["title"] as? String, "Widget")
        XCTAssertEqual(product["type"] as? String, "simple")
        XCTAssertEqual(product["status"] as? String, "publish")
        XCTAssertEqual(product["permalink"] as? String, "\(base)/product/widget/")
        // No price: both print "0.00", nothing to buy, no price markup.
        XCTAssertEqual(product["price"] as? String, "0.00")
        XCTAssertEqual(product["regular_price"] as? String, "0.00")
        XCTAssertTrue(product["sale_price"] is NSNull)
        XCTAssertEqual(product["price_html"] as? String, "")
        XCTAssertEqual(product["purchaseable"] as? Bool, false)
        XCTAssertEqual(product["created_at"] as? String, Self.startText)
        XCTAssertEqual(product["updated_at"] as? String, Self.startText)
    }

    func testFreshProductHasTheExactKeyOrderTypesAndDefaults() throws {
        let body = #"{"product":{"title":"Widget","type":"simple","regular_price":"19.99"}}"#
        let response = try send("POST", "/products", body: body)
        XCTAssertEqual(response.status, 201, response.text)
        let p = try orderedProduct(response)
        XCTAssertEqual(p.keys, Self.productKeys)
        let expected: [String: String] = [
            "title": #""Widget""#, "id": "1", "created_at": "\"\(Self.startText)\"", "updated_at": "\"\(Self.startText)\"",
            "type": #""simple""#, "status": #""publish""#, "downloadable": "false", "virtual": "false", "sku": #""""#,
            "price": #""19.99""#, "regular_price": #""19.99""#, "sale_price": "null", "taxable": "false",
            "tax_status": #""taxable""#, "tax_class": #""""#, "managing_stock": "false", "stock_quantity": "null",
            "in_stock": "true", "backorders_allowed": "false", "backordered": "false", "sold_individually": "false",
            "purchaseable": "true", "featured": "false", "visible": "true", "catalog_visibility": #""visible""#,
            "on_sale": "false", "product_url": #""""#, "button_text": #""""#, "weight": "null",
            "shipping_required": "true", "shipping_taxable": "true", "shipping_class": #""""#, "shipping_class_id": "null",
            "description": #""""#, "short_description": #""""#, "reviews_allowed": "true", "average_rating": #""0.00""#,
            "rating_count": "0", "parent_id": "0", "featured_src": "false", "download_limit": "-1",
            "download_expiry": "-1", "download_type": #""standard""#, "purchase_note": #""""#, "total_sales": "0",
        ]
        for (key, token) in expected { XCTAssertEqual(p[key]?.raw, token, key) }
        for key in ["related_ids", "upsell_ids", "cross_sell_ids", "tags", "attributes", "downloads", "variations", "parent"] {
            XCTAssertEqual(p[key], .array([]), key)
        }
        XCTAssertEqual(p["categories"], .array([.scalar(#""Uncategorized""#)]))
        XCTAssertEqual(p["dimensions"]?.keys, ["length", "width", "height", "unit"])
        XCTAssertEqual(p["dimensions"]?["unit"]?.raw, #""cm""#)
        XCTAssertEqual(p["dimensions"]?["length"]?.raw, #""""#)
        let image = try XCTUnwrap(p["images"]?[0])
        XCTAssertNil(p["images"]?[1])
        XCTAssertEqual(image.keys, ["id", "created_at", "updated_at", "src", "title", "alt", "position"])
        XCTAssertEqual(image["id"]?.raw, "0")
        XCTAssertEqual(image["created_at"]?.raw, "\"\(Self.startText)\"")
        XCTAssertEqual(image["title"]?.raw, #""Placeholder""#)
        XCTAssertEqual(image["position"]?.raw, "0")
        let product = try self.product(response)
        XCTAssertEqual(product["permalink"] as? String, "\(base)/product/widget/")
        XCTAssertEqual(product["price_html"] as? String, Self.priceHTML("19.99"))
        XCTAssertEqual((product["images"] as? [[String: Any]])?.first?["src"] as? String,
                       "\(base)/wp-content/uploads/woocommerce-placeholder-300x300.png")
    }

    func testEveryModelledFieldIsStored() throws {
        let product = try createProduct([
            "title": "  Ebook <b>Deluxe</b> ", "type": "simple", "status": "draft", "sku": "EB-1",
            "regular_price": "20", "sale_price": "15.5", "description": "All the <i>words</i>",
            "short_description": "It's \"great\"...", "virtual": true, "downloadable": true,
            "downloads": [["name": "Book", "file": "https://cdn.example.com/files/book.pdf"],
                          ["file": "https://cdn.example.com/files/extra notes.pdf"]],
            "download_limit": "5", "download_expiry": 30,
        ])
        XCTAssertEqual(product["title"] as? String, "Ebook Deluxe")
        XCTAssertEqual(product["status"] as? String, "draft")
        XCTAssertEqual(product["sku"] as? String, "EB-1")
        XCTAssertEqual(product["regular_price"] as? String, "20.00")
        XCTAssertEqual(product["sale_price"] as? String, "15.50")
        XCTAssertEqual(product["price"] as? String, "15.50")
        XCTAssertEqual(product["on_sale"] as? Bool, true)
        XCTAssertEqual(product["description"] as? String, "<p>All the words</p>\n")
        XCTAssertEqual(product["short_description"] as? String, "<p>It&#8217;s &#8220;great&#8221;&#8230;</p>\n")
        XCTAssertEqual(product["virtual"] as? Bool, true)
        XCTAssertEqual(product["shipping_required"] as? Bool, false)
        XCTAssertEqual(product["shipping_taxable"] as? Bool, false)
        XCTAssertEqual(product["downloadable"] as? Bool, true)
        XCTAssertEqual(product["download_limit"] as? Int, 5)
        XCTAssertEqual(product["download_expiry"] as? Int, 30)
        // A draft has no slug yet: its permalink is the query form; the admin key may buy and see it.
        XCTAssertEqual(product["permalink"] as? String, "\(base)/?post_type=product&p=1")
        XCTAssertEqual(product["purchaseable"] as? Bool, true)
        XCTAssertEqual(product["visible"] as? Bool, true)
        let downloads = try XCTUnwrap(product["downloads"] as? [[String: Any]])
        XCTAssertEqual(downloads.count, 2)
        XCTAssertEqual(downloads.map { $0["name"] as? String }, ["Book", "extra notes.pdf"])
        XCTAssertEqual(downloads.map { $0["file"] as? String },
                       ["https://cdn.example.com/files/book.pdf", "https://cdn.example.com/files/extra%20notes.pdf"])
        XCTAssertTrue(downloads.allSatisfy { isUUID4($0["id"] as? String) }, "\(downloads)")
        XCTAssertNotEqual(downloads[0]["id"] as? String, downloads[1]["id"] as? String)
        let keys = try XCTUnwrap(try orderedProduct(try get("/products/1"))["downloads"]?[0]?.keys)
        XCTAssertEqual(keys, ["id", "name", "file"])
    }

    func testPriceIsTheRegularPriceWithoutASale() throws {
        let product = try createProduct(["title": "Plain", "regular_price": 19.5])
        XCTAssertEqual(product["price"] as? String, "19.50")
        XCTAssertEqual(product["on_sale"] as? Bool, false)
        XCTAssertEqual(product["price_html"] as? String, Self.priceHTML("19.50"))
    }

    func testPriceIsTheSalePriceWhileOnSale() throws {
        let product = try createProduct(["title": "Deal", "regular_price": "1234.5", "sale_price": "999"])
        XCTAssertEqual(product["price"] as? String, "999.00")
        XCTAssertEqual(product["sale_price"] as? String, "999.00")
        XCTAssertEqual(product["on_sale"] as? Bool, true)
        XCTAssertEqual(product["price_html"] as? String,
                       "<del>" + Self.priceHTML("1,234.50") + "</del> <ins>" + Self.priceHTML("999.00") + "</ins>")
    }

    func testSalePriceNotBelowTheRegularPriceIsCleared() throws {
        let product = try createProduct(["title": "Odd", "regular_price": "10", "sale_price": "12"])
        XCTAssertTrue(product["sale_price"] is NSNull)
        XCTAssertEqual(product["price"] as? String, "10.00")
        XCTAssertEqual(product["on_sale"] as? Bool, false)
    }

    func testPricesAreFormattedAsTheRealStoreDoes() throws {
        let cases: [(Any, String)] = [(20, "20.00"), ("19.999", "20.00"), ("abc", "0.00"), ("$5.5", "5.50"), (0.125, "0.13"),
                                      ("1,000.50", "1.00"), ("", "0.00")]
        for (input, expected) in cases {
            let product = try createProduct(["title": "P", "regular_price": input])
            XCTAssertEqual(product["regular_price"] as? String, expected, "\(input)")
        }
        // A sale price of "0" is a real sale at 0, but prints as null (products-orders §6 Q11).
        let free = try createProduct(["title": "Free", "regular_price": "5", "sale_price": "0"])
        XCTAssertTrue(free["sale_price"] is NSNull)
        XCTAssertEqual(free["price"] as? String, "0.00")
        XCTAssertEqual(free["on_sale"] as? Bool, true)
    }

    func testSlugsAreMadeUniqueAndEmptyTitleBecomesProduct() throws {
        XCTAssertEqual(try createProduct(["title": "Widget"])["permalink"] as? String, "\(base)/product/widget/")
        XCTAssertEqual(try createProduct(["title": "widget"])["permalink"] as? String, "\(base)/product/widget-2/")
        XCTAssertEqual(try createProduct(["title": "Crème brûlée à la carte"])["permalink"] as? String,
                       "\(base)/product/creme-brulee-a-la-carte/")
        let untitled = try createProduct(["title": ""])
        XCTAssertEqual(untitled["title"] as? String, "Product")
        XCTAssertEqual(untitled["permalink"] as? String, "\(base)/product/product/")
        XCTAssertEqual(try createProduct(["title": "!!!"])["permalink"] as? String, "\(base)/product/5/")
    }

    func testDuplicateSKUIsRefusedCaseInsensitively() throws {
        try createProduct(["title": "First", "sku": "ABC-1"])
        for sku in ["ABC-1", "abc-1", " ABC-1 "] {
            assertError(try send("POST", "/products", body: ["product": ["title": "Second", "sku": sku]]), status: 400,
                        code: "woocommerce_api_product_sku_already_exists", message: "The SKU already exists on another product.")
        }
        try assertProductCount(1)
    }

    func testTrashedProductDoesNotBlockItsSKU() throws {
        try createProduct(["title": "Old", "sku": "KEEP"])
        XCTAssertEqual(try send("DELETE", "/products/1").status, 202)
        XCTAssertEqual(try createProduct(["title": "New", "sku": "KEEP"])["sku"] as? String, "KEEP")
    }

    func testFailedCreatesLeaveNoTraceAndUseNoID() throws {
        try createProduct(["title": "First", "sku": "S1"])
        assertError(try send("POST", "/products", body: ["product": ["title": "Dup", "sku": "S1", "regular_price": "3"]]),
                    status: 400, code: "woocommerce_api_product_sku_already_exists")
        assertError(try send("POST", "/products", body: ["product": [
            "title": "Local", "downloadable": true, "downloads": [["file": "wp-content/uploads/missing.zip"]],
        ]]), status: 400, code: "product_invalid_download",
        message: "The downloadable file <code>wp-content/uploads/missing.zip</code> cannot be used as it does not exist on the server.")
        assertError(try send("POST", "/products", body: ["product": ["title": "Bad", "status": "shipped"]]),
                    status: 400, code: "woocommerce_api_invalid_parameter")
        XCTAssertEqual(try rowCount("products"), 1)
        XCTAssertEqual(try rowCount("posts"), 1)
        XCTAssertEqual(try rowCount("product_downloads"), 0)
        XCTAssertEqual(try nextPostID(), 2)
        XCTAssertEqual(try createProduct(["title": "Second"])["id"] as? Int, 2)
    }

    func testSKUOfZeroIsKept() throws {
        XCTAssertEqual(try createProduct(["title": "Zero", "sku": "0"])["sku"] as? String, "0")
    }

    func testDownloadsAreIgnoredUnlessDownloadable() throws {
        let product = try createProduct(["title": "Box", "downloadable": "true", "download_limit": 3,
                                         "downloads": [["file": "https://example.com/a.zip"]]])
        XCTAssertEqual(product["downloadable"] as? Bool, false)
        XCTAssertEqual((product["downloads"] as? [Any])?.count, 0)
        XCTAssertEqual(product["download_limit"] as? Int, -1)
        XCTAssertEqual(try rowCount("product_downloads"), 0)
    }
}
