import HTTP
import WooAPI

// Routines as they were before the byte-level rewrites, copied as oracles (renamed, otherwise verbatim):
// - base64 and Basic credentials: git show 5b899b0^:Sources/WooAPI/Crypto/Crypto.swift, …/Auth/Authenticator.swift
// - percent-decoding, query parsing, route matching, the `/wc-api/v…` branch of resolveRoute:
//   git show 5b899b0^:Sources/WooAPI/Routing/{PercentDecoding,QueryParameters,Router}.swift, …/App.swift
// - pagination headers: git show 9e3a2e7^:Sources/WooAPI/Routing/Pagination.swift
// Like the originals, this file does not import Foundation, so string methods resolve to the standard library's.

enum ReferenceCrypto {
    static func base64Decode(_ text: some StringProtocol) -> [UInt8]? {
        base64Decode(Array(text.utf8)[...])
    }

    static func base64Decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - 48 + 52)
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }
}

enum ReferenceAuthenticator {
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header else { return nil }
        let bytes = Array(header.utf8)
        guard bytes.count > 6, zip(bytes, "basic ".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        var end = bytes.count
        while end > 6, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        var start = 6
        while start < end, bytes[start] == 0x20 { start += 1 }
        guard let decoded = ReferenceCrypto.base64Decode(bytes[start..<end]) else { return nil }
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
            return String(validating: decoded, as: UTF8.self).map { ($0, "") }
        }
        guard let user = String(validating: decoded[..<colon], as: UTF8.self),
              let password = String(validating: decoded[(colon + 1)...], as: UTF8.self) else { return nil }
        return (user, password)
    }
}

enum ReferencePercentDecoding {
    static func decode(_ text: some StringProtocol, plusIsSpace: Bool) -> String? {
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 == 0x25 || ($0 == 0x2B && plusIsSpace) }) { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == 0x25 {
                let first = utf8.index(after: index)
                if first != utf8.endIndex {
                    let second = utf8.index(after: first)
                    if second != utf8.endIndex, let high = hexValue(utf8[first]), let low = hexValue(utf8[second]) {
                        out.append(high << 4 | low)
                        index = utf8.index(after: second)
                        continue
                    }
                }
                out.append(byte)
            } else if byte == 0x2B && plusIsSpace {
                out.append(0x20)
            } else {
                out.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(validating: out, as: UTF8.self)
    }

    static func encode(_ text: some StringProtocol, keeping extra: String = "") -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        let keep = Array(extra.utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            if isUnreserved(byte) || keep.contains(byte) {
                out.append(byte)
            } else {
                out += [0x25, digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

struct ReferenceQueryParameters {
    typealias Value = QueryParameters.Value

    private(set) var items: [(name: String, value: Value)] = []
    private(set) var rawPairs: [(name: String, value: String?)] = []

    init(parsing query: String?) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: "=")
            let rawName = equals.map { pair[..<$0] } ?? pair
            let rawValue = equals.map { pair[pair.index(after: $0)...] }
            rawPairs.append((String(rawName), rawValue.map(String.init)))
            guard let name = ReferencePercentDecoding.decode(rawName, plusIsSpace: true),
                  let value = ReferencePercentDecoding.decode(rawValue ?? "", plusIsSpace: true) else {
                throw APIError.invalidParameter("Query parameters must be valid UTF-8.")
            }
            if name.isEmpty { continue }
            add(name: name, value: value)
        }
    }

    private mutating func add(name: String, value: String) {
        let utf8 = name.utf8
        guard let open = utf8.firstIndex(of: UInt8(ascii: "[")), open != utf8.startIndex,
              let close = utf8[open...].firstIndex(of: UInt8(ascii: "]")) else {
            set(phpName(name), .string(value))
            return
        }
        let base = phpName(String(name[..<open]))
        let key = String(name[name.index(after: open)..<close])
        let nested = name[name.index(after: close)...].hasPrefix("[")
        var members: [(key: String, value: String)] = []
        var wasNested = false
        if let existing = items.first(where: { $0.name == base })?.value, case .array(let current, let n) = existing {
            members = current
            wasNested = n
        }
        if key.isEmpty {
            members.append((String(members.count), value))
        } else if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
        set(base, .array(members, nested: wasNested || nested))
    }

    private mutating func set(_ name: String, _ value: Value) {
        if let index = items.firstIndex(where: { $0.name == name }) {
            items[index].value = value
        } else {
            items.append((name, value))
        }
    }

    private func phpName(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 == 0x2E || $0 == 0x20 }) else { return name }
        return String(decoding: name.utf8.map { $0 == 0x2E || $0 == 0x20 ? 0x5F : $0 }, as: UTF8.self)
    }
}

/// The old `Pagination.links()` and `headers(baseURL:path:query:)` over the same three figures.
struct ReferencePagination {
    var total: Int
    var totalPages: Int
    var page: Int

    func links() -> [(rel: String, page: Int)] {
        var links: [(String, Int)] = []
        if page > 1 && totalPages >= 1 {
            links.append(("first", 1))
            if page - 1 <= totalPages { links.append(("prev", page - 1)) }
        }
        if page + 1 <= totalPages { links.append(("next", page + 1)) }
        if totalPages >= 1 && page != totalPages { links.append(("last", totalPages)) }
        return links
    }

    func headers(baseURL: String, path: String, rawPairs: [(name: String, value: String?)]) -> [(String, String)] {
        var result: [(String, String)] = []
        let links = links()
        if !links.isEmpty {
            var prefix = "<" + baseURL + path + "?"
            for pair in rawPairs {
                let name = ReferencePercentDecoding.decode(pair.name, plusIsSpace: true) ?? ""
                if Self.isDropped(name) { continue }
                prefix += Self.reencoded(pair.name, decoded: name)
                if let value = pair.value {
                    prefix += "=" + Self.reencoded(value, decoded: nil)
                }
                prefix += "&"
            }
            prefix += "page="
            for link in links {
                result.append(("Link", prefix + String(link.page) + ">; rel=\"" + link.rel + "\""))
            }
        }
        result.append(("X-WC-Total", String(total)))
        result.append(("X-WC-TotalPages", String(totalPages)))
        return result
    }

    static func reencoded(_ raw: String, decoded: String?) -> String {
        if isCanonical(raw) { return raw }
        return ReferencePercentDecoding.encode(decoded ?? ReferencePercentDecoding.decode(raw, plusIsSpace: true) ?? "")
    }

    private static func isCanonical(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if ReferencePercentDecoding.isUnreserved(byte) { continue }
            guard byte == UInt8(ascii: "%"), let high = utf8.next(), let low = utf8.next(),
                  let h = upperHex(high), let l = upperHex(low), !ReferencePercentDecoding.isUnreserved(h << 4 | l) else { return false }
        }
        return true
    }

    private static func upperHex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func isDropped(_ name: String) -> Bool {
        let lower = name.utf8.allSatisfy({ $0 < 0x80 }) ? name.lowercased() : name
        return lower == "page" || lower == "consumer_key" || lower == "consumer_secret" || lower.hasPrefix("oauth_")
    }
}

/// The old `RouteTable.match` over a list of routes; returns which route and which method entry matched (indices into
/// `routes` and its `methods`) instead of the handler, so two matchers can be compared.
enum ReferenceRouteMatcher {
    static func match(_ routes: [Route], _ route: String, method: HTTPMethod) -> (route: Int, entry: Int, captures: [String])? {
        let parts = segments(route)
        let lookup = method == .head ? HTTPMethod.get : method
        for (routeIndex, candidate) in routes.enumerated() {
            guard let captures = captures(of: candidate.segments, in: parts, route: route) else { continue }
            for (entryIndex, entry) in candidate.methods.enumerated()
            where entry.methods.contains(lookup) || entry.methods.contains(method) {
                return (routeIndex, entryIndex, captures)
            }
        }
        return nil
    }

    private static func segments(_ route: String) -> ArraySlice<Substring> {
        var parts: [Substring] = []
        let utf8 = route.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                parts.append(Substring(utf8[start..<index]))
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        parts.append(Substring(utf8[start..<index]))
        return parts.dropFirst()
    }

    private static func equalIgnoringASCIICase(_ segment: Substring, _ literal: String) -> Bool {
        let a = segment.utf8, b = literal.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in (x >= 0x41 && x <= 0x5A ? x | 0x20 : x) == y }
    }

    private static func captures(of segments: [PathSegment], in parts: ArraySlice<Substring>, route: String) -> [String]? {
        var captures: [String] = []
        var index = parts.startIndex
        for segment in segments {
            switch segment {
            case .literal(let text):
                guard index < parts.endIndex, Self.equalIgnoringASCIICase(parts[index], text) else { return nil }
                index += 1
            case .number:
                guard index < parts.endIndex, !parts[index].isEmpty, parts[index].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    return nil
                }
                captures.append(String(parts[index]))
                index += 1
            case .rest:
                guard index < parts.endIndex else { return nil }
                let rest = parts[index...].joined(separator: "/")
                guard !rest.isEmpty else { return nil }
                captures.append(rest)
                return captures
            }
        }
        return index == parts.endIndex ? captures : nil
    }
}

/// The old `/wc-api/v…` branch of `APIApplication.resolveRoute` (before `plainV2Route` was put in front of it).
enum ReferenceRouteResolver {
    enum Outcome: Equatable {
        /// Not a `/wc-api/v1…3` path: the route would come from the query, if at all.
        case none
        /// The version digit and the decoded route.
        case route(version: Int, route: String)
        /// The rest did not decode to UTF-8: `no_route`.
        case noRoute
    }

    static func resolve(path: String) -> Outcome {
        guard path.hasPrefix("/wc-api/v") else { return .none }
        var trimmed = Substring(path)
        while trimmed.hasPrefix("/") { trimmed.removeFirst() }
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        let afterV = trimmed.dropFirst("wc-api/v".count)
        guard let digit = afterV.first, let number = digit.wholeNumberValue, (1...3).contains(number) else { return .none }
        let rest = afterV.dropFirst()
        guard let decoded = ReferencePercentDecoding.decode(rest, plusIsSpace: false) else { return .noRoute }
        return .route(version: number, route: decoded.isEmpty ? "/" : decoded)
    }
}
