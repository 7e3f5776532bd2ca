import WooAPI
import XCTest

final class PaginationTests: XCTestCase {
    private func links(_ p: Pagination) -> [String] { p.links().map { "\($0.rel)=\($0.page)" } }

    func testFirstPageOfTwoLinksNextAndLast() {
        let p = Pagination(total: 12, limit: 10, offset: 0)
        XCTAssertEqual(p.totalPages, 2)
        XCTAssertEqual(p.page, 1)
        XCTAssertEqual(links(p), ["next=2", "last=2"])
    }

    func testLastPageLinksFirstAndPrev() {
        let p = Pagination(total: 12, limit: 10, offset: 10)
        XCTAssertEqual(links(p), ["first=1", "prev=1"])
    }

    func testEmptyResultHasZeroPagesAndNoLinks() {
        let p = Pagination(total: 0, limit: 10, offset: 0)
        XCTAssertEqual(p.totalPages, 0)
        XCTAssertEqual(links(p), [])
    }

    func testAllRowsIsOnePageWithoutLinks() {
        let p = Pagination(total: 25, limit: nil, offset: 0)
        XCTAssertEqual(p.totalPages, 1)
        XCTAssertEqual(links(p), [])
    }

    func testSingleRowPagesStillGetLinks() {
        let p = Pagination(total: 3, limit: 1, offset: 1)
        XCTAssertEqual(links(p), ["first=1", "prev=1", "next=3", "last=3"])
    }

    func testOffsetReportsTheIntegerPageItFallsIn() {
        let p = Pagination(total: 12, limit: 10, offset: 1)
        XCTAssertEqual(p.page, 1)
        XCTAssertEqual(links(p), ["next=2", "last=2"])
    }

    func testPageBeyondTheEndLinksOnlyExistingPages() {
        let p = Pagination(total: 12, limit: 10, offset: 40)
        XCTAssertEqual(p.page, 5)
        XCTAssertEqual(links(p), ["first=1", "last=2"])
    }

    func testLinkURLsKeepPortEncodeParametersAndDropCredentials() throws {
        let query = try QueryParameters(parsing: "filter[limit]=2&consumer_key=ck_x&consumer_secret=cs_y&page=1&filter[q]=*a b*&oauth_nonce=n")
        let p = Pagination(total: 5, limit: 2, offset: 0)
        let headers = p.headers(baseURL: "http://127.0.0.1:8080", path: "/wc-api/v2/customers", query: query)
        XCTAssertEqual(headers.map(\.0), ["Link", "Link", "X-WC-Total", "X-WC-TotalPages"])
        XCTAssertEqual(headers[0].1, "<http://127.0.0.1:8080/wc-api/v2/customers?filter%5Blimit%5D=2&filter%5Bq%5D=%2Aa%20b%2A&page=2>; rel=\"next\"")
        XCTAssertEqual(headers[1].1, "<http://127.0.0.1:8080/wc-api/v2/customers?filter%5Blimit%5D=2&filter%5Bq%5D=%2Aa%20b%2A&page=3>; rel=\"last\"")
        XCTAssertEqual(headers[2].1, "5")
        XCTAssertEqual(headers[3].1, "3")
    }

    func testRepeatedParametersAppearOnceWithTheLastValue() throws {
        // The official Python client sends every parameter twice: in its signed URL, then again (issue 9).
        let query = try QueryParameters(parsing: "filter[limit]=2&page=1&filter[q]=a&oauth_nonce=n&filter[limit]=3&page=1&filter%5Bq%5D=b")
        let headers = Pagination(total: 7, limit: 3, offset: 0).headers(baseURL: "http://h", path: "/wc-api/v2/customers", query: query)
        XCTAssertEqual(headers.map(\.1), [
            "<http://h/wc-api/v2/customers?filter%5Blimit%5D=3&filter%5Bq%5D=b&page=2>; rel=\"next\"",
            "<http://h/wc-api/v2/customers?filter%5Blimit%5D=3&filter%5Bq%5D=b&page=3>; rel=\"last\"", "7", "3",
        ])
    }
}
