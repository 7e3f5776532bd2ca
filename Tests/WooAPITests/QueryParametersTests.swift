import WooAPI
import XCTest

final class QueryParametersTests: XCTestCase {
    func testScalarsArraysAndLastDuplicateWins() throws {
        let query = try QueryParameters(parsing: "a=1&filter[limit]=5&filter[q]=x&a=2&filter[limit]=7&list[]=p&list[]=q")
        XCTAssertEqual(query["a"], .string("2"))
        XCTAssertEqual(try query.array("filter").map { "\($0.key)=\($0.value)" }, ["limit=7", "q=x"])
        XCTAssertEqual(try query.array("list").map(\.value), ["p", "q"])
    }

    func testDecodesOnceWithPlusAsSpace() throws {
        let query = try QueryParameters(parsing: "q=a%2Bb+c&r=%25252B")
        XCTAssertEqual(query["q"], .string("a+b c"))
        XCTAssertEqual(query["r"], .string("%252B"))
    }

    func testDotsAndSpacesInNamesBecomeUnderscores() throws {
        let query = try QueryParameters(parsing: "a.b=1&c+d=2")
        XCTAssertEqual(query["a_b"], .string("1"))
        XCTAssertEqual(query["c_d"], .string("2"))
    }

    func testScalarFilterIsRejected() throws {
        let query = try QueryParameters(parsing: "filter=x")
        XCTAssertThrowsError(try query.array("filter")) { error in
            XCTAssertEqual((error as? APIError)?.code, "woocommerce_api_invalid_parameter")
        }
    }

    func testNestedFilterIsRejected() throws {
        let query = try QueryParameters(parsing: "filter[a][b]=1")
        XCTAssertThrowsError(try query.array("filter"))
    }

    func testArrayWhereStringExpectedIsRejected() throws {
        let query = try QueryParameters(parsing: "fields[]=id")
        XCTAssertThrowsError(try query.string("fields")) { error in
            XCTAssertEqual((error as? APIError)?.status, 400)
        }
    }

    func testInvalidUTF8IsRejected() {
        XCTAssertThrowsError(try QueryParameters(parsing: "q=%FF"))
    }

    private func pairs(_ query: QueryParameters) -> [String] {
        query.uniqueRawPairs.map { $0.name + ($0.value.map { "=" + $0 } ?? "") }
    }

    func testUniqueRawPairsKeepEachParameterOnceAtItsFirstPositionWithItsLastValue() throws {
        let query = try QueryParameters(parsing: "filter[limit]=2&page=1&a.b=1&filter%5Blimit%5D=3&page=2&q&a_b=2&filter[q]=x")
        XCTAssertTrue(query.hasRepeats)
        XCTAssertEqual(pairs(query), ["filter%5Blimit%5D=3", "page=2", "a_b=2", "q", "filter[q]=x"])
        XCTAssertEqual(query.rawPairs.count, 8)
        XCTAssertEqual(try query.array("filter").map { "\($0.key)=\($0.value)" }, ["limit=3", "q=x"])
    }

    func testWithoutRepeatsUniqueRawPairsAreTheRawPairs() throws {
        let query = try QueryParameters(parsing: "filter[limit]=2&filter[q]=x&list[]=1&list[]=2&page=1&&=v&q")
        XCTAssertFalse(query.hasRepeats)
        XCTAssertEqual(pairs(query), ["filter[limit]=2", "filter[q]=x", "list[]=1", "list[]=2", "page=1", "=v", "q"])
    }

    func testAScalarTurnedIntoAnArrayAndBackTakesItsFirstPlace() throws {
        let toArray = try QueryParameters(parsing: "f=1&x=0&f[a]=2&f[b]=3")
        XCTAssertTrue(toArray.hasRepeats)
        XCTAssertEqual(pairs(toArray), ["f[a]=2", "x=0", "f[b]=3"])
        let back = try QueryParameters(parsing: "f=1&x=0&f[a]=2&f[b]=3&f=4")
        XCTAssertEqual(pairs(back), ["f=4", "x=0"])
        XCTAssertEqual(back["f"], .string("4"))
    }

    func testNestedNamesAreToldApartByTheirWholeSuffix() throws {
        let query = try QueryParameters(parsing: "x[a][b]=1&x[a][c]=2&x[a][b]=3")
        XCTAssertEqual(pairs(query), ["x[a][b]=3", "x[a][c]=2"])
    }
}

final class PercentDecodingTests: XCTestCase {
    func testPathDecodingKeepsPlus() {
        XCTAssertEqual(PercentDecoding.decode("o'brien+tag%40example.com", plusIsSpace: false), "o'brien+tag@example.com")
    }

    func testMalformedEscapesStayLiteral() {
        XCTAssertEqual(PercentDecoding.decode("100%", plusIsSpace: false), "100%")
        XCTAssertEqual(PercentDecoding.decode("%zz%4", plusIsSpace: false), "%zz%4")
    }

    func testEncodeIsRFC3986() {
        XCTAssertEqual(PercentDecoding.encode("a b:/@~-._"), "a%20b%3A%2F%40~-._")
    }
}
