import WooAPI
import XCTest

final class EmailValidationTests: XCTestCase {
    func testValidAddresses() {
        for email in ["john.doe@example.com", "a@b.co", "o'brien+tag@example.com", "x_y-z@sub.example.org", "ab@c.d"] {
            XCTAssertTrue(Sanitize.isEmail(email), email)
        }
    }

    func testInvalidAddresses() {
        for email in ["a@b", "@example.com", "john", "jo hn@example.com", "john@exa mple.com", "john@-example.com",
                      "john@example..com", "john@.example.com", "jöhn@example.com", "john@exämple.com", "a@b.", "ab@c"] {
            XCTAssertFalse(Sanitize.isEmail(email), email)
        }
    }
}

final class UsernameTests: XCTestCase {
    func testValidUsernamesKeepCase() {
        let sanitized = Sanitize.username("John.Doe", strict: false)
        XCTAssertEqual(sanitized, "John.Doe")
        XCTAssertTrue(Sanitize.isValidUsername(sanitized))
    }

    func testPlusIsInvalid() {
        XCTAssertFalse(Sanitize.isValidUsername(Sanitize.username("john+doe", strict: false)))
    }

    func testStrictFormForGeneratedNames() {
        XCTAssertEqual(Sanitize.username("john+tag", strict: true), "johntag")
        XCTAssertEqual(Sanitize.username("José", strict: true), "Jose")
        XCTAssertEqual(Sanitize.username("  a   b  ", strict: true), "a b")
    }

    func testTagsOctetsAndEntitiesAreRemoved() {
        XCTAssertEqual(Sanitize.username("<b>bob</b>%41&amp;x", strict: false), "bobx")
    }

    func testTextFieldSanitizingKeepsBackslashes() {
        XCTAssertEqual(Sanitize.textField("  O\\Brien <i>x</i>\n\tjr "), "O\\Brien x jr")
    }
}

final class FieldFilterTests: XCTestCase {
    func testAbsentOrEmptyMeansNoFilter() {
        XCTAssertNil(FieldFilter(nil))
        XCTAssertNil(FieldFilter(""))
    }

    func testTopLevelNamesAreNotTrimmed() throws {
        let filter = try XCTUnwrap(FieldFilter("id, email"))
        XCTAssertEqual(filter.inclusion(of: "id", isObject: false), .whole)
        XCTAssertEqual(filter.inclusion(of: "email", isObject: false), .excluded)
    }

    func testSubFieldRulesUseTheUnionOfChildren() throws {
        let filter = try XCTUnwrap(FieldFilter("billing_address.city,shipping_address.state"))
        XCTAssertEqual(filter.inclusion(of: "billing_address", isObject: true), .children)
        XCTAssertTrue(filter.keepsChild("city"))
        XCTAssertTrue(filter.keepsChild("state"))
        XCTAssertFalse(filter.keepsChild("country"))
    }

    func testLaterRuleForSameParentReplacesEarlier() throws {
        let filter = try XCTUnwrap(FieldFilter("billing_address.city,billing_address.state"))
        XCTAssertFalse(filter.keepsChild("city"))
        XCTAssertTrue(filter.keepsChild("state"))
    }
}

final class CustomerSearchTests: XCTestCase {
    func testExactUnlessWildcard() throws {
        var query = CustomerQuery()
        query.search = "john"
        XCTAssertEqual(try QueryParameters(parsing: "filter[q]=john").array("filter").first?.value, "john")
        let exact = try CustomerQuery(parameters: QueryParameters(parsing: "filter[q]=john"))
        XCTAssertEqual(exact.search, "john")
        let wildcard = try CustomerQuery(parameters: QueryParameters(parsing: "filter[q]=*jo_hn%25*"))
        XCTAssertEqual(wildcard.search, "*jo_hn%*")
    }

    func testLimitPageAndOffsetValidation() throws {
        XCTAssertThrowsError(try CustomerQuery(parameters: QueryParameters(parsing: "filter[limit]=abc")))
        XCTAssertThrowsError(try CustomerQuery(parameters: QueryParameters(parsing: "filter[limit]=0.5")))
        XCTAssertThrowsError(try CustomerQuery(parameters: QueryParameters(parsing: "page=0")))
        XCTAssertThrowsError(try CustomerQuery(parameters: QueryParameters(parsing: "filter[offset]=-3")))
        let all = try CustomerQuery(parameters: QueryParameters(parsing: "filter[limit]=-1&page=3"))
        XCTAssertNil(all.limit)
        let page = try CustomerQuery(parameters: QueryParameters(parsing: "filter[limit]=5&page=3"))
        XCTAssertEqual(page.offset, 10)
        let offset = try CustomerQuery(parameters: QueryParameters(parsing: "filter[limit]=5&page=3&filter[offset]=2"))
        XCTAssertEqual(offset.offset, 2)
        let zero = try CustomerQuery(parameters: QueryParameters(parsing: "filter[limit]=0"))
        XCTAssertEqual(zero.limit, 10)
    }

    func testOrderDefaultsAndFallbacks() throws {
        let desc = try CustomerQuery(parameters: QueryParameters(parsing: "filter[order]=foo&filter[orderby]=nonsense"))
        XCTAssertFalse(desc.ascending)
        XCTAssertEqual(desc.orderBy, ["u.username"])
        let asc = try CustomerQuery(parameters: QueryParameters(parsing: "filter[order]=AsC"))
        XCTAssertTrue(asc.ascending)
        XCTAssertEqual(asc.orderBy, ["u.created_at"])
    }

    func testUnparseableDateBoundIsEpoch() throws {
        let query = try CustomerQuery(parameters: QueryParameters(parsing: "filter[created_at_min]=garbage"))
        XCTAssertEqual(query.createdMin, 0)
    }
}

final class PasswordHasherTests: XCTestCase {
    func testSlowHashVerifiesAndNeverContainsThePassword() {
        let stored = PasswordHasher.hash("correct horse", iterations: 1_000)
        XCTAssertTrue(stored.hasPrefix("pbkdf2_sha256$1000$"))
        XCTAssertFalse(stored.contains("correct horse"))
        XCTAssertTrue(PasswordHasher.verify("correct horse", against: stored))
        XCTAssertFalse(PasswordHasher.verify("correct horse!", against: stored))
    }

    func testDefaultCostIsOWASPMinimum() {
        XCTAssertEqual(PasswordHasher.iterations, 600_000)
    }

    func testGeneratedPasswordsAreLongAndFastHashed() {
        let password = PasswordHasher.generatePassword()
        XCTAssertEqual(password.count, 24)
        XCTAssertNotEqual(password, PasswordHasher.generatePassword())
        let stored = PasswordHasher.hashGenerated(password)
        XCTAssertTrue(stored.hasPrefix("sha256$"))
        XCTAssertTrue(PasswordHasher.verify(password, against: stored))
        XCTAssertFalse(PasswordHasher.verify("x", against: stored))
    }

    func testPBKDF2MatchesRFC7914Vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64 (first 16 bytes).
        let derived = Crypto.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        XCTAssertEqual(Crypto.hex(derived.prefix(16)), "55ac046e56e3089fec1691c22544b605")
    }

    func testConsumerKeyHashIsHMACSHA256WithWcApi() {
        // wc_api_hash: hash_hmac('sha256', $key, 'wc-api').
        XCTAssertEqual(Authenticator.hashKey("ck_test").count, 64)
        XCTAssertEqual(
            Crypto.hex(Crypto.hmacSHA256(key: Array("key".utf8), message: Array("The quick brown fox jumps over the lazy dog".utf8))),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
    }

    func testMD5ForGravatar() {
        XCTAssertEqual(Crypto.hex(Crypto.md5(Array("john.doe@example.com".utf8))), "8eb1b522f60d11fa897de1dc6351b7e8")
        XCTAssertEqual(CustomerJSON.avatarURL(email: " John.Doe@Example.com "),
                       "https://secure.gravatar.com/avatar/8eb1b522f60d11fa897de1dc6351b7e8?s=96&d=mm&r=g")
    }
}
