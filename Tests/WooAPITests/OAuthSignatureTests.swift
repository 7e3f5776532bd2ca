import WooAPI
import XCTest

/// Signature base strings and signatures against published vectors (RFC 5849, OAuth Core 1.0a, auth §4)
/// and against vectors for the v2 quirks computed independently (a Python re-implementation of auth §4's
/// steps with `hmac`/`hashlib`, cross-checked against the official `woocommerce` client).
final class OAuthSignatureTests: XCTestCase {
    private let key = "ck_0123456789abcdef0123456789abcdef01234567"
    private let secret = Array("cs_fedcba9876543210fedcba9876543210fedcba98".utf8)

    private var oauthQuery: String {
        "oauth_consumer_key=\(key)&oauth_timestamp=1700000000&oauth_nonce=abc123&oauth_signature_method="
    }

    private func storeBase(_ method: String, _ uri: String, _ query: String, file: StaticString = #filePath,
                           line: UInt = #line) throws -> [UInt8] {
        let parameters = try QueryParameters(parsing: query)
        return try XCTUnwrap(OAuthSignature.storeBaseString(method: method, baseURI: uri, query: parameters),
                             file: file, line: line)
    }

    private func assertStore(
        _ method: String, _ uri: String, _ query: String, _ signatureMethod: OAuthSignature.Method,
        base expectedBase: String? = nil, signature expected: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let fullQuery = (query.isEmpty ? "" : query + "&") + oauthQuery + signatureMethod.rawValue + "&oauth_signature=x"
        let base = try storeBase(method, uri, fullQuery, file: file, line: line)
        if let expectedBase { XCTAssertEqual(String(decoding: base, as: UTF8.self), expectedBase, file: file, line: line) }
        XCTAssertEqual(OAuthSignature.sign(base, key: secret, method: signatureMethod), expected, file: file, line: line)
    }

    // MARK: Auth §4 vectors

    func testSpecVectorFilterAndPageHMACSHA256() throws {
        let base = try storeBase("GET", "http://example.com/wc-api/v2/customers",
                                 "filter[limit]=1&page=2&" + oauthQuery + "HMAC-SHA256")
        XCTAssertEqual(String(decoding: base, as: UTF8.self), """
            GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers&filter%255Blimit%255D%3D1%26oauth_consumer_key%3D\
            ck_0123456789abcdef0123456789abcdef01234567%26oauth_nonce%3Dabc123%26oauth_signature_method%3D\
            HMAC-SHA256%26oauth_timestamp%3D1700000000%26page%3D2
            """)
        XCTAssertEqual(OAuthSignature.sign(base, key: secret, method: .hmacSHA256), "JxGej7wvu9syJ/Vvvl+Fr79xXlwdqPQMSJjqcgEdiq4=")
        // The standard `secret&` key gives another signature, which the store's construction rejects.
        XCTAssertEqual(OAuthSignature.sign(base, key: secret + Array("&".utf8), method: .hmacSHA256),
                       "inJc94+fWCd8YMYEYRnU31tp8zelN6CV3NqP2B6ky2Y=")
    }

    func testSpecVectorEmailRouteHMACSHA1() throws {
        try assertStore("GET", "http://example.com/wc-api/v2/customers/email/john.doe@example.com", "", .hmacSHA1,
                        base: "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers%2Femail%2Fjohn.doe%40example.com&"
                            + "oauth_consumer_key%3D\(key)%26oauth_nonce%3Dabc123%26oauth_signature_method%3DHMAC-SHA1"
                            + "%26oauth_timestamp%3D1700000000",
                        signature: "UkJK5BL4l1Fj3yGZ/zet5b77OGQ=")
    }

    // MARK: v2 quirks (computed independently)

    func testFilterParametersAreFlattenedAndSortedByNormalizedName() throws {
        try assertStore("GET", "http://example.com/wc-api/v2/customers",
                        "page=2&filter%5Brole%5D=customer&fields=id,email&filter[q]=*john*&filter[limit]=5", .hmacSHA256,
                        base: "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers&fields%3Did%252Cemail%26"
                            + "filter%255Blimit%255D%3D5%26filter%255Bq%255D%3D%252Ajohn%252A%26filter%255Brole%255D%3D"
                            + "customer%26oauth_consumer_key%3D\(key)%26oauth_nonce%3Dabc123%26oauth_signature_method%3D"
                            + "HMAC-SHA256%26oauth_timestamp%3D1700000000%26page%3D2",
                        signature: "LpsTq/qp8G0wX1t+dAWJlXbT2J5GLM+JJKrmoLeMvtk=")
    }

    func testEncodedPlusStaysPlusAndRawPlusIsSpace() throws {
        try assertStore("GET", "http://example.com/wc-api/v2/customers", "filter[q]=a%2Bb&fields=first_name+last_name",
                        .hmacSHA1,
                        base: "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers&fields%3Dfirst_name%2520last_name%26"
                            + "filter%255Bq%255D%3Da%252Bb%26oauth_consumer_key%3D\(key)%26oauth_nonce%3Dabc123%26"
                            + "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000",
                        signature: "RxVvRktLnse6HxtvN9lE+/2TiG0=")
    }

    func testPercentInValuesIsDecodedTwice() throws {
        // `100%2525` arrives as `100%25`, is decoded again to `100%`, and signs as `100%2525`; a lone `%` stays.
        try assertStore("GET", "http://example.com/wc-api/v2/customers", "filter[q]=100%2525&x=%25", .hmacSHA256,
                        base: "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers&filter%255Bq%255D%3D100%2525%26"
                            + "oauth_consumer_key%3D\(key)%26oauth_nonce%3Dabc123%26oauth_signature_method%3DHMAC-SHA256"
                            + "%26oauth_timestamp%3D1700000000%26x%3D%2525",
                        signature: "OyP9KHmWX7vWdBSGCGzTuj/5VQBfhOSMSDayB1fZfp0=")
    }

    func testUnicodeInRouteAndValues() throws {
        try assertStore("GET", "http://example.com/wc-api/v2/customers/email/jos\u{E9}@example.com", "filter[q]=Jos%C3%A9",
                        .hmacSHA256,
                        base: "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers%2Femail%2Fjos%C3%A9%40example.com&"
                            + "filter%255Bq%255D%3DJos%25C3%25A9%26oauth_consumer_key%3D\(key)%26oauth_nonce%3Dabc123%26"
                            + "oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000",
                        signature: "WNU617o0dwtN2XafCFHvmjtVHwE5Qm3UqYADfLAVAgI=")
    }

    func testMethodOverrideSignsTheEffectiveMethodAndTheMethodParameter() throws {
        try assertStore("DELETE", "http://example.com/wc-api/v2/customers/2", "_method=DELETE", .hmacSHA256,
                        signature: "WOU6qIIlj8t4iSl7A6i6UUVgBlR3FCd8IFVBdMcld2Q=")
    }

    func testSubdirectorySiteWithPort() throws {
        try assertStore("put", "http://example.com:8080/shop/wc-api/v2/customers/2", "", .hmacSHA1,
                        signature: "eAmZkEDO5fTxM/9nEjQKbeNRi68=")
    }

    func testArraysTheStoreCannotSignGiveNoBaseString() throws {
        for query in ["filter[a][b]=1", "fields[]=id", "list[x]=1"] {
            XCTAssertNil(OAuthSignature.storeBaseString(method: "GET", baseURI: "http://e/wc-api/v2/customers",
                                                        query: try QueryParameters(parsing: query)), query)
        }
    }

    func testScalarFilterIsLeftOutOfTheSignatureAsPHPDoes() throws {
        let with = try storeBase("GET", "http://e/wc-api/v2/customers", "filter=x&page=1")
        let without = try storeBase("GET", "http://e/wc-api/v2/customers", "page=1")
        XCTAssertEqual(with, without)
    }

    func testValuesAreSignedWithoutMagicQuotes() throws {
        // A real store signs `O\'Brien` (WordPress's magic quotes); we sign what the client sent (decisions #25).
        let base = try storeBase("GET", "http://e/wc-api/v2/customers", "filter[q]=O%27Brien%20%22x%22%20a%5Cb")
        XCTAssertEqual(String(decoding: base, as: UTF8.self),
                       "GET&http%3A%2F%2Fe%2Fwc-api%2Fv2%2Fcustomers&filter%255Bq%255D%3DO%2527Brien%2520%2522x%2522%2520a%255Cb")
    }

    func testDuplicateNamesKeepTheLastValue() throws {
        XCTAssertEqual(try storeBase("GET", "http://e/", "page=1&page=2"), try storeBase("GET", "http://e/", "page=2"))
    }

    // MARK: The official Python client's construction (issue 9)

    // Each vector below was produced by the official client's own code (`woocommerce` 3.0.0, `oauth.py`, in the
    // Python suite's .venv): `OAuth(url="http://example.com/wc-api/v2/<endpoint>?" + urlencode(params), key, secret,
    // version="v2", method=…, oauth_timestamp=1700000000)` with `generate_nonce` returning "abc123", then
    // `get_oauth_url()`, the base string captured by wrapping `woocommerce.oauth.HMAC`. `query` is what the client
    // then sends: its signed URL's query, followed by `params` once more (`requests` appends them).

    private func assertPythonClient(
        _ method: String, _ uri: String, _ query: String, base expectedBase: String, signature expected: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let parameters = try QueryParameters(parsing: query)
        let base = try XCTUnwrap(OAuthSignature.pythonClientBaseString(method: method, baseURI: uri, query: parameters),
                                 file: file, line: line)
        XCTAssertEqual(String(decoding: base, as: UTF8.self), expectedBase, file: file, line: line)
        XCTAssertEqual(OAuthSignature.sign(base, key: secret, method: .hmacSHA256), expected, file: file, line: line)
        // The store's construction signs something else, which is why these requests failed before.
        let store = try XCTUnwrap(OAuthSignature.storeBaseString(method: method, baseURI: uri, query: parameters))
        XCTAssertNotEqual(OAuthSignature.sign(store, key: secret, method: .hmacSHA256), expected, file: file, line: line)
    }

    private var pythonOAuth: String {
        "oauth_consumer_key=\(key)&oauth_timestamp=1700000000&oauth_nonce=abc123&oauth_signature_method=HMAC-SHA256"
    }

    private var pythonOAuthBase: String {
        "oauth_consumer_key%3D\(key)%26oauth_nonce%3Dabc123%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000"
    }

    func testPythonClientKeepsFilterKeysInTheOrderGiven() throws {
        // params={"filter[q]": "*example*", "filter[limit]": 2}
        let params = "filter%5Bq%5D=%2Aexample%2A&filter%5Blimit%5D=2"
        try assertPythonClient(
            "GET", "http://example.com/wc-api/v2/customers",
            "\(params)&\(pythonOAuth)&oauth_signature=2XRk8x3Jr%2BZ3UedNyDUaRmLH9wPWUMFZ5nDPuS3jR1s%3D&\(params)",
            base: "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers&filter%255Bq%255D%3D%252Aexample%252A%26"
                + "filter%255Blimit%255D%3D2%26\(pythonOAuthBase)",
            signature: "2XRk8x3Jr+Z3UedNyDUaRmLH9wPWUMFZ5nDPuS3jR1s=")
    }

    func testPythonClientLeavesSlashUnencoded() throws {
        // params={"filter[created_at_min]": "2020/01/01", "filter[q]": "a/b c+d"}
        let params = "filter%5Bcreated_at_min%5D=2020%2F01%2F01&filter%5Bq%5D=a%2Fb+c%2Bd"
        try assertPythonClient(
            "GET", "http://example.com/wc-api/v2/customers",
            "\(params)&\(pythonOAuth)&oauth_signature=3tulyAtGGSvnJtoVRpVwOUSnPPevXLXeXFW8kCMdDdg%3D&\(params)",
            base: "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers&filter%255Bcreated_at_min%255D%3D2020/01/01%26"
                + "filter%255Bq%255D%3Da/b%2520c%252Bd%26\(pythonOAuthBase)",
            signature: "3tulyAtGGSvnJtoVRpVwOUSnPPevXLXeXFW8kCMdDdg=")
    }

    func testPythonClientSortsByTheNameBeforeTheBracket() throws {
        // params={"page": 2, "filter[q]": "*john*", "fields": "id,email", "filter[limit]": 2, "_jsonp": "cb"}
        let params = "page=2&filter%5Bq%5D=%2Ajohn%2A&fields=id%2Cemail&filter%5Blimit%5D=2&_jsonp=cb"
        try assertPythonClient(
            "GET", "http://example.com/wc-api/v2/customers",
            "\(params)&\(pythonOAuth)&oauth_signature=Yt6TXaq6AHzZ69D0d%2B6SiAEhI8bxl82YNWt1ZqbgFB4%3D&\(params)",
            base: "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers&_jsonp%3Dcb%26fields%3Did%252Cemail%26"
                + "filter%255Bq%255D%3D%252Ajohn%252A%26filter%255Blimit%255D%3D2%26\(pythonOAuthBase)%26page%3D2",
            signature: "Yt6TXaq6AHzZ69D0d+6SiAEhI8bxl82YNWt1ZqbgFB4=")
    }

    func testPythonClientDecodesAgainAndRepairsBytesThatAreNotUTF8() throws {
        // params={"filter[q]": "100%FF/x%2F"}: `unquote` gives U+FFFD for the lone 0xFF and `/` for `%2F`.
        let params = "filter%5Bq%5D=100%25FF%2Fx%252F"
        try assertPythonClient(
            "GET", "http://example.com/wc-api/v2/customers",
            "\(params)&\(pythonOAuth)&oauth_signature=rXDpw%2B28tyHQB05WRkJH2LoNynGl1VWkwye%2FbRJqNsA%3D&\(params)",
            base: "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv2%2Fcustomers&filter%255Bq%255D%3D100%25EF%25BF%25BD/x/%26"
                + pythonOAuthBase,
            signature: "rXDpw+28tyHQB05WRkJH2LoNynGl1VWkwye/bRJqNsA=")
    }

    func testPythonClientRepairsInvalidUTF8AsPythonDoes() {
        // Python: b"\xe2\x82x\xf0\x80\x80\xc3".decode("utf-8", "replace") == "\ufffdx\ufffd\ufffd\ufffd\ufffd"
        let normalized = OAuthSignature.pythonClientNormalized("%E2%82x%F0%80%80%C3".utf8)
        XCTAssertEqual(String(decoding: normalized, as: UTF8.self), "%25EF%25BF%25BDx" + String(repeating: "%25EF%25BF%25BD", count: 4))
    }

    func testPythonClientCannotSignWhatTheStoreCannot() throws {
        for query in ["filter[a][b]=1", "fields[]=id", "list[x]=1"] {
            XCTAssertNil(OAuthSignature.pythonClientBaseString(method: "GET", baseURI: "http://e/wc-api/v2/customers",
                                                               query: try QueryParameters(parsing: query)), query)
        }
    }

    // MARK: RFC 5849

    func testRFC5849Section3_4_1BaseString() {
        // The request of RFC 5849 §3.4.1.1: parameters from the query, the header (realm excluded) and the form body.
        let header = [("oauth_consumer_key", "9djdj82h48djs9d2"), ("oauth_token", "kkk9d7dh3k39sjv7"),
                      ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"),
                      ("oauth_nonce", "7d8f3e4a"), ("oauth_signature", "djosJKDKJSD8743243%2Fjdk33klY%3D")]
        let parameters = OAuthSignature.rfc5849Parameters(
            query: "b5=%3D%253D&a3=a&c%40=&a2=r%20b", header: header.map { (name: $0.0, value: $0.1) },
            formBody: Array("c2&a3=2+q".utf8))
        let uri = OAuthSignature.rfc5849BaseURI(scheme: "http", host: "example.com", path: "/request")
        XCTAssertEqual(String(decoding: OAuthSignature.rfc5849BaseString(method: "POST", baseURI: uri, parameters: parameters),
                              as: UTF8.self), """
            POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D\
            %26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1\
            %26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7
            """)
    }

    func testOAuthCore1_0aPhotosVector() {
        let parameters = OAuthSignature.rfc5849Parameters(
            query: "file=vacation.jpg&size=original",
            header: [("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_token", "nnch734d00sl2jdk"),
                     ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "1191242096"),
                     ("oauth_nonce", "kllo9940pd9333jh"), ("oauth_version", "1.0")].map { (name: $0.0, value: $0.1) },
            formBody: nil)
        let base = OAuthSignature.rfc5849BaseString(method: "GET", baseURI: "http://photos.example.net/photos", parameters: parameters)
        XCTAssertEqual(String(decoding: base, as: UTF8.self), """
            GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26\
            oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26\
            oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal
            """)
        let key = OAuthSignature.rfc5849Key(consumerSecret: Array("kd94hf93k423kf44".utf8),
                                            tokenSecret: Array("pfkkdhi9sl3r4s00".utf8))
        XCTAssertEqual(OAuthSignature.sign(base, key: key, method: .hmacSHA1), "tR3+Ty81lMeYAr/Fid0kMTYa/WM=")
    }

    func testRFC5849OneLeggedWithOurKeyAndHMACSHA256() {
        let parameters = OAuthSignature.rfc5849Parameters(
            query: "filter%5Bq%5D=john+doe&page=2&oauth_signature=ignored",
            header: [("oauth_consumer_key", key), ("oauth_nonce", "n1"), ("oauth_signature_method", "HMAC-SHA256"),
                     ("oauth_timestamp", "1700000000"), ("oauth_version", "1.0")].map { (name: $0.0, value: $0.1) },
            formBody: nil)
        let uri = OAuthSignature.rfc5849BaseURI(scheme: "HTTP", host: "127.0.0.1:8080", path: "/wc-api/v2/customers")
        let base = OAuthSignature.rfc5849BaseString(method: "GET", baseURI: uri, parameters: parameters)
        XCTAssertEqual(OAuthSignature.sign(base, key: OAuthSignature.rfc5849Key(consumerSecret: secret), method: .hmacSHA256),
                       "V7Wk7Zog/i01gRxo2E0nL8RiGaLuLmJfNjfp1C4Zl2I=")
    }

    func testRFC5849BaseURILowercasesAndDropsDefaultPorts() {
        XCTAssertEqual(OAuthSignature.rfc5849BaseURI(scheme: "HTTP", host: "Example.COM:80", path: "/r%20b"), "http://example.com/r%20b")
        XCTAssertEqual(OAuthSignature.rfc5849BaseURI(scheme: "https", host: "example.com:443", path: ""), "https://example.com/")
        XCTAssertEqual(OAuthSignature.rfc5849BaseURI(scheme: "http", host: "example.com:8080", path: "/a"), "http://example.com:8080/a")
        XCTAssertEqual(OAuthSignature.rfc5849BaseURI(scheme: "http", host: "[::1]:8080", path: "/a"), "http://[::1]:8080/a")
    }

    func testRFC5849KeyEncodesTheSecret() {
        XCTAssertEqual(OAuthSignature.rfc5849Key(consumerSecret: Array("a b&c".utf8)), Array("a%20b%26c&".utf8))
    }
}
