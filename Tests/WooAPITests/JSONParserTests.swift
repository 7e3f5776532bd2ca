import WooAPI
import TestSupport
import XCTest

final class JSONParserTests: XCTestCase {
    private func parse(_ text: String, maxDepth: Int = 64) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8), maxDepth: maxDepth)
    }

    private func parseError(_ bytes: [UInt8], maxDepth: Int = 64, file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        do {
            let value = try JSONParser.parse(bytes, maxDepth: maxDepth)
            XCTFail("Expected an error, got \(value)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    private func assertRejects(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        _ = parseError(Array(text.utf8), file: file, line: line)
    }

    // MARK: Values

    func testScalars() throws {
        XCTAssertEqual(try parse("null"), .null)
        XCTAssertEqual(try parse("true"), .bool(true))
        XCTAssertEqual(try parse("false"), .bool(false))
        XCTAssertEqual(try parse("0"), .number(0))
        XCTAssertEqual(try parse("-12"), .number(-12))
        XCTAssertEqual(try parse("3.25"), .number(3.25))
        XCTAssertEqual(try parse("-0.5e2"), .number(-50))
        XCTAssertEqual(try parse("1E+2"), .number(100))
        XCTAssertEqual(try parse("25e-1"), .number(2.5))
        XCTAssertEqual(try parse("0.1"), .number(0.1))
        XCTAssertEqual(try parse("123456789012345"), .number(123_456_789_012_345))
        XCTAssertEqual(try parse("9007199254740993"), .number(9_007_199_254_740_992))  // rounds like strtod
        XCTAssertEqual(try parse("\"hi\""), .string("hi"))
        XCTAssertEqual(try parse("\"\""), .string(""))
        XCTAssertEqual(try parse("[]"), .array([]))
        XCTAssertEqual(try parse("{}"), .object(JSONObject()))
    }

    func testNegativeZeroKeepsItsSign() throws {
        let value = try XCTUnwrap(parse("-0").doubleValue)
        XCTAssertEqual(value, 0)
        XCTAssertEqual(value.sign, .minus)
    }

    func testSurroundingWhitespaceIsAllowed() throws {
        XCTAssertEqual(try parse(" \t\r\n[ 1 , 2 ]\n "), .array([.number(1), .number(2)]))
        XCTAssertEqual(try parse("{ \"a\" : [ ] , \"b\" : { } }").objectValue?.keys, ["a", "b"])
    }

    func testNestedObjects() throws {
        let value = try parse(#"{"customer":{"email":"a@b.c","billing":{"city":"Paris","lines":[1,{"x":null}]}}}"#)
        XCTAssertEqual(value["customer"]?["email"]?.stringValue, "a@b.c")
        XCTAssertEqual(value["customer"]?["billing"]?["city"], .string("Paris"))
        let lines = try XCTUnwrap(value["customer"]?["billing"]?["lines"]?.arrayValue)
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0].intValue, 1)
        XCTAssertEqual(lines[1]["x"]?.isNull, true)
        XCTAssertNil(value["customer"]?["missing"])
        XCTAssertNil(value["customer"]?["email"]?["x"])
    }

    func testKeyOrderIsPreserved() throws {
        let object = try XCTUnwrap(parse(#"{"z":1,"a":2,"m":3,"b":4}"#).objectValue)
        XCTAssertEqual(object.keys, ["z", "a", "m", "b"])
        XCTAssertEqual(object.members.map(\.key), ["z", "a", "m", "b"])
        XCTAssertTrue(object.contains("m"))
        XCTAssertFalse(object.contains("q"))
    }

    func testDuplicateKeysLastWins() throws {
        let object = try XCTUnwrap(parse(#"{"a":1,"b":2,"a":3}"#).objectValue)
        XCTAssertEqual(object["a"], .number(3))
        XCTAssertEqual(object.members.count, 3)
        XCTAssertEqual(object.keys, ["a", "b"])
    }

    func testKeysStayUniqueForLargeObjects() throws {
        let members = (0..<40).map { "\"k\($0 % 20)\":\($0)" }.joined(separator: ",")
        let object = try XCTUnwrap(parse("{\(members)}").objectValue)
        XCTAssertEqual(object.keys, (0..<20).map { "k\($0)" })
        XCTAssertEqual(object["k3"]?.intValue, 23)
    }

    func testEscapes() throws {
        XCTAssertEqual(try parse(#""a\"b\\c\/d\be\ff\ng\rh\ti""#), .string("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti"))
        XCTAssertEqual(try parse(#""\u0041\u00e9\u20AC\u0000""#), .string("Aé€\u{0}"))
        XCTAssertEqual(try parse(#""x\u00E9y""#), .string("xéy"))
    }

    func testSurrogatePairIsCombined() throws {
        XCTAssertEqual(try parse(#""\ud83d\ude00""#), .string("😀"))
        XCTAssertEqual(try parse(#""a\uD83D\uDE00b""#), .string("a😀b"))
    }

    func testRawUTF8IsKept() throws {
        XCTAssertEqual(try parse("\"héllo wörld — ✓ 😀 日本\""), .string("héllo wörld — ✓ 😀 日本"))
        XCTAssertEqual(try parse("{\"ключ\":\"значение\"}")["ключ"], .string("значение"))
    }

    func testStringsOfEveryLengthAroundTheWordSize() throws {
        // Exercises the 8-byte fast path with a special character at every position.
        for length in 0..<20 {
            let plain = String(repeating: "a", count: length)
            XCTAssertEqual(try parse("\"\(plain)\""), .string(plain))
            for position in 0..<length {
                var escaped = Array(plain.utf8)
                escaped[position] = UInt8(ascii: "\"")
                let text = "\"\(plain.prefix(position))\\\"\(plain.dropFirst(position + 1))\""
                XCTAssertEqual(try parse(text), .string(String(decoding: escaped, as: UTF8.self)))
                let accented = String(plain.prefix(position)) + "é" + String(plain.dropFirst(position + 1))
                XCTAssertEqual(try parse("\"\(accented)\""), .string(accented))
                var control = Array("\"\(plain)\"".utf8)
                control[position + 1] = 0x1F
                _ = parseError(control)
            }
        }
    }

    func testLargeIntegerBecomesDouble() throws {
        let value = try parse("12345678901234567890")
        XCTAssertEqual(value, .number(12_345_678_901_234_567_890.0))
        XCTAssertNil(value.intValue)
        XCTAssertEqual(try parse("-9223372036854775808").intValue, Int.min)
    }

    func testIntValueSemantics() throws {
        XCTAssertEqual(JSONValue.number(5).intValue, 5)
        XCTAssertEqual(JSONValue.number(5.0).intValue, 5)
        XCTAssertEqual(JSONValue.number(-7).intValue, -7)
        XCTAssertNil(JSONValue.number(5.5).intValue)
        XCTAssertNil(JSONValue.number(1e30).intValue)
        XCTAssertNil(JSONValue.number(-1e30).intValue)
        XCTAssertNil(JSONValue.number(0x1p63).intValue)
        XCTAssertNil(JSONValue.number(.infinity).intValue)
        XCTAssertNil(JSONValue.number(.nan).intValue)
        XCTAssertNil(JSONValue.string("5").intValue)
        XCTAssertEqual(try parse("1e3").intValue, 1000)
        XCTAssertEqual(try parse("2.0").intValue, 2)
    }

    func testAccessorsReturnNilForOtherTypes() {
        let values: [JSONValue] = [.null, .bool(true), .number(1), .string("s"), .array([]), .object(JSONObject())]
        XCTAssertEqual(values.map(\.isNull), [true, false, false, false, false, false])
        XCTAssertEqual(values.map { $0.boolValue != nil }, [false, true, false, false, false, false])
        XCTAssertEqual(values.map { $0.doubleValue != nil }, [false, false, true, false, false, false])
        XCTAssertEqual(values.map { $0.stringValue != nil }, [false, false, false, true, false, false])
        XCTAssertEqual(values.map { $0.arrayValue != nil }, [false, false, false, false, true, false])
        XCTAssertEqual(values.map { $0.objectValue != nil }, [false, false, false, false, false, true])
        XCTAssertEqual(values.map { $0["a"] != nil }, [false, false, false, false, false, false])
    }

    func testObjectEqualityIsOrderSensitive() throws {
        XCTAssertEqual(try parse(#"{"a":1,"b":[true]}"#), try parse(#"{ "a" : 1, "b" : [ true ] }"#))
        XCTAssertNotEqual(try parse(#"{"a":1,"b":2}"#), try parse(#"{"b":2,"a":1}"#))
        XCTAssertNotEqual(try parse(#"{"a":1}"#), try parse(#"{"a":2}"#))
        XCTAssertNotEqual(try parse(#"{"a":1}"#), try parse(#"{"a":1,"b":2}"#))
    }

    func testOneMebibyteStringParses() throws {
        let body = String(repeating: "abcdefghij\\n\u{e9}", count: 80_000)  // ≈ 1 MiB of JSON
        let expected = String(repeating: "abcdefghij\n\u{e9}", count: 80_000)
        let json = Array(#"{"note":""#.utf8) + Array(body.utf8) + Array(#""}"#.utf8)
        XCTAssertGreaterThan(json.count, 1_000_000)
        let value = try JSONParser.parse(json)
        XCTAssertEqual(value["note"]?.stringValue, expected)

        let plain = String(repeating: "x", count: 1 << 20)
        XCTAssertEqual(try parse("\"\(plain)\"").stringValue?.utf8.count, 1 << 20)
    }

    func testSliceAndRawBufferOverloads() throws {
        let bytes = Array("xx[1,\"a\"]yy".utf8)
        XCTAssertEqual(try JSONParser.parse(bytes[2..<9]), .array([.number(1), .string("a")]))
        do {
            _ = try JSONParser.parse(bytes[2..<10])
            XCTFail("Expected an error")
        } catch {
            XCTAssertEqual(error.offset, 7)  // counted from the slice's start
        }
        let value = try Array("{\"k\":false}".utf8).withUnsafeBytes { raw throws(JSONParseError) in
            try JSONParser.parse(raw)
        }
        XCTAssertEqual(value["k"], .bool(false))
    }

    // MARK: Errors

    func testInvalidInputsThrow() {
        for text in [
            "{", "[", "[1,]", "{\"a\":1,}", "{\"a\"}", "{\"a\" 1}", "{a:1}", "{1:1}", "[1 2]", "[,1]", "{,}",
            "01", "-01", "+1", ".5", "1.", "1.e5", "1e", "1e+", "-", "--1", "0x10", "NaN", "Infinity", "-Infinity",
            "'a'", "tru", "nul", "True", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "[1]]", "// c\n1", "/* c */1",
            "\u{A0}1", "\u{C}1",
        ] {
            assertRejects(text)
        }
    }

    func testUnescapedControlCharacterIsRejected() {
        for byte: UInt8 in [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F] {
            let error = parseError([0x22, 0x61, byte, 0x22])
            XCTAssertEqual(error?.offset, 2)
        }
        XCTAssertEqual(try JSONParser.parse([0x22, 0x7F, 0x22]), .string("\u{7F}"))
    }

    func testInvalidUTF8IsRejected() {
        let cases: [[UInt8]] = [
            [0xC0, 0xAF],  // overlong '/'
            [0xC1, 0xBF],  // overlong
            [0xE0, 0x80, 0xAF],  // overlong 3-byte
            [0xF0, 0x80, 0x80, 0xAF],  // overlong 4-byte
            [0xED, 0xA0, 0x80],  // UTF-8-encoded surrogate U+D800
            [0xED, 0xBF, 0xBF],  // U+DFFF
            [0xF4, 0x90, 0x80, 0x80],  // > U+10FFFF
            [0xF5, 0x80, 0x80, 0x80],
            [0xFF], [0xFE], [0x80], [0xBF],  // invalid lead / stray continuation
            [0xE2, 0x82],  // truncated €
            [0xF0, 0x9F, 0x98],  // truncated 😀
            [0xC3, 0x28],  // bad continuation
        ]
        for bad in cases {
            let error = parseError([0x22, 0x61] + bad + [0x22])
            XCTAssertEqual(error?.offset, 2, "\(bad)")
            _ = parseError([0x22] + bad)  // truncated at the end of the input
        }
        XCTAssertEqual(try JSONParser.parse([0x22, 0xE2, 0x82, 0xAC, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]), .string("€\u{10FFFF}"))
    }

    func testUTF8ValidationMatchesTheStandardLibrary() {
        // Random byte soup (no quote, backslash or control bytes): accepted exactly when it is valid UTF-8.
        var rng = SeededRandom(seed: 0x5EED)
        let pool: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
                             0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF]
        var accepted = 0
        for _ in 0..<20_000 {
            let length = Int(rng.next() % 12)
            let soup = (0..<length).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }
            let expected = String(validating: soup, as: UTF8.self)
            let parsed = try? JSONParser.parse([0x22] + soup + [0x22])
            XCTAssertEqual(parsed?.stringValue, expected, "\(soup)")
            if expected != nil { accepted += 1 }
        }
        XCTAssertGreaterThan(accepted, 1000)
    }

    func testLoneSurrogateIsRejected() {
        for text in [#""\ud800""#, #""\ud800x""#, #""\udc00""#, #""\ude00\ud83d""#, #""\ud83d\u0041""#, #""\ud83d\n""#, #""\ud83d\ud83d""#] {
            assertRejects(text)
        }
    }

    func testEmptyInputIsRejected() {
        XCTAssertEqual(parseError([])?.offset, 0)
        _ = parseError(Array(" \n\t\r ".utf8))
    }

    func testTrailingGarbageIsRejected() {
        let error = parseError(Array("{} x".utf8))
        XCTAssertEqual(error?.offset, 3)
        assertRejects("1 2")
        assertRejects("null,")
    }

    func testErrorOffsetPointsAtTheProblem() {
        XCTAssertEqual(parseError(Array("[1,]".utf8))?.offset, 3)
        XCTAssertEqual(parseError(Array("01".utf8))?.offset, 1)
    }

    func testDeepNestingThrowsFast() {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 10_000)
        let start = ContinuousClock.now
        let error = parseError(deep)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(1))
        XCTAssertTrue(error?.message.contains("depth") ?? false, error?.message ?? "")
        XCTAssertEqual(error?.offset, 64)

        let deepObjects = Array(String(repeating: "{\"a\":", count: 10_000).utf8)
        XCTAssertTrue(parseError(deepObjects)?.message.contains("depth") ?? false)

        let balanced = Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)
        XCTAssertTrue(parseError(balanced)?.message.contains("depth") ?? false)
    }

    func testDepthExactlyMaxDepthIsAccepted() throws {
        let ok = String(repeating: "[", count: 64) + "1" + String(repeating: "]", count: 64)
        var value = try parse(ok)
        for _ in 0..<64 { value = try XCTUnwrap(value.arrayValue?.first) }
        XCTAssertEqual(value, .number(1))

        let tooDeep = "[" + ok + "]"
        XCTAssertTrue(parseError(Array(tooDeep.utf8))?.message.contains("depth") ?? false)

        let objects = String(repeating: "{\"a\":", count: 3) + "1" + String(repeating: "}", count: 3)
        XCTAssertEqual(try parse(objects, maxDepth: 3)["a"]?["a"]?["a"], .number(1))
        _ = parseError(Array(objects.utf8), maxDepth: 2)
        XCTAssertEqual(try parse("7", maxDepth: 0), .number(7))
        _ = parseError(Array("[]".utf8), maxDepth: 0)
    }
}

