import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `POST /orders` lines naming a variation (by id, by parent and values, by SKU), their name and meta, a downloadable
/// variation's downloads, and lines whose product was deleted (products-orders §3.2, §4.3; decisions #34).
final class OrdersVariationTests: OrdersTestCase {
    private let paid: [String: Any] = ["method_id": "bacs", "method_title": "Direct Bank Transfer", "paid": true]

    /// An attribute used for variations.
    private func attribute(_ name: String, _ position: Int, _ options: [String]) -> [String: Any] {
        ["name": name, "position": position, "visible": true, "variation": true, "options": options]
    }

    /// Creates a variable product; each variation is (regular price, sku, [(attribute name, value)]). Returns the
    /// parent id then the variation ids.
    private func createVariable(_ title: String, sku: String = "", _ attributes: [[String: Any]],
                                _ variations: [(String, String, [(String, String)])],
                                file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        let entries: [[String: Any]] = variations.map { price, sku, values in
            ["regular_price": price, "sku": sku, "attributes": values.map { ["name": $0.0, "option": $0.1] }]
        }
        let product = try createProduct(["title": title, "type": "variable", "sku": sku, "attributes": attributes,
                                         "variations": entries], file: file, line: line)
        let parent = try XCTUnwrap(product["id"] as? Int, file: file, line: line)
        let ids = try XCTUnwrap(product["variations"] as? [[String: Any]], file: file, line: line).map { ($0["id"] as? Int) ?? -1 }
        return [parent] + ids
    }

    /// "T-Shirt" (sku TS), Size S 10 / M 12 / L 15 (skus TS-S, TS-M, TS-L): posts 1, 2, 3, 4 in a fresh store.
    @discardableResult
    private func createTShirt(file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        try createVariable("T-Shirt", sku: "TS", [attribute("Size", 0, ["S", "M", "L"])], [
            ("10", "TS-S", [("Size", "S")]), ("12", "TS-M", [("Size", "M")]), ("15", "TS-L", [("Size", "L")]),
        ], file: file, line: line)
    }

    /// A line's `meta` as dictionaries (key order not compared).
    private func meta(_ line: [String: Any], file: StaticString = #filePath, line number: UInt = #line) throws -> [[String: String]] {
        try XCTUnwrap(line["meta"] as? [[String: String]], "no meta: \(line)", file: file, line: number)
    }

    // MARK: Choosing the variation

    func testALineByVariationIDBuysThatVariation() throws {
        XCTAssertEqual(try createTShirt(), [1, 2, 3, 4])
        let response = try send("POST", "/orders", body: ["order": ["line_items": [item(3, 2)]]])
        assertOK(response, status: 201)
        let o = try orderedOrder(response)
        XCTAssertEqual(o["id"]?.raw, "5")
        XCTAssertEqual(o["total"]?.raw, #""24.00""#)
        let line = try XCTUnwrap(o["line_items"]?[0])
        XCTAssertEqual(line.keys, Self.lineItemKeys)
        let expected: [String: String] = [
            "subtotal": #""24.00""#, "total": #""24.00""#, "price": #""12.00""#, "quantity": "2", "name": #""T-Shirt - M""#,
            "product_id": "3", "sku": #""TS-M""#,
        ]
        for (key, token) in expected { XCTAssertEqual(line[key]?.raw, token, key) }
        // "M" is already in the name: no meta.
        XCTAssertEqual(line["meta"], .array([]))
        XCTAssertEqual(try orderedOrder(try get("/orders/5"))["line_items"], o["line_items"])
    }

    func testALineByParentAndAttributeValuesFindsTheVariation() throws {
        try createTShirt()
        let order = try createOrder(["line_items": [
            ["product_id": 1, "quantity": 1, "variations": ["size": "M"]],
            ["product_id": 1, "quantity": 1, "variations": ["attribute_size": "l"]],
            ["product_id": 1, "quantity": 2, "variations": ["pa_size": "s"]],
        ]])
        let items = try lines(order)
        XCTAssertEqual(items.map { $0["product_id"] as? Int }, [3, 4, 2])
        XCTAssertEqual(items.map { $0["sku"] as? String }, ["TS-M", "TS-L", "TS-S"])
        XCTAssertEqual(items.map { $0["name"] as? String }, ["T-Shirt - M", "T-Shirt - L", "T-Shirt - S"])
        XCTAssertEqual(items.map { $0["price"] as? String }, ["12.00", "15.00", "10.00"])
        XCTAssertEqual(items.map { $0["total"] as? String }, ["12.00", "15.00", "20.00"])
        XCTAssertEqual(try items.map { try meta($0) }, [[], [], []])
        XCTAssertEqual(order["total"] as? String, "47.00")
    }

    func testALineBySKUFindsTheVariation() throws {
        try createTShirt()
        let order = try createOrder(["line_items": [["sku": "TS-L", "quantity": 1]]])
        let line = try XCTUnwrap(try lines(order).first)
        XCTAssertEqual(line["product_id"] as? Int, 4)
        XCTAssertEqual(line["sku"] as? String, "TS-L")
        XCTAssertEqual(line["name"] as? String, "T-Shirt - L")
        XCTAssertEqual(line["price"] as? String, "15.00")
    }

    func testMetaListsTheChosenValuesTheLineNameDoesNotShow() throws {
        let size = attribute("Size", 0, ["M", "L"]), color = attribute("Color", 1, ["Blue", "Red"])
        let jacket = try createVariable("Jacket", [size, color, attribute("Material", 2, ["Cotton"])], [
            ("30", "JK-1", [("Size", "M"), ("Color", "Blue"), ("Material", "Cotton")]),
            ("31", "JK-2", [("Size", "L"), ("Material", "Cotton")]),  // any color
        ])
        let shirt = try createVariable("Shirt", [size, attribute("Sleeve Length", 1, ["Long"])], [
            ("20", "SH-1", [("Size", "M"), ("Sleeve Length", "Long")]),
        ])
        let polo = try createVariable("Polo", [size, color], [("15", "PO-1", [("Size", "M"), ("Color", "Blue")])])
        let order = try createOrder(["line_items": [item(jacket[1]), item(jacket[2]), item(shirt[1]), item(polo[1])]])
        let items = try lines(order)
        XCTAssertEqual(items.map { $0["name"] as? String }, ["Jacket", "Jacket", "Shirt", "Polo - M, Blue"])
        // Three attributes: no values in the name, so each chosen value is listed; "any" is never listed.
        XCTAssertEqual(try meta(items[0]), [["key": "size", "value": "M", "label": "Size"],
                                            ["key": "color", "value": "Blue", "label": "Color"],
                                            ["key": "material", "value": "Cotton", "label": "Material"]])
        XCTAssertEqual(try meta(items[1]), [["key": "size", "value": "L", "label": "Size"],
                                            ["key": "material", "value": "Cotton", "label": "Material"]])
        // Two attributes, one key with "-": no values in the name either.
        XCTAssertEqual(try meta(items[2]), [["key": "size", "value": "M", "label": "Size"],
                                            ["key": "sleeve-length", "value": "Long", "label": "Sleeve Length"]])
        XCTAssertEqual(try meta(items[3]), [])
        let entry = try XCTUnwrap(try orderedOrder(try get("/orders/\(try XCTUnwrap(order["id"] as? Int))"))["line_items"]?[0]?["meta"]?[0])
        XCTAssertEqual(Set(entry.keys), ["key", "value", "label"])
        XCTAssertEqual(try meta(try lines(try readOrder(try XCTUnwrap(order["id"] as? Int)))[0]), try meta(items[0]))
    }

    func testAnUnknownCombinationOrAnEmptyKeyOrValueIs400AndLeavesNothing() throws {
        try createTShirt()
        for variations in [["size": "XL"], ["": "M"], ["size": ""]] {
            let response = try send("POST", "/orders", body: ["order": ["line_items": [
                item(3), ["product_id": 1, "quantity": 1, "variations": variations],
            ]]])
            assertError(response, status: 400, code: "woocommerce_api_invalid_product_variation",
                        message: "The product variation is invalid")
        }
        XCTAssertEqual(try rowCount("orders"), 0)
        XCTAssertEqual(try rowCount("order_items"), 0)
        try assertOrderCount(0)
        XCTAssertEqual(try nextPostID(), 5)
    }

    // MARK: Downloads

    func testAPaidDownloadableVariationCompletesTheOrderAndGrantsTheVariationsFile() throws {
        try createDocsCustomer()
        let album = try createProduct([
            "title": "Album", "type": "variable", "attributes": [attribute("Format", 0, ["MP3", "FLAC"])],
            "variations": [
                ["regular_price": "5", "sku": "AL-MP3", "virtual": true, "downloadable": true, "download_limit": 2,
                 "download_expiry": 10, "downloads": [["name": "MP3 Zip", "file": "https://cdn.example.com/album-mp3.zip"]],
                 "attributes": [["name": "Format", "option": "MP3"]]],
                ["regular_price": "9", "sku": "AL-FLAC", "virtual": true, "downloadable": true, "download_limit": 2,
                 "download_expiry": 10, "downloads": [["name": "FLAC Zip", "file": "https://cdn.example.com/album-flac.zip"]],
                 "attributes": [["name": "Format", "option": "FLAC"]]],
            ] as [[String: Any]],
        ])
        let variations = try XCTUnwrap(album["variations"] as? [[String: Any]])
        XCTAssertEqual(variations.map { $0["id"] as? Int }, [2, 3])
        let fileID = try XCTUnwrap((variations[0]["downloads"] as? [[String: Any]])?.first?["id"] as? String)

        clock.now += 10  // 2023-11-14T22:13:30Z
        let order = try createOrder(["customer_id": 2, "line_items": [item(2, 3)], "payment_details": paid])
        let id = try XCTUnwrap(order["id"] as? Int)
        XCTAssertEqual(id, 4)
        XCTAssertEqual(order["status"] as? String, "completed")
        XCTAssertEqual(order["completed_at"] as? String, "2023-11-14T22:13:30Z")
        XCTAssertEqual(order["total"] as? String, "15.00")

        XCTAssertEqual(try figures(2), ["1", #""15.00""#, "4", #""2023-11-14T22:13:30Z""#])
        let listed = try orders(assertOK(try get("/customers/2/orders")))
        XCTAssertEqual(listed.map { $0["id"] as? Int }, [4])
        let line = try XCTUnwrap(try lines(listed[0]).first)
        XCTAssertEqual(line["product_id"] as? Int, 2)
        XCTAssertEqual(line["sku"] as? String, "AL-MP3")
        XCTAssertEqual(line["name"] as? String, "Album - MP3")
        XCTAssertEqual(line["quantity"] as? Int, 3)

        let records = try downloads(2)
        XCTAssertEqual(records.count, 1)
        let record = try XCTUnwrap(records.first)
        XCTAssertEqual(record["product_id"] as? Int, 2)
        XCTAssertEqual(record["download_id"] as? String, fileID)
        XCTAssertEqual(record["download_name"] as? String, "MP3 Zip")
        XCTAssertEqual(record["order_id"] as? Int, 4)
        XCTAssertEqual(record["order_key"] as? String, try orderKey(4))
        XCTAssertEqual(record["downloads_remaining"] as? String, "6")
        XCTAssertEqual(record["access_expires"] as? String, "2023-11-24T00:00:00Z")
        XCTAssertEqual((record["file"] as? [String: String])?["file"], "https://cdn.example.com/album-mp3.zip")
        XCTAssertEqual(try ordered(try get("/customers/2/downloads"))["downloads"]?[0]?.keys, Self.downloadKeys)

        // Sales are counted on the parent.
        XCTAssertEqual(try totalSales(1), 3)
        XCTAssertEqual(try totalSales(2), 0)
    }

    // MARK: Deleted products (decisions #34)

    func testAForceDeletedProductLeavesTheLineWithoutProductIDOrSKU() throws {
        let widget = try createWidget(sku: "W-1")
        let id = try createOrderID(["line_items": [item(widget, 2)]])
        XCTAssertEqual(try send("DELETE", "/products/\(widget)?force=true").status, 200)
        let response = assertOK(try get("/orders/\(id)"))
        let line = try XCTUnwrap(try orderedOrder(response)["line_items"]?[0])
        XCTAssertEqual(line["product_id"]?.raw, "0")
        XCTAssertEqual(line["sku"]?.raw, "null")
        XCTAssertEqual(line["name"]?.raw, #""Widget""#)
        XCTAssertEqual(line["price"]?.raw, #""19.99""#)
        XCTAssertEqual(line["subtotal"]?.raw, #""39.98""#)
        XCTAssertEqual(line["total"]?.raw, #""39.98""#)
        XCTAssertEqual(try order(response)["total"] as? String, "39.98")
    }

    func testATrashedProductKeepsItsIDAndSKUOnTheLine() throws {
        let widget = try createWidget(sku: "W-1")
        let id = try createOrderID(["line_items": [item(widget, 2)]])
        XCTAssertEqual(try send("DELETE", "/products/\(widget)").status, 202)
        let line = try XCTUnwrap(try lines(try readOrder(id)).first)
        XCTAssertEqual(line["product_id"] as? Int, widget)
        XCTAssertEqual(line["sku"] as? String, "W-1")
        XCTAssertEqual(line["name"] as? String, "Widget")
        XCTAssertEqual(line["total"] as? String, "39.98")
    }

    func testAForceDeletedVariationShowsItsParentOnTheLine() throws {
        try createTShirt()
        let id = try createOrderID(["line_items": [item(3, 2)]])
        XCTAssertEqual(try send("DELETE", "/products/3?force=true").status, 200)
        let line = try XCTUnwrap(try lines(try readOrder(id)).first)
        XCTAssertEqual(line["product_id"] as? Int, 1)
        XCTAssertEqual(line["sku"] as? String, "TS")
        XCTAssertEqual(line["name"] as? String, "T-Shirt - M")
        XCTAssertEqual(line["price"] as? String, "12.00")
        XCTAssertEqual(line["total"] as? String, "24.00")
    }
}
