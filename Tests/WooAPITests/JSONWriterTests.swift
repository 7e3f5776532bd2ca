import WooAPI
import TestSupport
import XCTest

final class JSONWriterTests: XCTestCase {
    private func text(_ write: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        write(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private func encoded(_ value: JSONValue) -> String { text { $0.value(value) } }

    func testCustomerExample() {
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.key("customer"); w.beginObject()
        w.key("id"); w.int(2)
        w.key("email"); w.string("a@b.c")
        w.key("last_order_id"); w.null()
        w.key("total_spent"); w.string("0.00")
        w.key("ok"); w.bool(true)
        w.endObject()
        w.endObject()
        XCTAssertEqual(
            String(decoding: w.bytes, as: UTF8.self),
            #"{"customer":{"id":2,"email":"a@b.c","last_order_id":null,"total_spent":"0.00","ok":true}}"#)
    }

    func testStringKeysAndStaticKeysMatch() {
        let name = "first_name"
        XCTAssertEqual(text { w in w.beginObject(); w.key(name); w.string("A"); w.key("x" as StaticString); w.bool(false); w.endObject() },
                       #"{"first_name":"A","x":false}"#)
    }

    func testArraysOfObjects() {
        let json = text { w in
            w.beginObject()
            w.key("customers")
            w.beginArray()
            for id in 1...3 {
                w.beginObject()
                w.key("id"); w.int(id)
                w.key("tags"); w.beginArray(); w.string("a"); w.beginArray(); w.endArray(); w.int(id); w.endArray()
                w.endObject()
            }
            w.endArray()
            w.key("count"); w.int(3)
            w.endObject()
        }
        XCTAssertEqual(json, #"{"customers":[{"id":1,"tags":["a",[],1]},{"id":2,"tags":["a",[],2]},{"id":3,"tags":["a",[],3]}],"count":3}"#)
    }

    func testEmptyContainers() {
        XCTAssertEqual(text { $0.beginObject(); $0.endObject() }, "{}")
        XCTAssertEqual(text { $0.beginArray(); $0.endArray() }, "[]")
        XCTAssertEqual(text { w in w.beginArray(); w.beginObject(); w.endObject(); w.beginArray(); w.endArray(); w.endArray() }, "[{},[]]")
        XCTAssertEqual(text { w in w.beginObject(); w.key("a"); w.beginObject(); w.endObject(); w.key("b"); w.beginArray(); w.endArray(); w.endObject() },
                       #"{"a":{},"b":[]}"#)
    }

    func testEscapingOfEverySpecialCharacter() {
        XCTAssertEqual(text { $0.string("\"") }, #""\"""#)
        XCTAssertEqual(text { $0.string("\\") }, #""\\""#)
        XCTAssertEqual(text { $0.string("\n\r\t\u{8}\u{C}") }, #""\n\r\t\b\f""#)
        XCTAssertEqual(text { $0.string("/") }, #""/""#)
        XCTAssertEqual(text { $0.string("\u{7F}") }, "\"\u{7F}\"")
        XCTAssertEqual(text { $0.string("a\u{0}b\u{1}c\u{1F}d\u{1B}e\u{B}") }, #""a\u0000b\u0001c\u001fd\u001be\u000b""#)
        XCTAssertEqual(text { $0.string("") }, #""""#)
        for byte in UInt8(0)..<0x20 {
            let expected: String
            switch byte {
            case 0x08: expected = #"\b"#
            case 0x09: expected = #"\t"#
            case 0x0A: expected = #"\n"#
            case 0x0C: expected = #"\f"#
            case 0x0D: expected = #"\r"#
            default: expected = "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
            }
            XCTAssertEqual(text { $0.string(utf8: [byte]) }, "\"\(expected)\"")
        }
    }

    func testEscapingInKeys() {
        XCTAssertEqual(text { w in w.beginObject(); w.key("a\"b\n"); w.int(1); w.endObject() }, #"{"a\"b\n":1}"#)
    }

    func testEscapesAtEveryPositionAroundTheWordSize() throws {
        for length in 1..<20 {
            for position in 0..<length {
                for special in ["\"", "\\", "\n", "\u{1}", "é"] {
                    var chars = Array(repeating: "x", count: length)
                    chars[position] = special
                    let original = chars.joined()
                    let json = text { $0.string(original) }
                    XCTAssertEqual(try JSONParser.parse(Array(json.utf8)), .string(original), json)
                }
            }
        }
    }

    func testNonASCIIPassesThrough() {
        let s = "héllo — ✓ 😀 日本 ключ"
        XCTAssertEqual(text { $0.string(s) }, "\"\(s)\"")
        XCTAssertEqual(Array(text { $0.string(s) }.utf8), [0x22] + Array(s.utf8) + [0x22])
        XCTAssertEqual(text { $0.string(utf8: s.utf8) }, "\"\(s)\"")
        XCTAssertEqual(text { $0.string(utf8: Array(s.utf8)[...]) }, "\"\(s)\"")
        XCTAssertEqual(text { $0.string(utf8: Array("a\"b".utf8).lazy.map { $0 }) }, #""a\"b""#)  // non-contiguous
    }

    func testRawSplicesOneValue() {
        let json = text { w in
            w.beginArray()
            w.raw(Array(#"{"pre":"encoded"}"#.utf8))
            w.int(1)
            w.raw(Array("[2,3]".utf8))
            w.endArray()
        }
        XCTAssertEqual(json, #"[{"pre":"encoded"},1,[2,3]]"#)
        XCTAssertEqual(text { w in w.beginObject(); w.key("a"); w.raw(Array("true".utf8)); w.key("b"); w.int(0); w.endObject() },
                       #"{"a":true,"b":0}"#)
    }

    func testIntegers() {
        XCTAssertEqual(text { w in w.beginArray(); for v in [0, 7, 10, -1, -10, 123_456_789, Int.max, Int.min] { w.int(v) }; w.endArray() },
                       "[0,7,10,-1,-10,123456789,9223372036854775807,-9223372036854775808]")
    }

    func testDoubles() {
        let json = text { w in
            w.beginArray()
            for v in [0.0, 1.0, -3.0, 0.1, -2.5, 1e20, 12_345_678_901_234_567_890.0, 1e-7, 0x1p62, -0x1p63, .nan, .infinity] {
                w.double(v)
            }
            w.endArray()
        }
        XCTAssertEqual(json, "[0,1,-3,0.1,-2.5,1e+20,1.2345678901234567e+19,1e-07,4611686018427387904,-9223372036854775808,null,null]")
        XCTAssertNoThrow(try JSONParser.parse(Array(json.utf8)))
    }

    func testValueRoundTrips() throws {
        let source = #"""
            {"id":42,"name":"Zoë \"Z\" O'Neil","ratio":0.125,"big":1.2345678901234567e+19,"neg":-17,"ok":true,"no":false,
             "none":null,"tags":["a","b\\c",[],{}],"nested":{"deep":[[[{"x":"\ud83d\ude00\n\t\u0001/"}]]]},
             "empty":"","dup":1,"dup":2}
            """#
        let value = try JSONParser.parse(Array(source.utf8))
        let written = encoded(value)
        XCTAssertEqual(try JSONParser.parse(Array(written.utf8)), value)
        XCTAssertEqual(encoded(try JSONParser.parse(Array(written.utf8))), written)  // stable
        XCTAssertTrue(written.hasPrefix(#"{"id":42,"name":"Zoë \"Z\" O'Neil","ratio":0.125,"big":1.2345678901234567e+19,"neg":-17,"#), written)
        XCTAssertTrue(written.hasSuffix(#""empty":"","dup":1,"dup":2}"#), written)
        XCTAssertTrue(written.contains(#"{"x":"😀\n\t\u0001/"}"#), written)
    }

    func testValueWritesEveryCase() {
        let value = JSONValue.array([
            .null, .bool(true), .number(3), .string("s"), .array([.number(-1.5)]),
            .object(JSONObject([(key: "k", value: .array([]))])),
        ])
        XCTAssertEqual(encoded(value), #"[null,true,3,"s",[-1.5],{"k":[]}]"#)
    }

    func testLongStringsAndKeys() throws {
        let long = String(repeating: "0123456789", count: 40)  // past the single-append size
        let json = text { w in
            w.beginArray()
            w.bool(true)
            w.string(long)
            w.beginObject(); w.key(long); w.string(long + "\n"); w.endObject()
            w.endArray()
        }
        XCTAssertEqual(json, "[true,\"\(long)\",{\"\(long)\":\"\(long)\\n\"}]")
    }

    func testScalarsInArraysGetCommas() {
        XCTAssertEqual(text { w in w.beginArray(); w.bool(true); w.bool(false); w.null(); w.string("s"); w.double(0.5); w.int(-3); w.endArray() },
                       #"[true,false,null,"s",0.5,-3]"#)
    }

    func testRandomValuesRoundTrip() throws {
        var rng = SeededRandom(seed: 42)
        let alphabet = Array("aZ09 \"\\/\n\t\u{0}\u{1F}\u{7F}é€😀日".unicodeScalars)
        func randomString() -> String {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int(rng.next() % 12) { s.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
            return String(s)
        }
        func randomValue(depth: Int) -> JSONValue {
            switch rng.next() % (depth > 4 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(rng.next() % 2 == 0)
            case 2:
                let numbers: [Double] = [0, -1, 42, 0.1, -2.5e-8, 1e300, 123_456_789_012, Double(Int64(bitPattern: rng.next()) >> 8) / 1024]
                return .number(numbers[Int(rng.next() % UInt64(numbers.count))])
            case 3: return .string(randomString())
            case 4: return .array((0..<Int(rng.next() % 5)).map { _ in randomValue(depth: depth + 1) })
            default:
                return .object(JSONObject((0..<Int(rng.next() % 5)).map { _ in (key: randomString(), value: randomValue(depth: depth + 1)) }))
            }
        }
        for _ in 0..<500 {
            let value = randomValue(depth: 0)
            var writer = JSONWriter()
            writer.value(value)
            XCTAssertEqual(try JSONParser.parse(writer.bytes), value, String(decoding: writer.bytes, as: UTF8.self))
        }
    }

    func testCommasResumeAfterNestedContainers() {
        let json = text { w in
            w.beginObject()
            w.key("a"); w.beginObject(); w.key("b"); w.beginArray(); w.int(1); w.endArray(); w.endObject()
            w.key("c"); w.int(2)
            w.endObject()
        }
        XCTAssertEqual(json, #"{"a":{"b":[1]},"c":2}"#)
    }
}
