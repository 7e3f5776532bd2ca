import HTTP

/// `GET /wc-api/v2`: the store description and route list (customers §1.7), built once at startup.
struct IndexHandler: Sendable {
    private let body: [UInt8]

    init(configuration: APIConfiguration, routes: RouteTable) {
        let base = configuration.publicURL + "/wc-api/v2"
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.key("store")
        writer.beginObject()
        writer.key("name")
        writer.string(configuration.storeName)
        writer.key("description")
        writer.string(configuration.storeDescription)
        writer.key("URL")
        writer.string(configuration.publicURL)
        writer.key("wc_version")
        writer.string("3.5.3")
        writer.key("routes")
        writer.beginObject()
        let indexRoute = Route(pattern: "/", segments: [], methods: [([.get], false, { _ throws(APIError) in .now(APIResponse(body: [])) })])
        for route in [indexRoute] + routes.routes {
            writer.key(route.pattern)
            Self.writeRoute(route, base: base, to: &writer)
        }
        writer.endObject()
        writer.key("meta")
        writer.beginObject()
        let strings: [(String, String)] = [
            ("timezone", "UTC"), ("currency", "USD"), ("currency_format", "&#36;"), ("currency_position", "left"),
            ("thousand_separator", ","), ("decimal_separator", "."),
        ]
        for (key, value) in strings {
            writer.key(key)
            writer.string(value)
        }
        writer.key("price_num_decimals")
        writer.int(2)
        writer.key("tax_included")
        writer.bool(false)
        writer.key("weight_unit")
        writer.string("kg")
        writer.key("dimension_unit")
        writer.string("cm")
        writer.key("ssl_enabled")
        writer.bool(false)
        writer.key("permalinks_enabled")
        writer.bool(true)
        writer.key("generate_password")
        writer.bool(true)
        writer.key("links")
        writer.beginObject()
        writer.key("help")
        writer.string("https://woocommerce.github.io/woocommerce-rest-api-docs/")
        writer.endObject()
        writer.endObject()
        writer.endObject()
        writer.endObject()
        body = writer.bytes
    }

    func response() -> APIResponse { APIResponse(body: body) }

    /// One route entry, keys in the order the real store first sets them: it walks HEAD, GET, POST, PUT,
    /// PATCH, DELETE and, for each, every handler of the route.
    private static func writeRoute(_ route: Route, base: String, to writer: inout JSONWriter) {
        var supports: [String] = []
        var order: [String] = []
        var acceptsData = false
        let hasPlaceholder = route.pattern.contains("<")
        for name in ["HEAD", "GET", "POST", "PUT", "PATCH", "DELETE"] {
            let method = HTTPMethod(name == "HEAD" ? "GET" : name)
            for entry in route.methods {
                if entry.methods.contains(method) {
                    supports.append(name)
                    if !order.contains("supports") { order.append("supports") }
                }
                if entry.acceptsData {
                    acceptsData = true
                    if !order.contains("accepts_data") { order.append("accepts_data") }
                }
                if !hasPlaceholder && !order.contains("meta") { order.append("meta") }
            }
        }
        writer.beginObject()
        for key in order {
            writer.key(key)
            switch key {
            case "supports":
                writer.beginArray()
                for name in supports { writer.string(name) }
                writer.endArray()
            case "accepts_data":
                writer.bool(acceptsData)
            default:
                writer.beginObject()
                writer.key("self")
                writer.string(base + (route.pattern == "/" ? "/" : route.pattern))
                writer.endObject()
            }
        }
        writer.endObject()
    }
}
