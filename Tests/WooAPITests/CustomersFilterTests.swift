import Foundation
import HTTP
import TestSupport
import WooAPI
import XCTest

/// List filters and `GET /customers/count` (customers §6.1–§6.2, listing §2, customers §9; decisions #13, #14, #17).
final class CustomersFilterTests: APITestCase {
    override class var mode: APITestMode { .inProcess }

    private let t0: Int64 = 1_700_000_000 // 2023-11-14T22:13:20Z

    /// Restarts the API on a settable clock; creates a(2), b(3) at t0 and c(4), d(5) at t0+100.
    private func useClockAndCreateFour() throws -> TestClock {
        let clock = TestClock(t0)
        api = try makeAPI(now: clock.function)
        try api.createCustomer(["email": "a@example.com"])
        try api.createCustomer(["email": "b@example.com"])
        clock.now = t0 + 100
        try api.createCustomer(["email": "c@example.com"])
        try api.createCustomer(["email": "d@example.com"])
        return clock
    }

    func testCreatedAtIsTrueUTC() throws {
        _ = try useClockAndCreateFour()
        XCTAssertEqual(try customer(try get("/customers/2"))["created_at"] as? String, "2023-11-14T22:13:20Z")
        XCTAssertEqual(try customer(try get("/customers/4"))["created_at"] as? String, "2023-11-14T22:15:00Z")
    }

    func testOrderAscendingByDefault() throws {
        _ = try useClockAndCreateFour()
        XCTAssertEqual(try ids(assertOK(try get("/customers"))), [2, 3, 4, 5])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Border%5D=asc"))), [2, 3, 4, 5])
    }

    func testOrderDescendingBreaksTiesByAscendingID() throws {
        _ = try useClockAndCreateFour()
        for value in ["DESC", "desc", "foo"] {
            XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Border%5D=\(value)"))), [4, 5, 2, 3], value)
        }
    }

    func testOrderByEmail() throws {
        for email in ["carol@example.com", "alice@example.com", "bob@example.com"] { try api.createCustomer(["email": email]) }
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Borderby%5D=email"))), [3, 4, 2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Borderby%5D=email&filter%5Border%5D=DESC"))), [2, 4, 3])
        // Unknown values fall back to the login.
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Borderby%5D=bogus"))), [3, 4, 2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Borderby%5D=ID&filter%5Border%5D=DESC"))), [4, 3, 2])
    }

    func testRepeatedOrderbyKeysSortAsTheFirstOfEach() throws {
        for email in ["carol@example.com", "alice@example.com", "bob@example.com"] { try api.createCustomer(["email": email]) }
        let long = "email%20id,email%20ID%20registered%20id%20bogus%20email"
        for order in ["ASC", "DESC"] {
            let expected = try ids(assertOK(try get("/customers?filter%5Borderby%5D=email&filter%5Border%5D=\(order)")))
            XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Borderby%5D=\(long)&filter%5Border%5D=\(order)"))), expected)
        }
    }

    func testRoleFilter() throws {
        try createDocsCustomer()
        let admins = assertOK(try get("/customers?filter%5Brole%5D=administrator"))
        XCTAssertEqual(try ids(admins), [1])
        XCTAssertEqual(admins.header("X-WC-Total"), "1")
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Brole%5D=customer"))), [2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Brole%5D="))), [2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Brole%5D=subscriber"))), [])
    }

    func testCommaSeparatedRolesMeanAll() throws {
        try createDocsCustomer()
        let response = assertOK(try get("/customers?filter%5Brole%5D=customer,administrator"))
        XCTAssertEqual(response.text, "{\"customers\":[]}")
        XCTAssertEqual(response.header("X-WC-Total"), "0")
    }

    func testSearchIsExactUnlessWildcarded() throws {
        try createDocsCustomer()
        try api.createCustomer(["email": "zed@example.com", "first_name": "Zed"])
        let exact = assertOK(try get("/customers?filter%5Bq%5D=john"))
        XCTAssertEqual(exact.text, "{\"customers\":[]}")
        XCTAssertEqual(exact.header("X-WC-Total"), "0")
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=*john*"))), [2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=%2Ajohn%2A"))), [2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=john*"))), [2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=*doe@example.com"))), [2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=john.doe"))), [2], "exact login")
    }

    func testSearchByExactEmailIsCaseInsensitive() throws {
        try createDocsCustomer()
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=john.doe@example.com"))), [2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=john.doe%40example.com"))), [2])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=JOHN.DOE@EXAMPLE.COM"))), [2])
    }

    func testSearchDoesNotLookAtNames() throws {
        try api.createCustomer(["email": "zed@example.com", "first_name": "Quentin", "last_name": "Xavier"])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=*Quentin*"))), [])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=Xavier"))), [])
    }

    func testSearchLoneStarMatchesEveryCustomer() throws {
        try createCustomers(2)
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=*"))), [2, 3])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=**"))), [2, 3])
    }

    func testSearchTreatsSQLWildcardsLiterally() throws {
        try createCustomers(2)
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=user_@example.com"))), [])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=%25"))), [])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=*%25*"))), [])
    }

    func testSearchCombinesWithRole() throws {
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=admin@example.com"))), [])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bq%5D=admin@example.com&filter%5Brole%5D=administrator"))), [1])
    }

    func testCreatedAtBounds() throws {
        _ = try useClockAndCreateFour()
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bcreated_at_min%5D=2100-01-01"))), [])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bcreated_at_min%5D=2000-01-01"))), [2, 3, 4, 5])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bcreated_at_min%5D=2023-11-14T22:15:00Z"))), [4, 5])
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bcreated_at_max%5D=2023-11-14T22:13:20Z"))), [2, 3])
        XCTAssertEqual(try ids(assertOK(try get(
            "/customers?filter%5Bcreated_at_min%5D=2023-11-14T22:13:21&filter%5Bcreated_at_max%5D=2023-11-14T22:14:59"))), [])
        // A trailing offset is ignored: the wall-clock time is taken as UTC (listing §2).
        XCTAssertEqual(try ids(assertOK(try get("/customers?filter%5Bcreated_at_min%5D=2023-11-14T22:15:00%2B05:00"))), [4, 5])
    }

    func testFutureCreatedAtMinGivesEmptyList() throws {
        try createCustomers(2)
        let response = assertOK(try get("/customers?filter%5Bcreated_at_min%5D=2100-01-01"))
        XCTAssertEqual(response.text, "{\"customers\":[]}")
        XCTAssertEqual(response.header("X-WC-Total"), "0")
        XCTAssertEqual(response.header("X-WC-TotalPages"), "0")
    }

    // MARK: Count

    func testCount() throws {
        try assertCount(0)
        try createCustomers(3)
        let response = assertOK(try get("/customers/count"))
        XCTAssertEqual(response.text, "{\"count\":3}")
        XCTAssertNil(response.header("X-WC-Total"))
        XCTAssertNil(response.header("X-WC-TotalPages"))
        XCTAssertEqual(links(response), [])
    }

    func testCountIgnoresLimitOffsetAndPage() throws {
        try createCustomers(3)
        try assertCount(3, query: "?filter%5Blimit%5D=1")
        try assertCount(3, query: "?filter%5Blimit%5D=1&page=2&filter%5Boffset%5D=2")
    }

    func testCountHonoursRoleSearchAndDates() throws {
        try createDocsCustomer()
        try createCustomers(2)
        try assertCount(1, query: "?filter%5Brole%5D=administrator")
        try assertCount(0, query: "?filter%5Brole%5D=customer,administrator")
        try assertCount(1, query: "?filter%5Bq%5D=*john*")
        try assertCount(0, query: "?filter%5Bq%5D=john")
        try assertCount(0, query: "?filter%5Bcreated_at_min%5D=2100-01-01")
        try assertCount(3, query: "?filter%5Bcreated_at_min%5D=2000-01-01")
    }

    func testCountRejectsInvalidLimit() throws {
        assertError(try get("/customers/count?filter%5Blimit%5D=abc"), status: 400, code: "woocommerce_api_invalid_parameter")
    }

    func testCountWithReadKeyAndHead() throws {
        try createCustomers(1)
        XCTAssertEqual(assertOK(try send("GET", "/customers/count", auth: api.readKey)).text, "{\"count\":1}")
        let head = try send("HEAD", "/customers/count")
        XCTAssertEqual(head.status, 200)
        XCTAssertNil(head.header("X-WC-Total"))
    }
}
