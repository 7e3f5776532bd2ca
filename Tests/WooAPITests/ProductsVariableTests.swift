import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// Variable products: the parent and its variations through create, read, list, update and delete (products-orders §1, §2).
final class ProductsVariableTests: ProductsTestCase {
    /// A `variations` entry's keys in output order.
    static let variationKeys = [
        "id", "created_at", "updated_at", "downloadable", "virtual", "permalink", "sku", "price", "regular_price",
        "sale_price", "taxable", "tax_status", "tax_class", "managing_stock", "stock_quantity", "in_stock", "backordered",
        "purchaseable", "visible", "on_sale", "weight", "dimensions", "shipping_class", "shipping_class_id", "image",
        "attributes", "downloads", "download_limit", "download_expiry",
    ]

    /// The one attribute of the T-Shirt: "Size" (S, M, L), used for variations.
    private let sizeAttribute: [String: Any] = [
        "name": "Size", "position": 0, "visible": true, "variation": true, "options": ["S", "M", "L"],
    ]

    /// A `variations` entry of the given size and regular price.
    private func size(_ value: String, _ price: String, sku: String? = nil, sale: String? = nil,
                      _ extra: [String: Any] = [:]) -> [String: Any] {
        var fields: [String: Any] = ["regular_price": price, "attributes": [["name": "Size", "option": value]]]
        if let sku { fields["sku"] = sku }
        if let sale { fields["sale_price"] = sale }
        return fields.merging(extra) { $1 }
    }

    /// Creates the variable "T-Shirt" (attribute Size) with these variations; returns the parent.
    @discardableResult
    private func createTShirt(_ variations: [[String: Any]], _ extra: [String: Any] = [:],
                              file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let fields: [String: Any] = ["title": "T-Shirt", "type": "variable", "attributes": [sizeAttribute], "variations": variations]
        return try createProduct(fields.merging(extra) { $1 }, file: file, line: line)
    }

    /// The S 10 / M 12 / L 15 T-Shirt (skus TS-S, TS-M, TS-L): parent 1, variations 2, 3, 4 when it is the first post.
    @discardableResult
    private func createStandardTShirt(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try createTShirt([size("S", "10", sku: "TS-S"), size("M", "12", sku: "TS-M"), size("L", "15", sku: "TS-L")],
                         file: file, line: line)
    }

    /// A product's `variations`.
    private func variations(_ product: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try XCTUnwrap(product["variations"] as? [[String: Any]], "no variations: \(product)", file: file, line: line)
    }

    /// The ids of a product's `variations`, in order.
    private func variationIDs(_ product: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        try variations(product, file: file, line: line).map { ($0["id"] as? Int) ?? -1 }
    }

    /// `GET /products/<id>` as an object (asserting 200).
    private func read(_ id: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try product(assertOK(try get("/products/\(id)"), file: file, line: line), file: file, line: line)
    }

    /// A `wc_price` range "min &ndash; max".
    private func range(_ min: String, _ max: String) -> String { Self.priceHTML(min) + " &ndash; " + Self.priceHTML(max) }

    /// The message of a v2 error envelope.
    private func errorMessage(_ response: TestResponse) -> String {
        let errors = ((try? response.json()) as? [String: Any])?["errors"] as? [[String: Any]]
        return errors?.first?["message"] as? String ?? ""
    }

    private func assertMessage(_ response: TestResponse, status: Int, _ message: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.status, status, response.text, file: file, line: line)
        XCTAssertEqual(response.text, #"{"message":"\#(message)"}"#, file: file, line: line)
    }

    // MARK: Create

    func testCreateMakesTheParentThenOneVariationPerEntryFromTheSharedSequence() throws {
        let response = try send("POST", "/products", body: ["product": [
            "title": "T-Shirt", "type": "variable", "attributes": [sizeAttribute],
            "variations": [size("S", "10", sku: "TS-S"), size("M", "12", sku: "TS-M"), size("L", "15", sku: "TS-L")],
        ]])
        assertOK(response, status: 201)
        let p = try orderedProduct(response)
        XCTAssertEqual(p.keys, Self.productKeys)
        let expected: [String: String] = [
            "id": "1", "title": #""T-Shirt""#, "type": #""variable""#, "status": #""publish""#, "parent_id": "0",
            "downloadable": "false", "virtual": "false", "regular_price": #""0.00""#, "sale_price": "null",
            "price": #""10.00""#, "on_sale": "false", "purchaseable": "true",
        ]
        for (key, token) in expected { XCTAssertEqual(p[key]?.raw, token, key) }
        XCTAssertEqual(p["parent"], .array([]))
        let parent = try product(response)
        XCTAssertEqual(parent["permalink"] as? String, "\(base)/product/t-shirt/")
        XCTAssertEqual(parent["price_html"] as? String, range("10.00", "15.00"))
        XCTAssertEqual(try variationIDs(parent), [2, 3, 4])
        XCTAssertEqual(try variations(parent).map { $0["sku"] as? String }, ["TS-S", "TS-M", "TS-L"])
        XCTAssertEqual(try variations(parent).map { $0["price"] as? String }, ["10.00", "12.00", "15.00"])
        XCTAssertEqual(try nextPostID(), 5)
        // A read shows what the create returned.
        XCTAssertEqual(try read(1) as NSDictionary, parent as NSDictionary)
        // The next product continues the sequence.
        XCTAssertEqual(try createProduct(["title": "Widget"])["id"] as? Int, 5)
    }

    func testVariationEntryHasTheExactKeyOrderTypesAndDefaults() throws {
        let response = try send("POST", "/products", body: ["product": [
            "title": "T-Shirt", "type": "variable", "attributes": [sizeAttribute],
            "variations": [size("S", "10", sku: "TS-S"), size("M", "12", sku: "TS-M")],
        ]])
        assertOK(response, status: 201)
        let p = try orderedProduct(response)
        let v = try XCTUnwrap(p["variations"]?[0])
        XCTAssertNotNil(p["variations"]?[1])
        XCTAssertNil(p["variations"]?[2])
        XCTAssertEqual(v.keys, Self.variationKeys)
        let expected: [String: String] = [
            "id": "2", "created_at": "\"\(Self.startText)\"", "updated_at": "\"\(Self.startText)\"", "downloadable": "false",
            "virtual": "false", "sku": #""TS-S""#, "price": #""10.00""#, "regular_price": #""10.00""#, "sale_price": "null",
            "taxable": "false", "tax_status": #""taxable""#, "tax_class": #""""#, "managing_stock": "false",
            "stock_quantity": "0", "in_stock": "true", "backordered": "false", "purchaseable": "true", "visible": "true",
            "on_sale": "false", "weight": "null", "shipping_class": #""""#, "shipping_class_id": "null",
            "download_limit": "-1", "download_expiry": "-1",
        ]
        for (key, token) in expected { XCTAssertEqual(v[key]?.raw, token, key) }
        XCTAssertEqual(v["dimensions"], OrderedJSON.parse(Array(#"{"length":"","width":"","height":"","unit":"cm"}"#.utf8)))
        XCTAssertEqual(v["attributes"], OrderedJSON.parse(Array(#"[{"name":"size","slug":"size","option":"S"}]"#.utf8)))
        XCTAssertEqual(v["downloads"], .array([]))
        // `image` is the one placeholder entry, shaped as a product's `images`.
        XCTAssertEqual(v["image"], p["images"])
        XCTAssertEqual(v["image"]?[0]?.keys, ["id", "created_at", "updated_at", "src", "title", "alt", "position"])
        XCTAssertNil(v["image"]?[1])
        // The permalink is the parent's with the variation's attribute values.
        let listed = try variations(try product(response))
        XCTAssertEqual(listed.map { $0["permalink"] as? String },
                       ["\(base)/product/t-shirt/?attribute_size=S", "\(base)/product/t-shirt/?attribute_size=M"])
        XCTAssertEqual(try orderedProduct(try get("/products/1"))["variations"], p["variations"])
    }

    func testVariationWithoutASKUShowsTheParentSKU() throws {
        let parent = try createTShirt([size("S", "10", sku: "TS-S"), size("M", "12")], ["sku": "TS"])
        XCTAssertEqual(parent["sku"] as? String, "TS")
        XCTAssertEqual(try variations(parent).map { $0["sku"] as? String }, ["TS-S", "TS"])
    }

    func testVariableProductWithoutVariationsHasNoPrice() throws {
        let parent = try createTShirt([])
        XCTAssertEqual(parent["type"] as? String, "variable")
        XCTAssertEqual(parent["price"] as? String, "0.00")
        XCTAssertEqual(parent["price_html"] as? String, "")
        XCTAssertEqual(parent["purchaseable"] as? Bool, false)
        XCTAssertEqual(parent["on_sale"] as? Bool, false)
        XCTAssertEqual(try variationIDs(parent), [])
        XCTAssertEqual(try nextPostID(), 2)
    }

    func testParentAttributesAreNormalisedSortedByPositionAndIncompleteOnesSkipped() throws {
        let response = try send("POST", "/products", body: ["product": [
            "title": "T-Shirt", "type": "variable",
            "attributes": [
                ["name": "Color", "position": 2, "visible": "yes", "variation": 0, "options": "Red | Blue|Green"],
                ["name": "Size", "position": 1, "visible": 1, "variation": "1", "options": [" S ", "", "M|L"]],
                ["name": "Material", "position": 1, "visible": "0", "variation": "", "options": ["Cotton"]],
                ["position": 0, "visible": true, "variation": true, "options": ["X"]],
                ["name": "Fit", "position": 0, "visible": true, "variation": true],
                ["name": "Collar", "position": 3, "visible": false, "variation": true, "options": ["Round"]],
            ] as [[String: Any]],
            "variations": [["regular_price": "5", "attributes": [["name": "Size", "option": "M"], ["name": "Collar", "option": "Round"]]]],
        ]])
        assertOK(response, status: 201)
        let p = try orderedProduct(response)
        let expected = #"[{"name":"Size","slug":"Size","position":1,"visible":true,"variation":true,"options":["S","M","L"]},"#
            + #"{"name":"Material","slug":"Material","position":1,"visible":false,"variation":false,"options":["Cotton"]},"#
            + #"{"name":"Color","slug":"Color","position":2,"visible":true,"variation":false,"options":["Red","Blue","Green"]},"#
            + #"{"name":"Collar","slug":"Collar","position":3,"visible":false,"variation":true,"options":["Round"]}]"#
        XCTAssertEqual(p["attributes"], OrderedJSON.parse(Array(expected.utf8)))
        // A variation lists the parent's variation attributes only, in the parent's order, by key.
        XCTAssertEqual(p["variations"]?[0]?["attributes"], OrderedJSON.parse(Array(
            #"[{"name":"size","slug":"size","option":"M"},{"name":"collar","slug":"collar","option":"Round"}]"#.utf8)))
    }

    func testAnUnsetVariationAttributeIsAnyAndLeftOutOfThePermalink() throws {
        let parent = try createProduct([
            "title": "Polo", "type": "variable",
            "attributes": [sizeAttribute, ["name": "Color", "position": 1, "visible": true, "variation": true, "options": ["Red", "Blue"]]],
            "variations": [["regular_price": "9", "attributes": [["name": "Size", "option": "M"]]],
                           ["regular_price": "9", "attributes": [["name": "Color", "option": "Blue"], ["name": "Size", "option": "L"]]]],
        ])
        let listed = try variations(parent)
        XCTAssertEqual(listed.map { $0["permalink"] as? String },
                       ["\(base)/product/polo/?attribute_size=M", "\(base)/product/polo/?attribute_size=L&attribute_color=Blue"])
        let expected: [[[String: String]]] = [
            [["name": "size", "slug": "size", "option": "M"], ["name": "color", "slug": "color", "option": ""]],
            [["name": "size", "slug": "size", "option": "L"], ["name": "color", "slug": "color", "option": "Blue"]],
        ]
        XCTAssertEqual(listed.map { ($0["attributes"] as? [[String: String]]) ?? [] }, expected)
    }

    // MARK: Prices

    func testParentPriceHTMLFollowsItsVariationsPrices() throws {
        // Same price and sale everywhere: the sale format.
        let sale = try createTShirt([size("S", "20", sale: "15"), size("M", "20", sale: "15")])
        XCTAssertEqual(sale["price"] as? String, "15.00")
        XCTAssertEqual(sale["regular_price"] as? String, "0.00")
        XCTAssertTrue(sale["sale_price"] is NSNull)
        XCTAssertEqual(sale["on_sale"] as? Bool, true)
        XCTAssertEqual(sale["price_html"] as? String, "<del>" + Self.priceHTML("20.00") + "</del> <ins>" + Self.priceHTML("15.00") + "</ins>")
        XCTAssertEqual(try variations(sale).map { $0["sale_price"] as? String }, ["15.00", "15.00"])
        XCTAssertEqual(try variations(sale).map { $0["on_sale"] as? Bool }, [true, true])
        // Same price, no sale: one price.
        let plain = try createTShirt([size("S", "20"), size("M", "20")])
        XCTAssertEqual(plain["price_html"] as? String, Self.priceHTML("20.00"))
        XCTAssertEqual(plain["on_sale"] as? Bool, false)
        // Same price, one on sale, regular prices differ: one price.
        let mixed = try createTShirt([size("S", "20", sale: "15"), size("M", "15")])
        XCTAssertEqual(mixed["price"] as? String, "15.00")
        XCTAssertEqual(mixed["on_sale"] as? Bool, true)
        XCTAssertEqual(mixed["price_html"] as? String, Self.priceHTML("15.00"))
        // Different prices: the range, lowest first.
        let spread = try createTShirt([size("S", "30"), size("M", "20", sale: "15")])
        XCTAssertEqual(spread["price"] as? String, "15.00")
        XCTAssertEqual(spread["on_sale"] as? Bool, true)
        XCTAssertEqual(spread["price_html"] as? String, range("15.00", "30.00"))
        XCTAssertEqual(try createTShirt([size("S", "1234.5"), size("M", "999")])["price_html"] as? String,
                       range("999.00", "1,234.50"))
    }

    func testAVariationWithoutAPriceIsNotSoldAndNotCounted() throws {
        let parent = try createTShirt([size("S", "10"), size("M", "")])
        XCTAssertEqual(parent["price"] as? String, "10.00")
        XCTAssertEqual(parent["price_html"] as? String, Self.priceHTML("10.00"))
        XCTAssertEqual(parent["purchaseable"] as? Bool, true)
        let unpriced = try variations(parent)[1]
        XCTAssertEqual(unpriced["price"] as? String, "0.00")
        XCTAssertEqual(unpriced["regular_price"] as? String, "0.00")
        XCTAssertTrue(unpriced["sale_price"] is NSNull)
        XCTAssertEqual(unpriced["purchaseable"] as? Bool, false)
        XCTAssertEqual(unpriced["visible"] as? Bool, false)
    }

    func testAHiddenVariationIsPrivateListedButNeitherSoldNorPriced() throws {
        let parent = try createTShirt([size("S", "10", ["visible": false]), size("M", "12"), size("L", "15")])
        XCTAssertEqual(try variationIDs(parent), [2, 3, 4])
        XCTAssertEqual(parent["price"] as? String, "12.00")
        XCTAssertEqual(parent["price_html"] as? String, range("12.00", "15.00"))
        let hidden = try variations(parent)[0]
        XCTAssertEqual(hidden["visible"] as? Bool, false)
        XCTAssertEqual(hidden["purchaseable"] as? Bool, false)
        XCTAssertEqual(hidden["price"] as? String, "10.00")
        let hiddenProduct = try read(2)
        XCTAssertEqual(hiddenProduct["status"] as? String, "private")
        XCTAssertEqual(hiddenProduct["purchaseable"] as? Bool, false)
        // Only hidden variations: nothing to buy.
        let none = try createTShirt([size("S", "10", ["visible": false])])
        XCTAssertEqual(none["price"] as? String, "0.00")
        XCTAssertEqual(none["price_html"] as? String, "")
        XCTAssertEqual(none["purchaseable"] as? Bool, false)
        XCTAssertEqual(try variationIDs(none).count, 1)
    }

    func testParentIsOnSaleOnlyThroughAVisibleVariation() throws {
        let parent = try createTShirt([size("S", "10", sale: "5", ["visible": false]), size("M", "12")])
        XCTAssertEqual(parent["on_sale"] as? Bool, false)
        XCTAssertEqual(parent["price"] as? String, "12.00")
    }

    func testDownloadableVariationShowsItsOwnFilesLimitAndExpiry() throws {
        let parent = try createTShirt([
            size("S", "5", ["virtual": true, "downloadable": true, "download_limit": 2, "download_expiry": 10,
                            "downloads": [["name": "Pattern", "file": "https://cdn.example.com/pattern.pdf"]]]),
            size("M", "6"),
        ])
        XCTAssertEqual(parent["downloadable"] as? Bool, false)
        XCTAssertEqual(parent["virtual"] as? Bool, false)
        let listed = try variations(parent)
        XCTAssertEqual(listed.map { $0["downloadable"] as? Bool }, [true, false])
        XCTAssertEqual(listed.map { $0["virtual"] as? Bool }, [true, false])
        XCTAssertEqual(listed.map { $0["download_limit"] as? Int }, [2, -1])
        XCTAssertEqual(listed.map { $0["download_expiry"] as? Int }, [10, -1])
        let files = try XCTUnwrap(listed[0]["downloads"] as? [[String: Any]])
        XCTAssertEqual(files.count, 1)
        XCTAssertEqual(files.first?["name"] as? String, "Pattern")
        XCTAssertEqual(files.first?["file"] as? String, "https://cdn.example.com/pattern.pdf")
        XCTAssertTrue(isUUID4(files.first?["id"] as? String), "\(files)")
        XCTAssertEqual((listed[1]["downloads"] as? [Any])?.count, 0)
        let keys = try XCTUnwrap(try orderedProduct(try get("/products/1"))["variations"]?[0]?["downloads"]?[0]?.keys)
        XCTAssertEqual(keys, ["id", "name", "file"])
    }

    // MARK: SKUs

    func testDuplicateVariationSKUIsRefusedAndNothingIsCreated() throws {
        try createProduct(["title": "Widget", "sku": "TS-M"])
        let before = try rowCount("products")
        let bodies: [[[String: Any]]] = [
            [size("S", "10", sku: "TS-S"), size("M", "12", sku: "TS-M")],  // a simple product's SKU
            [size("S", "10", sku: "TS-S"), size("M", "12", sku: "TS-S")],  // twice in the same list
        ]
        for variations in bodies {
            let response = try send("POST", "/products", body: ["product": [
                "title": "T-Shirt", "type": "variable", "attributes": [sizeAttribute], "variations": variations,
            ]])
            assertError(response, status: 400, code: "product_invalid_sku", message: "Invalid or duplicated SKU.")
        }
        XCTAssertEqual(try rowCount("products"), before)
        XCTAssertEqual(try nextPostID(), 2)
        try assertProductCount(1)
        // Another product's variation SKU is taken too.
        try createTShirt([size("S", "10", sku: "TS-S")])
        assertError(try send("POST", "/products", body: ["product": [
            "title": "Hoodie", "type": "variable", "attributes": [sizeAttribute], "variations": [size("S", "30", sku: "TS-S")],
        ]]), status: 400, code: "product_invalid_sku", message: "Invalid or duplicated SKU.")
        XCTAssertEqual(try nextPostID(), 4)
    }

    func testAProductSKUEqualToAVariationSKUIsRefused() throws {
        try createStandardTShirt()
        assertError(try send("POST", "/products", body: ["product": ["title": "Widget", "sku": "TS-M"]]), status: 400,
                    code: "woocommerce_api_product_sku_already_exists", message: "The SKU already exists on another product.")
        assertError(try send("POST", "/products", body: ["product": [
            "title": "Hoodie", "type": "variable", "sku": "TS-L", "attributes": [sizeAttribute], "variations": [size("S", "30")],
        ]]), status: 400, code: "woocommerce_api_product_sku_already_exists")
        XCTAssertEqual(try nextPostID(), 5)
    }

    func testATrashedVariationDoesNotBlockItsSKU() throws {
        try createStandardTShirt()
        assertMessage(try send("DELETE", "/products/3"), status: 202, "Deleted product")
        XCTAssertEqual(try createProduct(["title": "Widget", "sku": "TS-M"])["sku"] as? String, "TS-M")
    }

    // MARK: Read

    func testReadingAVariationShowsItAsAProductWithItsParent() throws {
        let parent = try createStandardTShirt()
        let response = assertOK(try get("/products/3"))
        let v = try orderedProduct(response)
        XCTAssertEqual(v.keys, Self.productKeys)
        let expected: [String: String] = [
            "id": "3", "title": #""T-Shirt - M""#, "type": #""variation""#, "status": #""publish""#, "parent_id": "1",
            "sku": #""TS-M""#, "price": #""12.00""#, "regular_price": #""12.00""#, "sale_price": "null",
            "purchaseable": "true",
        ]
        for (key, token) in expected { XCTAssertEqual(v[key]?.raw, token, key) }
        for key in ["categories", "related_ids", "variations"] { XCTAssertEqual(v[key], .array([]), key) }
        XCTAssertEqual(v["attributes"], OrderedJSON.parse(Array(#"[{"name":"size","slug":"size","option":"M"}]"#.utf8)))
        // `parent` is the parent's product object, without its variations.
        let p = try XCTUnwrap(v["parent"])
        XCTAssertEqual(p.keys, Self.productKeys)
        XCTAssertEqual(p["id"]?.raw, "1")
        XCTAssertEqual(p["type"]?.raw, #""variable""#)
        XCTAssertEqual(p["title"]?.raw, #""T-Shirt""#)
        XCTAssertEqual(p["price"]?.raw, #""10.00""#)
        XCTAssertEqual(p["variations"], .array([]))
        XCTAssertEqual(p["parent"], .array([]))
        XCTAssertEqual(try variationIDs(parent), [2, 3, 4])
    }

    func testVariationTitleNamesItsValuesOnlyWhenShort() throws {
        let color: [String: Any] = ["name": "Color", "position": 1, "visible": true, "variation": true, "options": ["Blue"]]
        let material: [String: Any] = ["name": "Material", "position": 2, "visible": true, "variation": true, "options": ["Cotton"]]
        let sleeve: [String: Any] = ["name": "Sleeve Length", "position": 1, "visible": true, "variation": true, "options": ["Long"]]
        func create(_ title: String, _ attributes: [[String: Any]], _ values: [(String, String)]) throws -> Int {
            let product = try createProduct([
                "title": title, "type": "variable", "attributes": attributes,
                "variations": [["regular_price": "10", "attributes": values.map { ["name": $0.0, "option": $0.1] }]],
            ])
            return try XCTUnwrap(try variationIDs(product).first)
        }
        let one = try create("T-Shirt", [sizeAttribute], [("Size", "M")])
        let two = try create("Polo", [sizeAttribute, color], [("Size", "M"), ("Color", "Blue")])
        let hyphen = try create("Shirt", [sizeAttribute, sleeve], [("Size", "M"), ("Sleeve Length", "Long")])
        let three = try create("Jacket", [sizeAttribute, color, material], [("Size", "M"), ("Color", "Blue"), ("Material", "Cotton")])
        XCTAssertEqual(try read(one)["title"] as? String, "T-Shirt - M")
        XCTAssertEqual(try read(two)["title"] as? String, "Polo - M, Blue")
        // With two attributes, a key holding "-" ("sleeve-length") keeps the values out.
        XCTAssertEqual(try read(hyphen)["title"] as? String, "Shirt")
        XCTAssertEqual(try read(three)["title"] as? String, "Jacket")
        XCTAssertEqual(try read(hyphen)["attributes"] as? [[String: String]], [
            ["name": "size", "slug": "size", "option": "M"], ["name": "sleeve-length", "slug": "sleeve-length", "option": "Long"],
        ])
    }

    // MARK: Lists

    func testListsAndCountsShowTheParentButNotItsVariations() throws {
        try createProduct(["title": "Widget", "sku": "W-1"])  // 1
        try createTShirt([size("S", "10", sku: "TS-S"), size("M", "12", sku: "TS-M", ["visible": false])])  // 2; 3, 4
        try createProduct(["title": "Gadget"])  // 5
        XCTAssertEqual(try productIDs(try get("/products")), [5, 2, 1])
        try assertProductCount(3)
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bpost_status%5D=any")), [5, 2, 1])
        try assertProductCount(3, query: "?filter%5Bpost_status%5D=any")
        XCTAssertEqual(try productIDs(try get("/products?type=variable")), [2])
        XCTAssertEqual(try productIDs(try get("/products?type=simple")), [5, 1])
        // A SKU search also searches variations.
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bsku%5D=TS-S")), [3])
        let found = try XCTUnwrap(try products(try get("/products?filter%5Bsku%5D=TS-S")).first)
        XCTAssertEqual(found["type"] as? String, "variation")
        XCTAssertEqual(found["parent_id"] as? Int, 2)
        XCTAssertEqual(try productIDs(try get("/products?filter%5Bsku%5D=W-1")), [1])
    }

    func testRelatedIDsIncludeVariableProductsButNeverVariations() throws {
        try createProduct(["title": "Widget"])  // 1
        try createStandardTShirt()  // 2; 3, 4, 5
        try createProduct(["title": "Gadget"])  // 6
        XCTAssertEqual(try read(1)["related_ids"] as? [Int], [2, 6])
        XCTAssertEqual(try read(6)["related_ids"] as? [Int], [1, 2])
    }

    // MARK: Update

    func testUpdateChangesANamedVariationAddsNewOnesAndKeepsTheRest() throws {
        try createTShirt([size("S", "10", sku: "TS-S"), size("M", "12", sku: "TS-M")])  // 1; 2, 3
        clock.now += 60
        let response = try send("PUT", "/products/1", body: ["product": ["variations": [
            ["id": 3, "regular_price": "25"], size("L", "8", sku: "TS-L"),
        ]]])
        let parent = try product(assertOK(response))
        XCTAssertEqual(try variationIDs(parent), [2, 3, 4])
        let listed = try variations(parent)
        XCTAssertEqual(listed.map { $0["regular_price"] as? String }, ["10.00", "25.00", "8.00"])
        XCTAssertEqual(listed.map { $0["sku"] as? String }, ["TS-S", "TS-M", "TS-L"])
        XCTAssertEqual(parent["price"] as? String, "8.00")
        XCTAssertEqual(parent["price_html"] as? String, range("8.00", "25.00"))
        XCTAssertEqual(try read(3)["price"] as? String, "25.00")
        XCTAssertEqual(try read(3)["title"] as? String, "T-Shirt - M")
        XCTAssertEqual(try read(4)["title"] as? String, "T-Shirt - L")
        XCTAssertEqual(try read(1) as NSDictionary, parent as NSDictionary)
    }

    func testVariationsAreOrderedByTheirIndexInTheLastListNamingThemThenByID() throws {
        try createStandardTShirt()  // 1; 2, 3, 4 at indexes 0, 1, 2
        let parent = try product(assertOK(try send("PUT", "/products/1", body: ["product": ["variations": [
            ["id": 4], ["id": 2],
        ]]])))
        // 4 is now at index 0; 2 and 3 both at index 1, so by id.
        XCTAssertEqual(try variationIDs(parent), [4, 2, 3])
    }

    func testChangingTheAttributesReplacesTheWholeList() throws {
        try createStandardTShirt()
        let parent = try product(assertOK(try send("PUT", "/products/1", body: ["product": ["attributes": [
            ["name": "Color", "position": 0, "visible": true, "variation": true, "options": ["Red"]],
        ]]])))
        let attributes = try XCTUnwrap(parent["attributes"] as? [[String: Any]])
        XCTAssertEqual(attributes.map { $0["name"] as? String }, ["Color"])
        XCTAssertEqual(attributes.first?["options"] as? [String], ["Red"])
        // Variations show the parent's variation attributes: they never chose a color.
        XCTAssertEqual(try variations(parent).map { ($0["attributes"] as? [[String: String]]) ?? [] },
                       Array(repeating: [["name": "color", "slug": "color", "option": ""]], count: 3))
    }

    func testAnIDThatIsNotAVariationOfThisProductIs400AndNothingChanges() throws {
        try createTShirt([size("S", "10", sku: "TS-S"), size("M", "12", sku: "TS-M")])  // 1; 2, 3
        try createProduct(["title": "Hoodie", "type": "variable", "attributes": [sizeAttribute],
                           "variations": [size("S", "30", sku: "HO-S")]])  // 4; 5
        try createProduct(["title": "Widget", "regular_price": "19.99"])  // 6
        let before = try get("/products/1").text
        for id in [5, 6, 99] {
            let response = try send("PUT", "/products/1", body: ["product": ["title": "Changed", "variations": [
                ["id": 2, "regular_price": "99"], ["id": id, "regular_price": "1"],
            ]]])
            assertError(response, status: 400, code: "woocommerce_api_invalid_product_id")
            XCTAssertNotNil(errorMessage(response).range(of: "\\b\(id)\\b", options: .regularExpression), errorMessage(response))
        }
        XCTAssertEqual(try get("/products/1").text, before)
        XCTAssertEqual(try read(2)["regular_price"] as? String, "10.00")
        XCTAssertEqual(try read(5)["regular_price"] as? String, "30.00")
        XCTAssertEqual(try read(5)["parent_id"] as? Int, 4)
        XCTAssertEqual(try read(6)["regular_price"] as? String, "19.99")
        XCTAssertEqual(try nextPostID(), 7)
    }

    // MARK: Delete

    func testDeletingAVariationTrashesItOrWithForceDeletesIt() throws {
        try createTShirt([size("S", "10", sku: "TS-S"), size("M", "8", sku: "TS-M"), size("L", "15", sku: "TS-L")])
        assertMessage(try send("DELETE", "/products/3"), status: 202, "Deleted product")
        XCTAssertEqual(try read(3)["status"] as? String, "trash")
        var parent = try read(1)
        XCTAssertEqual(try variationIDs(parent), [2, 4])
        XCTAssertEqual(parent["price"] as? String, "10.00")
        XCTAssertEqual(parent["price_html"] as? String, range("10.00", "15.00"))
        assertMessage(try send("DELETE", "/products/4?force=true"), status: 200, "Permanently deleted product")
        assertError(try get("/products/4"), status: 404, code: "woocommerce_api_no_product_found",
                    message: "No product found with the ID equal to 4")
        parent = try read(1)
        XCTAssertEqual(try variationIDs(parent), [2])
        XCTAssertEqual(parent["price_html"] as? String, Self.priceHTML("10.00"))
        XCTAssertEqual(parent["status"] as? String, "publish")
    }

    func testTrashingTheParentTrashesItsVariationsAndForceDeletesThemAll() throws {
        try createStandardTShirt()
        assertMessage(try send("DELETE", "/products/1"), status: 202, "Deleted product")
        XCTAssertEqual(try read(1)["status"] as? String, "trash")
        for id in [2, 3, 4] { XCTAssertEqual(try read(id)["status"] as? String, "trash", "\(id)") }
        XCTAssertEqual(try productIDs(try get("/products")), [])
        try assertProductCount(0)
        assertMessage(try send("DELETE", "/products/1?force=true"), status: 200, "Permanently deleted product")
        for id in [1, 2, 3, 4] {
            assertError(try get("/products/\(id)"), status: 404, code: "woocommerce_api_no_product_found",
                        message: "No product found with the ID equal to \(id)")
        }
        XCTAssertEqual(try rowCount("products"), 0)
    }

    func testForceDeletingThePublishedParentDeletesItsVariations() throws {
        try createStandardTShirt()
        try createProduct(["title": "Widget", "sku": "W-1"])  // 5
        assertMessage(try send("DELETE", "/products/1?force=true"), status: 200, "Permanently deleted product")
        for id in [1, 2, 3, 4] {
            assertError(try get("/products/\(id)"), status: 404, code: "woocommerce_api_no_product_found")
        }
        XCTAssertEqual(try rowCount("products"), 1)
        // Their SKUs are free again.
        XCTAssertEqual(try createProduct(["title": "Tee", "sku": "TS-M"])["sku"] as? String, "TS-M")
    }
}
