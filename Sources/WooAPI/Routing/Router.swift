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
        let parts = route.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let lookup = method == .head ? HTTPMethod.get : method
        for candidate in routes {
            guard let captures = Self.captures(of: candidate.segments, in: parts, route: route) else { continue }
            for entry in candidate.methods where entry.methods.contains(lookup) || entry.methods.contains(method) {
                return (entry.handler, captures)
            }
        }
        return nil
    }

    private static func captures(of segments: [PathSegment], in parts: ArraySlice<Substring>, route: String) -> [String]? {
        var captures: [String] = []
        var index = parts.startIndex
        for segment in segments {
            switch segment {
            case .literal(let text):
                guard index < parts.endIndex, parts[index].count == text.count, parts[index].lowercased() == text else { return nil }
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
