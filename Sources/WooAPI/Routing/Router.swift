import HTTP

/// A handler for one route and method set.
package typealias RouteHandler = @Sendable (RequestContext) throws(APIError) -> HandlerOutcome

/// One segment of a route pattern.
package enum PathSegment: Sendable, Equatable {
    /// Matches this text, case-insensitively (customers §1.1).
    case literal(String)
    /// `<id>`: one or more ASCII digits.
    case number
    /// `<email>`: everything that is left, slashes included; must be non-empty.
    case rest
}

/// A route of the index: its display pattern, the methods it serves, and their handlers.
package struct Route: Sendable {
    package var pattern: String
    package var segments: [PathSegment]
    package var methods: [(methods: Set<HTTPMethod>, acceptsData: Bool, handler: RouteHandler)]
}

/// Builds the route table at startup, then freezes it (Hummingbird's build-then-freeze).
package struct RouterBuilder {
    private var routes: [Route] = []

    package init() {}

    /// Registers `handler` for `methods` on `pattern`, e.g. `/customers/<id>/orders`.
    package mutating func add(_ pattern: String, _ methods: Set<HTTPMethod>, acceptsData: Bool = false, _ handler: @escaping RouteHandler) {
        let segments: [PathSegment] = pattern.split(separator: "/").map { part in
            switch part {
            case "<id>", "<order_id>", "<product_id>": .number
            case "<email>": .rest
            default: .literal(part.lowercased())
            }
        }
        if let index = routes.firstIndex(where: { $0.pattern == pattern }) {
            routes[index].methods.append((methods, acceptsData, handler))
        } else {
            routes.append(Route(pattern: pattern, segments: segments, methods: [(methods, acceptsData, handler)]))
        }
    }

    /// The frozen table.
    package func build() -> RouteTable { RouteTable(routes: routes) }
}

/// The immutable route table, matched segment by segment in registration order (customers §1.4).
package struct RouteTable: Sendable {
    package let routes: [Route]
    /// Each route's segments as byte matchers, in `routes` order.
    private let matchers: [[Matcher]]

    private enum Matcher: Sendable {
        case literal([UInt8])  // lower case
        case number
        case rest
    }

    init(routes: [Route]) {
        self.routes = routes
        matchers = routes.map { route in
            route.segments.map { segment in
                switch segment {
                case .literal(let text): .literal(Array(text.utf8))
                case .number: .number
                case .rest: .rest
                }
            }
        }
    }

    /// The handler and captures for `route` and `method`, or nil (the real store's `no_route`, never a 405).
    package func match(_ route: String, method: HTTPMethod) -> (RouteHandler, [String])? {
        let lookup = method == .head ? HTTPMethod.get : method
        return route.withUTF8Buffer { bytes -> (RouteHandler, [String])? in
            let parts = Self.segments(bytes)
            for (candidate, matcher) in zip(routes, matchers) {
                guard let captures = Self.captures(of: matcher, in: parts, bytes: bytes) else { continue }
                for entry in candidate.methods where entry.methods.contains(lookup) || entry.methods.contains(method) {
                    return (entry.handler, captures)
                }
            }
            return nil
        }
    }

    /// The byte ranges of the route's segments after the first `/`-separated one (the empty one before a
    /// leading `/`), split on bytes, not grapheme clusters.
    private static func segments(_ bytes: UnsafeBufferPointer<UInt8>) -> ArraySlice<Range<Int>> {
        var parts: [Range<Int>] = []
        parts.reserveCapacity(6)
        var start = 0
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "/") {
            parts.append(start..<index)
            start = index + 1
        }
        parts.append(start..<bytes.count)
        return parts.dropFirst()
    }

    /// Compares a path segment with a lower-case literal (customers §1.1: routes match case-insensitively).
    private static func equalIgnoringASCIICase(_ segment: UnsafeBufferPointer<UInt8>, _ literal: [UInt8]) -> Bool {
        guard segment.count == literal.count else { return false }
        for index in 0..<literal.count {
            let x = segment[index]
            if (x >= 0x41 && x <= 0x5A ? x | 0x20 : x) != literal[index] { return false }
        }
        return true
    }

    private static func captures(
        of matchers: [Matcher], in parts: ArraySlice<Range<Int>>, bytes: UnsafeBufferPointer<UInt8>
    ) -> [String]? {
        var captures: [String] = []
        var index = parts.startIndex
        for matcher in matchers {
            guard index < parts.endIndex else { return nil }
            let part = UnsafeBufferPointer(rebasing: bytes[parts[index]])
            switch matcher {
            case .literal(let text):
                guard equalIgnoringASCIICase(part, text) else { return nil }
                index += 1
            case .number:
                guard !part.isEmpty, part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
                captures.append(String(decoding: part, as: UTF8.self))
                index += 1
            case .rest:
                // Everything left, slashes included.
                let rest = UnsafeBufferPointer(rebasing: bytes[parts[index].lowerBound...])
                guard !rest.isEmpty else { return nil }
                captures.append(String(decoding: rest, as: UTF8.self))
                return captures
            }
        }
        return index == parts.endIndex ? captures : nil
    }
}
