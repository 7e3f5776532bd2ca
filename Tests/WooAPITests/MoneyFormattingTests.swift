import WooAPI
import XCTest

/// `OrderMoney.format`: PHP's `number_format($value, $dp, '.', '')` with its half-away-from-zero rounding of the
/// decimal value (pre-rounding makes 1.005 a half, as on the real store).
final class MoneyFormattingTests: XCTestCase {
    func testTwoDecimals() {
        XCTAssertEqual(OrderMoney.format(19.99 * 2, dp: 2), "39.98")
        XCTAssertEqual(OrderMoney.format(49.98, dp: 2), "49.98")
        XCTAssertEqual(OrderMoney.format(10, dp: 2), "10.00")
        XCTAssertEqual(OrderMoney.format(0, dp: 2), "0.00")
        XCTAssertEqual(OrderMoney.format(0.1 + 0.2, dp: 2), "0.30")
    }

    func testHalvesRoundAwayFromZero() {
        XCTAssertEqual(OrderMoney.format(1.005, dp: 2), "1.01")
        XCTAssertEqual(OrderMoney.format(2.675, dp: 2), "2.68")
        XCTAssertEqual(OrderMoney.format(0.285, dp: 2), "0.29")
        XCTAssertEqual(OrderMoney.format(-1.005, dp: 2), "-1.01")
        XCTAssertEqual(OrderMoney.format(1.45, dp: 1), "1.5")
        XCTAssertEqual(OrderMoney.format(2.5, dp: 0), "3")
        XCTAssertEqual(OrderMoney.format(1.004, dp: 2), "1.00")
    }

    func testLargeAmountsAreNotRoundedUp() {
        XCTAssertEqual(OrderMoney.format(1e12, dp: 2), "1000000000000.00")
        XCTAssertEqual(OrderMoney.format(999_999_999_999.99, dp: 2), "999999999999.99")
        XCTAssertEqual(OrderMoney.format(123_456_789.125, dp: 2), "123456789.13")
        XCTAssertEqual(OrderMoney.format(123_456_789.124, dp: 2), "123456789.12")
    }

    func testNeverNegativeZero() {
        XCTAssertEqual(OrderMoney.format(-0.001, dp: 2), "0.00")
        XCTAssertEqual(OrderMoney.format(-0.0, dp: 2), "0.00")
    }

    func testOtherDecimalCounts() {
        XCTAssertEqual(OrderMoney.format(49.98, dp: 3), "49.980")
        XCTAssertEqual(OrderMoney.format(49.98, dp: 0), "50")
        XCTAssertEqual(OrderMoney.format(0.05, dp: 4), "0.0500")
        XCTAssertEqual(OrderMoney.format(-12.5, dp: 2), "-12.50")
    }

    func testHugeAmountsTakeTheExactPath() {
        XCTAssertEqual(OrderMoney.format(1e16, dp: 2), "10000000000000000.00")
        XCTAssertEqual(OrderMoney.format(.infinity, dp: 2), "0.00")
    }
}
