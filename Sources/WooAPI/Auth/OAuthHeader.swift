/// The `Authorization: OAuth …` header of RFC 5849 §3.5.1: `OAuth realm="x", oauth_consumer_key="ck_…", …`.
///
/// The real v2 store never reads it (auth §3); we do, so generic OAuth 1.0a libraries work (decisions #4).
package enum OAuthHeader {
    /// Whether `value` uses the `OAuth` scheme (case-insensitive), e.g. `OAuth oauth_nonce="…"`.
    package static func isOAuth(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard utf8.count >= 5, zip(utf8, "oauth".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return false }
        let rest = utf8.dropFirst(5)
        return rest.isEmpty || rest.first == 0x20 || rest.first == 0x09
    }

    /// The header's parameters, names and values percent-decoded, `realm` left out (RFC 5849 §3.4.1.3.1).
    /// Nil when the header is malformed: a parameter without `=`, an unterminated quote, text that does not
    /// decode to UTF-8, or garbage between parameters.
    package static func parameters(_ value: String) -> [(name: String, value: String)]? {
        let bytes = Array(value.utf8)
        var index = 5  // after "OAuth"
        var result: [(name: String, value: String)] = []
        func skip(_ set: (UInt8) -> Bool) { while index < bytes.count, set(bytes[index]) { index += 1 } }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        while true {
            skip { isSpace($0) || $0 == UInt8(ascii: ",") }
            if index == bytes.count { return result }
            let nameStart = index
            skip { !isSpace($0) && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: ",") }
            let name = bytes[nameStart..<index]
            skip(isSpace)
            guard !name.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return nil }
            index += 1
            skip(isSpace)
            var raw: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if byte == UInt8(ascii: "\"") { closed = true; break }
                    if byte == UInt8(ascii: "\\"), index < bytes.count {  // RFC 9110 quoted-pair
                        raw.append(bytes[index])
                        index += 1
                    } else {
                        raw.append(byte)
                    }
                }
                guard closed else { return nil }
            } else {
                let valueStart = index
                skip { !isSpace($0) && $0 != UInt8(ascii: ",") }
                raw = Array(bytes[valueStart..<index])
            }
            skip(isSpace)
            guard index == bytes.count || bytes[index] == UInt8(ascii: ",") else { return nil }
            guard let decodedName = PercentDecoding.decode(String(decoding: name, as: UTF8.self), plusIsSpace: false),
                  let decodedValue = PercentDecoding.decode(String(decoding: raw, as: UTF8.self), plusIsSpace: false),
                  String(validating: name, as: UTF8.self) != nil, String(validating: raw, as: UTF8.self) != nil
            else { return nil }
            if decodedName != "realm" { result.append((decodedName, decodedValue)) }
        }
    }
}
