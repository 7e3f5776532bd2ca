import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// `GET /customers`: rows, pagination headers and Link URLs (customers §6.1, listing §3, customers §6.5; decisions #12, #23, #24).
final class CustomersListTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    private let limit2 = "filter%5Blimit%5D=2"

    private func assertTotals(_ response: TestResponse, _ total: Int, _ pages: Int,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.header("X-WC-Total"), String(total), file: file, line: line)
        XCTAssertEqual(response.header("X-WC-TotalPages"), String(pages), file: file, line: line)
    }

    func testEmptyStore() throws {
        let response = assertOK(try get("/customers"))
        XCTAssertEqual(response.text, "{\"customers\":[]}")
        assertTotals(response, 0, 0)
        XCTAssertEqual(links(response), [])
    }

    func testDefaultLimitIsTenWithNextAndLastLinks() throws {
        try createCustomers(12)
        let response = assertOK(try get("/customers"))
        XCTAssertEqual(try ids(response), Array(2...11))
        assertTotals(response, 12, 2)
        XCTAssertEqual(links(response), [link("page=2", "next"), link("page=2", "last")])
        XCTAssertEqual(try ordered(response)["customers"]?[0]?.keys, Self.customerKeys)
    }

    func testSecondPageHasFirstAndPrevLinks() throws {
        try createCustomers(12)
        let response = assertOK(try get("/customers?page=2"))
        XCTAssertEqual(try ids(response), [12, 13])
        assertTotals(response, 12, 2)
        XCTAssertEqual(links(response), [link("page=1", "first"), link("page=1", "prev")])
    }

    func testLimitMinusOneReturnsEverythingOnOnePage() throws {
        try createCustomers(12)
        let response = assertOK(try get("/customers?filter%5Blimit%5D=-1"))
        XCTAssertEqual(try ids(response), Array(2...13))
        assertTotals(response, 12, 1)
        XCTAssertEqual(links(response), [])
        // page is ignored with limit -1.
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Blimit%5D=-1&page=3"))), Array(2...13))
    }

    func testLimitZeroUsesTheDefault() throws {
        try createCustomers(11)
        let response = assertOK(try get("/customers?filter%5Blimit%5D=0"))
        XCTAssertEqual(try ids(response).count, 10)
        assertTotals(response, 11, 2)
    }

    func testMiddlePageLinksArePercentEncodedWithPageLast() throws {
        try createCustomers(5)
        for query in ["\(limit2)&page=2", "filter[limit]=2&page=2", "page=2&\(limit2)"] {
            let response = assertOK(try get("/customers?\(query)"))
            XCTAssertEqual(try ids(response), [4, 5], query)
            assertTotals(response, 5, 3)
            XCTAssertEqual(links(response), [link("\(limit2)&page=1", "first"), link("\(limit2)&page=1", "prev"),
                                             link("\(limit2)&page=3", "next"), link("\(limit2)&page=3", "last")], query)
        }
    }

    func testLinksKeepPortAndOtherParameters() throws {
        try createCustomers(3)
        let response = assertOK(try get("/customers?fields=id&\(limit2)"))
        XCTAssertEqual(response.text, "{\"customers\":[{\"id\":2},{\"id\":3}]}")
        XCTAssertEqual(links(response), [link("fields=id&\(limit2)&page=2", "next"), link("fields=id&\(limit2)&page=2", "last")])
        for value in links(response) { XCTAssertTrue(value.hasPrefix("<http://127.0.0.1:\(api.port)/"), value) }
    }

    func testRepeatedParametersAreReadWithTheLastValueAndLinkedOnce() throws {
        try createCustomers(5)
        // As the official Python client sends them: once in its signed URL, once again (issue 9).
        let twice = assertOK(try get("/customers?filter[limit]=2&page=1&filter[limit]=2&page=1"))
        XCTAssertEqual(try ids(twice), [2, 3])
        assertTotals(twice, 5, 3)
        XCTAssertEqual(links(twice), [link("\(limit2)&page=2", "next"), link("\(limit2)&page=3", "last")])
        // Different values: the last one wins, as in PHP's `$_GET`.
        let last = assertOK(try get("/customers?filter[limit]=3&page=1&fields=id&\(limit2)&page=2&fields=email"))
        XCTAssertEqual(try customers(last).map { Array($0.keys) }, [["email"], ["email"]])
        assertTotals(last, 5, 3)
        XCTAssertEqual(links(last), [link("\(limit2)&fields=email&page=1", "first"), link("\(limit2)&fields=email&page=1", "prev"),
                                     link("\(limit2)&fields=email&page=3", "next"), link("\(limit2)&fields=email&page=3", "last")])
    }

    func testQueryCredentialsAreNeverCopiedIntoLinks() throws {
        try createCustomers(3)
        let credentials = "consumer_key=\(api.key.consumerKey)&consumer_secret=\(api.key.consumerSecret)"
        let response = assertOK(try send("GET", "/customers?\(credentials)&\(limit2)", useDefaultAuth: false))
        XCTAssertEqual(try ids(response), [2, 3])
        XCTAssertEqual(links(response), [link("\(limit2)&page=2", "next"), link("\(limit2)&page=2", "last")])
        for value in links(response) {
            XCTAssertFalse(value.contains("consumer_"), value)
            XCTAssertFalse(value.contains(api.key.consumerSecret), value)
        }
    }

    func testOneRowPagesStillGetLinks() throws {
        try createCustomers(3)
        let first = assertOK(try get("/customers?filter%5Blimit%5D=1"))
        XCTAssertEqual(try ids(first), [2])
        assertTotals(first, 3, 3)
        let l = "filter%5Blimit%5D=1"
        XCTAssertEqual(links(first), [link("\(l)&page=2", "next"), link("\(l)&page=3", "last")])
        let second = assertOK(try get("/customers?\(l)&page=2"))
        XCTAssertEqual(try ids(second), [3])
        XCTAssertEqual(links(second), [link("\(l)&page=1", "first"), link("\(l)&page=1", "prev"),
                                       link("\(l)&page=3", "next"), link("\(l)&page=3", "last")])
    }

    func testLastPageWithOneRowHasFirstAndPrev() throws {
        try createCustomers(3)
        let response = assertOK(try get("/customers?\(limit2)&page=2"))
        XCTAssertEqual(try ids(response), [4])
        XCTAssertEqual(links(response), [link("\(limit2)&page=1", "first"), link("\(limit2)&page=1", "prev")])
    }

    func testOffsetGivesIntegerPages() throws {
        try createCustomers(12)
        let response = assertOK(try get("/customers?filter%5Boffset%5D=1"))
        XCTAssertEqual(try ids(response), Array(3...12))
        assertTotals(response, 12, 2)
        for value in links(response) {
            XCTAssertNotNil(value.range(of: #"[?&]page=\d+>; rel="#, options: .regularExpression), value)
        }
        XCTAssertEqual(links(response), [link("filter%5Boffset%5D=1&page=2", "next"), link("filter%5Boffset%5D=1&page=2", "last")])
    }

    func testOffsetOverridesPage() throws {
        try createCustomers(5)
        XCTAssertEqual(try ids(assertOK(try get("/customers?\(limit2)&page=2&filter%5Boffset%5D=3"))), [5, 6])
    }

    func testPageBeyondTheEnd() throws {
        try createCustomers(12)
        let response = assertOK(try get("/customers?page=3"))
        XCTAssertEqual(response.text, "{\"customers\":[]}")
        assertTotals(response, 12, 2)
        XCTAssertEqual(links(response), [link("page=1", "first"), link("page=2", "prev"), link("page=2", "last")])
    }

    func testFieldsApplyToEachItem() throws {
        try createCustomers(2)
        XCTAssertEqual(assertOK(try get("/customers?fields=id,email")).text,
                       "{\"customers\":[{\"id\":2,\"email\":\"user1@example.com\"},{\"id\":3,\"email\":\"user2@example.com\"}]}")
        XCTAssertEqual(assertOK(try get("/customers?fields=nothing")).text, "{\"customers\":[[],[]]}")
    }

    func testNonNumericLimitIsInvalidParameter() throws {
        try createCustomers(1)
        for value in ["abc", "0.5", "ten"] {
            let response = try get("/customers?filter%5Blimit%5D=\(value)")
            assertError(response, status: 400, code: "woocommerce_api_invalid_parameter")
            XCTAssertNil(response.header("X-WC-Total"))
        }
    }

    func testInvalidPageIsInvalidParameter() throws {
        for value in ["0", "-1", "abc", "1.5"] {
            assertError(try get("/customers?page=\(value)"), status: 400, code: "woocommerce_api_invalid_parameter")
        }
    }

    func testScalarFilterIsInvalidParameter() throws {
        assertError(try get("/customers?filter=x"), status: 400, code: "woocommerce_api_invalid_parameter")
        assertError(try get("/customers/count?filter=x"), status: 400, code: "woocommerce_api_invalid_parameter")
    }

    func testNestedFilterArrayIsInvalidParameter() throws {
        assertError(try get("/customers?filter%5Bq%5D%5B%5D=x"), status: 400, code: "woocommerce_api_invalid_parameter")
    }

    func testListSkipsAdministratorByDefault() throws {
        let response = assertOK(try get("/customers"))
        XCTAssertEqual(try ids(response), [])
        try createDocsCustomer()
        XCTAssertEqual(try ids(assertOK(try get("/customers"))), [2])
    }

    func testListRowsEqualSingleReads() throws {
        let created = try createDocsCustomer()
        let rows = try customers(assertOK(try get("/customers")))
        XCTAssertEqual(rows.first as NSDictionary?, created as NSDictionary)
    }
}
