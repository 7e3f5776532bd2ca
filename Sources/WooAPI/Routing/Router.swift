import HTTP

/// A handler for one route and method set.
package typealias RouteHandler = @Sendable (RequestContext) throws(APIError) -> HandlerOutcome

/// One segment of a route pattern.
package enum PathSegment: Sendable, Equatable {
    /// Matches this text, case-insensitively (spec §1.1).
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

/// The immutable route table, matched segment by segment in registration order (spec §1.4).
package struct RouteTable: Sendable {
    package let routes: [Route]

    /// The handler and captures for `route` and `method`, or nil (the real store's `no_route`, never a 405).
    package func match(_ route: String, method: HTTPMethod) -> (RouteHandler, [String])? {
        let parts = Self.segments(route)
        let lookup = method == .head ? HTTPMethod.get : method
        for candidate in routes {
            guard let captures = Self.captures(of: candidate.segments, in: parts, route: route) else { continue }
            for entry in candidate.methods where entry.methods.contains(lookup) || entry.methods.contains(method) {
                return (entry.handler, captures)
            }
        }
        return nil
    }

    /// The route's segments after the leading `/`, split on bytes (not grapheme clusters).
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

    /// Compares a path segment with a lower-case literal without allocating (spec §1.1: routes match case-insensitively).
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
