/// Writes compact JSON straight into a byte buffer, inserting commas itself; no Foundation, no intermediate tree.
///
/// Members come out in call order. Strings are escaped per RFC 8259 only: `"` `\` and control characters
/// (`\n \r \t \b \f`, others `\u00xx`); `/`, DEL and non-ASCII are written as is (decisions #20: standard JSON,
/// not PHP's `\/` and `\uXXXX`). The caller pairs `begin…`/`end…` and puts a `key` before each object member.
package struct JSONWriter: Sendable {
    /// The JSON written so far.
    package private(set) var bytes: [UInt8]
    /// Whether the next value or key follows a sibling, so needs a comma. False after `[`, `{` and a key.
    private var needsComma = false

    /// An empty writer whose buffer is pre-sized to `capacity` bytes.
    package init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Whether the next token needs a leading comma; afterwards one does (a key clears that again).
    @inline(__always) private mutating func takeComma() -> Bool {
        defer { needsComma = true }
        return needsComma
    }

    /// Opens an object (`{`) as the next value.
    package mutating func beginObject() {
        appendLiteral(takeComma() ? ",{" : "{")
        needsComma = false
    }

    /// Closes the innermost object (`}`).
    package mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Opens an array (`[`) as the next value.
    package mutating func beginArray() {
        appendLiteral(takeComma() ? ",[" : "[")
        needsComma = false
    }

    /// Closes the innermost array (`]`).
    package mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes an object member's key and `:`; the next call writes its value.
    package mutating func key(_ name: String) {
        appendString(name, comma: takeComma(), colon: true)
        needsComma = false
    }

    /// Writes a literal key and `:` (no String is created); the next call writes its value.
    package mutating func key(_ name: StaticString) {
        let comma = takeComma()
        name.withUTF8Buffer { appendQuoted($0, comma: comma, colon: true) }
        needsComma = false
    }

    /// Writes an object of three string members, e.g. `{"id":…,"name":…,"file":…}` (download files, attribute
    /// values, item meta): literal keys, no intermediate collection.
    package mutating func stringObject(_ k1: StaticString, _ v1: String, _ k2: StaticString, _ v2: String,
                                       _ k3: StaticString, _ v3: String) {
        beginObject()
        key(k1)
        string(v1)
        key(k2)
        string(v2)
        key(k3)
        string(v3)
        endObject()
    }

    /// Writes a string value.
    package mutating func string(_ value: String) {
        appendString(value, comma: takeComma(), colon: false)
    }

    /// Writes a string value from UTF-8 bytes (assumed valid; they are copied as is apart from escaping).
    package mutating func string(utf8 value: some Collection<UInt8>) {
        let comma = takeComma()
        let done: Void? = value.withContiguousStorageIfAvailable { appendQuoted($0, comma: comma, colon: false) }
        if done == nil { Array(value).withUnsafeBufferPointer { appendQuoted($0, comma: comma, colon: false) } }
    }

    /// Writes an integer, formatted without allocating.
    package mutating func int(_ value: Int) {
        appendInteger(value, comma: takeComma())
    }

    /// Writes a number: integral values in Int's range as integers (`5`), others in Swift's shortest round-trip
    /// form (`0.1`, `1.2345678901234567e+19`); NaN and infinities, which JSON cannot hold, as `null`.
    package mutating func double(_ value: Double) {
        let comma = takeComma()
        if value.isFinite, value.rounded(.towardZero) == value, value >= -0x1p63, value < 0x1p63 {
            appendInteger(Int(value), comma: comma)
        } else if value.isFinite {
            if comma { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: value.description.utf8)
        } else {
            appendLiteral(comma ? ",null" : "null")
        }
    }

    /// Writes `true` or `false`.
    package mutating func bool(_ value: Bool) {
        if takeComma() {
            appendLiteral(value ? ",true" : ",false")
        } else {
            appendLiteral(value ? "true" : "false")
        }
    }

    /// Writes `null`.
    package mutating func null() {
        appendLiteral(takeComma() ? ",null" : "null")
    }

    /// Splices already-encoded JSON in as one value (with a comma if needed); it is not checked.
    package mutating func raw(_ json: [UInt8]) {
        if takeComma() { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: json)
    }

    /// Writes any JSON value, recursively; object members in their stored order, duplicates included.
    package mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): double(number)
        case .string(let text): string(text)
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    @inline(__always) private mutating func appendLiteral(_ word: StaticString) {
        word.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `[,][-]digits` in one go (each `append` costs a uniqueness and a capacity check).
    private mutating func appendInteger(_ value: Int, comma: Bool) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { scratch in  // ",-" and UInt.max's 20 digits
            var rest = value.magnitude
            var start = 24
            repeat {
                let (quotient, digit) = rest.quotientAndRemainder(dividingBy: 10)
                start -= 1
                scratch[start] = UInt8(truncatingIfNeeded: digit) &+ 0x30
                rest = quotient
            } while rest > 0
            if value < 0 {
                start -= 1
                scratch[start] = UInt8(ascii: "-")
            }
            if comma {
                start -= 1
                scratch[start] = UInt8(ascii: ",")
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[start..<24]))
        }
    }

    private mutating func appendString(_ text: String, comma: Bool, colon: Bool) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendQuoted($0, comma: comma, colon: colon) }
        if done == nil {
            var copy = text
            copy.withUTF8 { appendQuoted($0, comma: comma, colon: colon) }
        }
    }

    /// True when none of the 8 bytes needs escaping: no control character, `"` or `\` (bytes ≥ 0x80 pass).
    @inline(__always) private static func isClean(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let control = (word &- ones &* 0x20) & ~word  // some byte < 0x20 (exact as a whole)
        let q = word ^ (ones &* 0x22), s = word ^ (ones &* 0x5C)
        let quotes = (q &- ones) & ~q  // some byte == '"'
        let slashes = (s &- ones) & ~s  // some byte == '\\'
        return (control | quotes | slashes) & 0x8080_8080_8080_8080 == 0
    }

    /// The index of the first byte at or after `index` that needs escaping, or `utf8.count`.
    @inline(__always) private static func firstEscape(in utf8: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        let count = utf8.count
        var index = index
        if let base = utf8.baseAddress {
            let raw = UnsafeRawPointer(base)
            while count - index >= 8, isClean(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { index += 8 }
        }
        while index < count {
            let byte = utf8[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return index }
            index += 1
        }
        return count
    }

    /// Appends `[,]"escaped utf8"[:]`; a short string needing no escapes goes in with a single `append`.
    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>, comma: Bool, colon: Bool) {
        let count = utf8.count
        var index = JSONWriter.firstEscape(in: utf8, from: 0)
        if index == count && count <= 256 {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 4) { scratch in
                var end = 0
                if comma {
                    scratch[0] = UInt8(ascii: ",")
                    end = 1
                }
                scratch[end] = UInt8(ascii: "\"")
                end += 1
                if let base = utf8.baseAddress, let target = scratch.baseAddress {
                    (target + end).update(from: base, count: count)
                }
                end += count
                scratch[end] = UInt8(ascii: "\"")
                end += 1
                if colon {
                    scratch[end] = UInt8(ascii: ":")
                    end += 1
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<end]))
            }
            return
        }
        if comma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        while index < count {
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            appendEscape(utf8[index])
            runStart = index + 1
            index = JSONWriter.firstEscape(in: utf8, from: runStart)
        }
        if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count])) }
        bytes.append(UInt8(ascii: "\""))
        if colon { bytes.append(UInt8(ascii: ":")) }
    }

    /// Appends the escape sequence for a control character, `"` or `\`.
    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: bytes.append(0x22)
        case 0x5C: bytes.append(0x5C)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let low = byte & 0x0F
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(0x30 &+ byte >> 4)  // 0 or 1
            bytes.append(low < 10 ? 0x30 &+ low : 0x57 &+ low)  // lowercase hex
        }
    }
}

extension JSONWriter {
    /// A JSON array as text, e.g. a list bound as one SQL parameter and read with `json_each(?)`, so the SQL text
    /// (and its cached statement) does not vary with the list's length.
    static func arrayText(_ items: [JSONValue]) -> String {
        var writer = JSONWriter(capacity: 16 * items.count + 2)
        writer.value(.array(items))
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
