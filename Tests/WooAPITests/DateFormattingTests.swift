import WooAPI
import XCTest

final class DateFormattingTests: XCTestCase {
    func testFormatsUTC() {
        XCTAssertEqual(APIDate.format(0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(APIDate.format(1_700_000_000), "2023-11-14T22:13:20Z")
        XCTAssertEqual(APIDate.format(951_782_400), "2000-02-29T00:00:00Z")
    }

    func testParsesTheFormsClientsSend() {
        XCTAssertEqual(APIDate.parse("2023-11-14"), 1_699_920_000)
        XCTAssertEqual(APIDate.parse("2023-11-14T22:13:20Z"), 1_700_000_000)
        XCTAssertEqual(APIDate.parse("2023-11-14 22:13:20"), 1_700_000_000)
        XCTAssertEqual(APIDate.parse("2023-11-14T22:13:20.123"), 1_700_000_000)
    }

    func testOffsetIsIgnoredAsOnTheRealStore() {
        XCTAssertEqual(APIDate.parse("2023-11-14T22:13:20+02:00"), 1_700_000_000)
        XCTAssertEqual(APIDate.parse("2023-11-14T22:13:20-0500"), 1_700_000_000)
    }

    func testGarbageIsUnparseable() {
        XCTAssertNil(APIDate.parse("yesterday"))
        XCTAssertNil(APIDate.parse("2023-13-01"))
        XCTAssertNil(APIDate.parse("2023-11-14T25:00"))
    }

    func testMoneyFormatting() {
        XCTAssertEqual(Money.format(cents: 0), "0.00")
        XCTAssertEqual(Money.format(cents: 4898), "48.98")
        XCTAssertEqual(Money.format(cents: 5), "0.05")
        XCTAssertEqual(Money.cents(from: "12.345"), 1235)
        XCTAssertEqual(Money.cents(from: "10"), 1000)
        XCTAssertNil(Money.cents(from: "ten"))
    }
}
