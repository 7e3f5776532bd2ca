import WooAPI
import XCTest

/// The `Authorization: OAuth` header (RFC 5849 §3.5.1), `oauth_timestamp` as PHP reads numbers, the presented
/// signature's repair (auth §4 step 11), and which requests count as OAuth.
final class OAuthParsingTests: XCTestCase {
    private func pairs(_ header: String) -> [String]? {
        OAuthHeader.parameters(header)?.map { "\($0.name)=\($0.value)" }
    }

    func testSchemeIsCaseInsensitiveAndNeedsAWordBoundary() {
        XCTAssertTrue(OAuthHeader.isOAuth("OAuth oauth_nonce=\"1\""))
        XCTAssertTrue(OAuthHeader.isOAuth("oauth realm=\"x\""))
        XCTAssertTrue(OAuthHeader.isOAuth("OAuth"))
        XCTAssertFalse(OAuthHeader.isOAuth("OAuthX a=1"))
        XCTAssertFalse(OAuthHeader.isOAuth("Basic Y2s6Y3M="))
        XCTAssertFalse(OAuthHeader.isOAuth("OAut"))
    }

    func testQuotedValuesArePercentDecodedAndRealmIsLeftOut() {
        XCTAssertEqual(pairs("OAuth realm=\"Example\", oauth_consumer_key=\"ck_1\",oauth_signature=\"a%2Bb%3D\""),
                       ["oauth_consumer_key=ck_1", "oauth_signature=a+b="])
    }

    func testUnquotedValuesEscapesAndExtraSeparatorsAreAccepted() {
        XCTAssertEqual(pairs("OAuth  a=1 ,, b = \"x\\\"y\" , c=\"\""), ["a=1", "b=x\"y", "c="])
        XCTAssertEqual(pairs("OAuth"), [])
        XCTAssertEqual(pairs("OAuth \t"), [])
    }

    func testMalformedHeadersAreRejected() {
        for header in ["OAuth a", "OAuth a=\"unterminated", "OAuth =1", "OAuth a=\"1\" b=\"2\"", "OAuth a=%FF",
                       "OAuth a=\"1\"x"] {
            XCTAssertNil(OAuthHeader.parameters(header), header)
        }
    }

    func testTimestampsAreReadAsPHPNumericStrings() {
        XCTAssertEqual(OAuthVerifier.numericTimestamp("1700000000"), 1_700_000_000)
        XCTAssertEqual(OAuthVerifier.numericTimestamp(" 1700000000 \n"), 1_700_000_000)
        XCTAssertEqual(OAuthVerifier.numericTimestamp("1.7e9"), 1_700_000_000)
        XCTAssertEqual(OAuthVerifier.numericTimestamp("+1700000000.5"), 1_700_000_000.5)
        XCTAssertEqual(OAuthVerifier.numericTimestamp(".5"), 0.5)
        XCTAssertEqual(OAuthVerifier.numericTimestamp("5."), 5)
        for text in ["", " ", "abc", "1700000000abc", "0x10", "inf", "nan", "1e", "1e+", "--1", ".", "1 2", "١٢"] {
            XCTAssertNil(OAuthVerifier.numericTimestamp(text), text)
        }
    }

    func testPresentedSignatureRepairsSpacesAndDecodesOnceMore() {
        XCTAssertEqual(OAuthVerifier.presentedSignature("a b="), Array("a+b=".utf8))
        XCTAssertEqual(OAuthVerifier.presentedSignature("a%2Bb%3D"), Array("a+b=".utf8))
        XCTAssertEqual(OAuthVerifier.presentedSignature("abc"), Array("abc".utf8))
    }

    func testAnOAuthHeaderOrAnyOAuthQueryParameterSelectsOAuth() throws {
        let none = try QueryParameters(parsing: "consumer_key=ck&page=2")
        XCTAssertFalse(OAuthVerifier.isRequested(authorization: nil, parameters: none))
        XCTAssertFalse(OAuthVerifier.isRequested(authorization: "Basic Y2s6Y3M=", parameters: none))
        XCTAssertTrue(OAuthVerifier.isRequested(authorization: "OAuth a=\"1\"", parameters: none))
        XCTAssertTrue(OAuthVerifier.isRequested(authorization: "Basic Y2s6Y3M=",
                                                parameters: try QueryParameters(parsing: "oauth_nonce=1")))
        XCTAssertFalse(OAuthVerifier.isRequested(authorization: nil, parameters: try QueryParameters(parsing: "xoauth_a=1")))
    }
}
