/// Why a JSON text was rejected, and the byte offset (from the start of the input) where it was noticed.
package struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, e.g. `Maximum nesting depth of 64 exceeded`.
    package var message: String
    /// The byte offset where it was noticed.
    package var offset: Int

    /// An error with `message` at byte `offset`.
    package init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// `message at byte offset`.
    package var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 parser (no Foundation): one value, full UTF-8 validation, PHP-compatible surrogate and number rules.
///
/// Nesting deeper than `maxDepth` arrays/objects is rejected before recursing, so the recursion depth is bounded by
/// `maxDepth` (keep it small: hostile input cannot overflow the stack, a 10,000-level `[[[…` fails at level `maxDepth + 1`).
/// Numbers become Doubles via the stdlib's correctly rounded conversion; out-of-range ones (`1e400`) become ±infinity
/// as PHP's do. Lone or unpaired `\u` surrogates are rejected, as are raw bytes that are not well-formed UTF-8.
package enum JSONParser {
    /// Parses exactly one JSON value, optionally surrounded by whitespace (space, tab, CR, LF).
    package static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer: buffer, maxDepth: maxDepth)
        }
    }

    /// Parses exactly one JSON value from a slice; error offsets count from the slice's start.
    package static func parse(_ bytes: ArraySlice<UInt8>, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer: buffer, maxDepth: maxDepth)
        }
    }

    /// Parses exactly one JSON value from raw memory (e.g. a connection's receive buffer).
    package static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try bytes.withMemoryRebound(to: UInt8.self) { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer: buffer, maxDepth: maxDepth)
        }
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONParseError) -> JSONValue {
        var parser = Parser(bytes: buffer, maxDepth: maxDepth)
        parser.skipWhitespace()
        guard parser.index < buffer.count else {
            throw parser.error(buffer.isEmpty ? "Empty input" : "Only whitespace")
        }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == buffer.count else { throw parser.error("Unexpected data after the JSON value") }
        return value
    }
}

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let count: Int
    let maxDepth: Int
    var index = 0
    /// Reused for strings that contain escapes (the others are built straight from the input).
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.count = bytes.count
        self.maxDepth = maxDepth
    }

    func error(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: index) }

    func error(_ message: String, at offset: Int) -> JSONParseError { JSONParseError(message: message, offset: offset) }

    @inline(__always) mutating func skipWhitespace() {
        while index < count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// `depth` is the number of arrays/objects already open around this value.
    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < count else { throw error("Unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw error("Maximum nesting depth of \(maxDepth) exceeded") }
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw error("Maximum nesting depth of \(maxDepth) exceeded") }
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: throw error("Unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let length = word.utf8CodeUnitCount
        guard length <= count - index else { throw error("Invalid literal") }
        let start = word.utf8Start
        for offset in 0..<length where bytes[index + offset] != start[offset] { throw error("Invalid literal") }
        index += length
    }

    /// At `{`; `depth` counts this object.
    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        skipWhitespace()
        var members: [(key: String, value: JSONValue)] = []
        if index < count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject(members))
        }
        while true {
            guard index < count else { throw error("Unterminated object") }
            guard bytes[index] == quote else { throw error("Expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard index < count, bytes[index] == UInt8(ascii: ":") else { throw error("Expected ':' after an object key") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append((key, value))
            skipWhitespace()
            guard index < count else { throw error("Unterminated object") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                return .object(JSONObject(members))
            default:
                throw error("Expected ',' or '}' in an object")
            }
        }
    }

    /// At `[`; `depth` counts this array.
    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        skipWhitespace()
        var items: [JSONValue] = []
        if index < count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < count else { throw error("Unterminated array") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                return .array(items)
            default:
                throw error("Expected ',' or ']' in an array")
            }
        }
    }

    @inline(__always) func isDigit(at i: Int) -> Bool { i < count && bytes[i] &- 0x30 < 10 }

    /// At `-` or a digit. `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard isDigit(at: index) else { throw error("Invalid number") }
        var mantissa: UInt64 = 0
        let digitsStart = index
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if isDigit(at: index) { throw error("Leading zeros are not allowed") }
        } else {
            while isDigit(at: index) {
                mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- 0x30)
                index += 1
            }
        }
        var isPlainInteger = index - digitsStart <= 15  // then `mantissa` is exact, and exact as a Double
        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(at: index) else { throw error("Expected a digit after the decimal point") }
            while isDigit(at: index) { index += 1 }
            isPlainInteger = false
        }
        if index < count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard isDigit(at: index) else { throw error("Expected a digit in the exponent") }
            while isDigit(at: index) { index += 1 }
            isPlainInteger = false
        }
        if isPlainInteger {
            let value = Double(mantissa)
            return negative ? -value : value
        }
        // The slice matched the grammar above, which is a subset of what `Double(_:)` accepts.
        let text = Substring(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw error("Invalid number", at: start) }
        return value
    }

    /// True when none of the 8 bytes needs a closer look: all ASCII, none a control character, `"` or `\`.
    @inline(__always) static func isPlain(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word            // some byte < 0x20 (exact as a whole)
        let q = word ^ (ones &* 0x22), s = word ^ (ones &* 0x5C)
        let quotes = (q &- ones) & ~q                            // some byte == '"'
        let slashes = (s &- ones) & ~s                           // some byte == '\\'
        return (word | control | quotes | slashes) & highs == 0
    }

    /// At the opening quote; leaves `index` after the closing one.
    mutating func parseString() throws(JSONParseError) -> String {
        let open = index
        index += 1
        var runStart = index
        var escaped = false
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while true {
            // Fast path: skip plain ASCII 8 bytes at a time, then one character at a time.
            while count - index >= 8, Parser.isPlain(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
            }
            guard index < count else { throw error("Unterminated string", at: open) }
            let byte = bytes[index]
            if byte >= 0x20 && byte < 0x80 && byte != quote && byte != backslash {
                index += 1
            } else if byte >= 0x80 {
                // Two-byte sequences (Latin, Cyrillic, …) inline; the rest checked against the full table.
                if byte >= 0xC2 && byte <= 0xDF && count - index >= 2 && bytes[index + 1] & 0xC0 == 0x80 {
                    index += 2
                } else {
                    try validateMultibyte()
                }
            } else if byte == quote {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<index])
                index += 1
                if !escaped { return String(decoding: run, as: UTF8.self) }
                scratch.append(contentsOf: run)
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == backslash {
                if !escaped {
                    escaped = true
                    scratch.removeAll(keepingCapacity: true)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                try parseEscape()
                runStart = index
            } else {
                throw error("Unescaped control character in a string")
            }
        }
    }

    /// At a backslash: appends the escaped character to `scratch`.
    mutating func parseEscape() throws(JSONParseError) {
        let start = index
        guard count - index >= 2 else { throw error("Unterminated string") }
        let byte = bytes[index + 1]
        index += 2
        switch byte {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(escapeStart: start)
            if scalar >= 0xD800 && scalar < 0xDC00 {
                guard count - index >= 2, bytes[index] == backslash, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("Unpaired UTF-16 surrogate", at: start)
                }
                index += 2
                let low = try hex4(escapeStart: index - 2)
                guard low >= 0xDC00 && low < 0xE000 else { throw error("Unpaired UTF-16 surrogate", at: start) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw error("Unpaired UTF-16 surrogate", at: start)
            }
            appendUTF8(scalar)
        default:
            throw error("Invalid escape", at: start)
        }
    }

    /// Four hex digits after `\u`.
    mutating func hex4(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        guard count - index >= 4 else { throw error("Invalid \\u escape", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("Invalid \\u escape", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Appends a scalar (never a surrogate, ≤ U+10FFFF) to `scratch` as UTF-8.
    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// At a byte ≥ 0x80: validates one UTF-8 sequence (RFC 3629 table: no overlongs, no surrogates, ≤ U+10FFFF).
    mutating func validateMultibyte() throws(JSONParseError) {
        let first = bytes[index]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw error("Invalid UTF-8")
        }
        guard count - index >= length else { throw error("Truncated UTF-8 sequence") }
        let second = bytes[index + 1]
        guard second >= lower && second <= upper else { throw error("Invalid UTF-8") }
        if length >= 3 {
            guard bytes[index + 2] & 0xC0 == 0x80 else { throw error("Invalid UTF-8") }
            if length == 4 {
                guard bytes[index + 3] & 0xC0 == 0x80 else { throw error("Invalid UTF-8") }
            }
        }
        index += length
    }
}
