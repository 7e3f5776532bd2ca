import WooAPI
import XCTest

/// `Money.format`: PHP's `number_format($value, $dp, '.', '')` with its half-away-from-zero rounding of the
/// decimal value (pre-rounding makes 1.005 a half, as on the real store).
final class MoneyFormattingTests: XCTestCase {
    func testTwoDecimals() {
        XCTAssertEqual(Money.format(19.99 * 2, dp: 2), "39.98")
        XCTAssertEqual(Money.format(49.98, dp: 2), "49.98")
        XCTAssertEqual(Money.format(10, dp: 2), "10.00")
        XCTAssertEqual(Money.format(0, dp: 2), "0.00")
        XCTAssertEqual(Money.format(0.1 + 0.2, dp: 2), "0.30")
    }

    func testHalvesRoundAwayFromZero() {
        XCTAssertEqual(Money.format(1.005, dp: 2), "1.01")
        XCTAssertEqual(Money.format(2.675, dp: 2), "2.68")
        XCTAssertEqual(Money.format(0.285, dp: 2), "0.29")
        XCTAssertEqual(Money.format(-1.005, dp: 2), "-1.01")
        XCTAssertEqual(Money.format(1.45, dp: 1), "1.5")
        XCTAssertEqual(Money.format(2.5, dp: 0), "3")
        XCTAssertEqual(Money.format(1.004, dp: 2), "1.00")
    }

    func testLargeAmountsAreNotRoundedUp() {
        XCTAssertEqual(Money.format(1e12, dp: 2), "1000000000000.00")
        XCTAssertEqual(Money.format(999_999_999_999.99, dp: 2), "999999999999.99")
        XCTAssertEqual(Money.format(123_456_789.125, dp: 2), "123456789.13")
        XCTAssertEqual(Money.format(123_456_789.124, dp: 2), "123456789.12")
    }

    func testNeverNegativeZero() {
        XCTAssertEqual(Money.format(-0.001, dp: 2), "0.00")
        XCTAssertEqual(Money.format(-0.0, dp: 2), "0.00")
    }

    func testOtherDecimalCounts() {
        XCTAssertEqual(Money.format(49.98, dp: 3), "49.980")
        XCTAssertEqual(Money.format(49.98, dp: 0), "50")
        XCTAssertEqual(Money.format(0.05, dp: 4), "0.0500")
        XCTAssertEqual(Money.format(-12.5, dp: 2), "-12.50")
    }

    func testHugeAmountsTakeTheExactPath() {
        XCTAssertEqual(Money.format(1e16, dp: 2), "10000000000000000.00")
        XCTAssertEqual(Money.format(.infinity, dp: 2), "0.00")
    }
}
