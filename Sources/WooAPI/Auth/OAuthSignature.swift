/// OAuth 1.0a signature base strings and signatures, in the constructions we accept (decisions #4): the v2
/// store's (auth §4), the official Python client's variant of it (issue 9) and RFC 5849 §3.4's. Pure
/// functions over bytes; the HMACs come from libcrypto.
package enum OAuthSignature {
    /// The `oauth_signature_method` values we verify; anything else (`PLAINTEXT`, `RSA-SHA1`, other case) is refused.
    package enum Method: String, Sendable {
        case hmacSHA1 = "HMAC-SHA1"
        case hmacSHA256 = "HMAC-SHA256"
    }

    /// Base64 of the HMAC of `baseString` under `key`.
    package static func sign(_ baseString: [UInt8], key: [UInt8], method: Method) -> String {
        switch method {
        case .hmacSHA1: Crypto.base64(Crypto.hmacSHA1(key: key, message: baseString))
        case .hmacSHA256: Crypto.base64(Crypto.hmacSHA256(key: key, message: baseString))
        }
    }

    // MARK: The v2 store's construction (auth §4)

    /// The v2 store's string to sign: `METHOD&<encoded base URI>&<joined parameters>`, where `baseURI` is
    /// `http://<site host and path>/wc-api/v2<route>` and the parameters are the query as parsed (decoded once),
    /// without `oauth_signature`, with `filter[…]` flattened, each name and value decoded again, re-encoded
    /// (RFC 3986) with `%` doubled, deduplicated by name (last wins) and sorted by name.
    ///
    /// Nil when the real store could not sign the query at all (an array other than `filter`, or a nested
    /// `filter`: PHP 8 dies on them), so only another construction can verify such a request.
    /// We sign values without WordPress's magic-quote backslashes (decisions #25): what clients compute.
    package static func storeBaseString(method: String, baseURI: String, query: QueryParameters) -> [UInt8]? {
        var names: [[UInt8]] = []
        var values: [[UInt8]] = []
        var positions: [[UInt8]: Int] = [:]
        func add(_ name: some StringProtocol, _ value: String) {
            let normalizedName = storeNormalized(name.utf8)
            let normalizedValue = storeNormalized(value.utf8)
            // PHP's array keeps the first position of a key and the last value given to it.
            if let index = positions[normalizedName] {
                values[index] = normalizedValue
            } else {
                positions[normalizedName] = names.count
                names.append(normalizedName)
                values.append(normalizedValue)
            }
        }
        var filters: [(key: String, value: String)] = []
        for (name, value) in query.items where name != "oauth_signature" {
            switch value {
            case .string(let text):
                if name != "filter" { add(name, text) }  // a scalar `filter` is dropped (PHP: foreach warning)
            case .array(let members, let nested):
                guard name == "filter", !nested else { return nil }
                filters = members
            }
        }
        for (key, value) in filters { add("filter[" + key + "]", value) }

        let order = names.indices.sorted { names[$0].lexicographicallyPrecedes(names[$1]) }
        return joined(method: method, baseURI: baseURI, encodedPairs: order.map { (names[$0], values[$0]) })
    }

    // MARK: The official Python client's construction (`woocommerce` 3.0.0, issue 9)

    /// What the official Python client (`woocommerce` 3.0.0, `oauth.py`) signs over plain HTTP: the store's string
    /// with two differences the store never forgave (wc-api-python #3, #8, #13):
    ///
    /// - order: its `sorted_params` sorts by the name up to the first `[` (byte order) and keeps the order sent among
    ///   names sharing it, so `filter[q]` sent before `filter[limit]` stays first;
    /// - encoding: its `normalize_parameters` is Python's `quote(unquote(text))` with every `%` then doubled, and
    ///   `quote` leaves `/` unencoded (`unquote` also turns bytes that are not UTF-8 into U+FFFD).
    ///
    /// The parameters are the store's: the query as parsed (last value wins), without `oauth_signature`, `filter[…]`
    /// flattened, nil when the store could not sign them, except that a scalar `filter` is signed like any scalar
    /// (the client signs what it sends). The method and base URI are the store's.
    package static func pythonClientBaseString(method: String, baseURI: String, query: QueryParameters) -> [UInt8]? {
        var parameters: [(base: [UInt8], name: [UInt8], value: [UInt8])] = []
        for (name, value) in query.items where name != "oauth_signature" {
            switch value {
            case .string(let text):
                let bytes = Array(name.utf8)
                let base = bytes.firstIndex(of: UInt8(ascii: "[")).map { Array(bytes[..<$0]) } ?? bytes
                parameters.append((base, pythonClientNormalized(bytes), pythonClientNormalized(text.utf8)))
            case .array(let members, let nested):
                guard name == "filter", !nested else { return nil }
                for (key, value) in members {
                    parameters.append((Array(name.utf8), pythonClientNormalized(("filter[" + key + "]").utf8),
                                       pythonClientNormalized(value.utf8)))
                }
            }
        }
        // A stable sort by base name: positions break ties.
        let order = parameters.indices.sorted { a, b in
            let (x, y) = (parameters[a].base, parameters[b].base)
            return x == y ? a < b : x.lexicographicallyPrecedes(y)
        }
        let pairs = order.map { (name: parameters[$0].name, value: parameters[$0].value) }
        return joined(method: method, baseURI: baseURI, encodedPairs: pairs)
    }

    /// Python's `quote(unquote(text))` (`/` kept, upper-case hex) with every `%` then replaced by `%25`.
    package static func pythonClientNormalized(_ text: some Collection<UInt8>) -> [UInt8] {
        // `unquote` decodes as UTF-8 with errors="replace"; Swift's repair makes the same U+FFFD substitutions.
        let decoded = Array(String(decoding: PercentDecoding.decodedBytes(text, plusIsSpace: false), as: UTF8.self).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(decoded.count)
        for (position, segment) in decoded.split(separator: slash, omittingEmptySubsequences: false).enumerated() {
            if position > 0 { out.append(slash) }
            PercentDecoding.appendEncoded(segment, escape: doubledPercent, to: &out)
        }
        return out
    }

    /// `METHOD&<encoded base URI>&` then the already encoded pairs as `name%3Dvalue`, joined with `%26`.
    private static func joined(method: String, baseURI: String, encodedPairs: [(name: [UInt8], value: [UInt8])]) -> [UInt8] {
        var out = Array(method.uppercased().utf8)
        out.append(UInt8(ascii: "&"))
        PercentDecoding.appendEncoded(baseURI.utf8, to: &out)
        out.append(UInt8(ascii: "&"))
        for (position, pair) in encodedPairs.enumerated() {
            if position > 0 { out += encodedAmpersand }
            out += pair.name
            out += encodedEquals
            out += pair.value
        }
        return out
    }

    /// `rawurlencode(rawurldecode(text))` with every `%` then replaced by `%25`.
    static func storeNormalized(_ text: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        PercentDecoding.appendEncoded(PercentDecoding.decodedBytes(text, plusIsSpace: false), escape: doubledPercent, to: &out)
        return out
    }

    // MARK: RFC 5849

    /// RFC 5849 §3.4.1.2: `scheme://host[:port]path`, scheme and host lower-cased, the scheme's default port left out.
    package static func rfc5849BaseURI(scheme: String, host: String, path: String) -> String {
        let scheme = scheme.lowercased()
        var host = Substring(host.lowercased())
        if scheme == "http" && host.hasSuffix(":80") {
            host = host.dropLast(3)
        } else if scheme == "https" && host.hasSuffix(":443") {
            host = host.dropLast(4)
        }
        return scheme + "://" + host + (path.isEmpty ? "/" : path)
    }

    /// RFC 5849 §3.4.1.3.1: the query (form-decoded), the `Authorization: OAuth` parameters (already decoded),
    /// and a form-encoded body when `formBody` is given; `oauth_signature` excluded.
    package static func rfc5849Parameters(
        query: String?, header: [(name: String, value: String)], formBody: [UInt8]?
    ) -> [(name: [UInt8], value: [UInt8])] {
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        func addForm(_ text: some Collection<UInt8>) {
            for pair in text.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
                let equals = pair.firstIndex(of: UInt8(ascii: "="))
                let name = PercentDecoding.decodedBytes(equals.map { pair[..<$0] } ?? pair, plusIsSpace: true)
                let value = equals.map { PercentDecoding.decodedBytes(pair[pair.index(after: $0)...], plusIsSpace: true) } ?? []
                pairs.append((name, value))
            }
        }
        if let query { addForm(query.utf8) }
        for (name, value) in header { pairs.append((Array(name.utf8), Array(value.utf8))) }
        if let formBody { addForm(formBody) }
        return pairs.filter { $0.name != signatureName }
    }

    /// RFC 5849 §3.4.1: `METHOD&<encoded base URI>&<encoded normalized parameters>`; parameters are encoded,
    /// sorted by name then value, joined as `name=value` with `&`, and the whole encoded once more.
    package static func rfc5849BaseString(
        method: String, baseURI: String, parameters: [(name: [UInt8], value: [UInt8])]
    ) -> [UInt8] {
        // Encoding twice is the same as escaping with `%25` once; the order of the doubly encoded strings is the
        // order of the singly encoded ones, since the first difference stays the first difference.
        var encoded = parameters.map { pair -> (name: [UInt8], value: [UInt8]) in
            var name: [UInt8] = [], value: [UInt8] = []
            PercentDecoding.appendEncoded(pair.name, escape: doubledPercent, to: &name)
            PercentDecoding.appendEncoded(pair.value, escape: doubledPercent, to: &value)
            return (name, value)
        }
        encoded.sort { a, b in
            a.name == b.name ? a.value.lexicographicallyPrecedes(b.value) : a.name.lexicographicallyPrecedes(b.name)
        }
        return joined(method: method, baseURI: baseURI, encodedPairs: encoded)
    }

    /// RFC 5849 §3.4.2: the HMAC key is `encode(consumer secret)&encode(token secret)`.
    package static func rfc5849Key(consumerSecret: [UInt8], tokenSecret: [UInt8] = []) -> [UInt8] {
        var key: [UInt8] = []
        PercentDecoding.appendEncoded(consumerSecret, to: &key)
        key.append(UInt8(ascii: "&"))
        PercentDecoding.appendEncoded(tokenSecret, to: &key)
        return key
    }

    // MARK: Bytes

    private static let signatureName = Array("oauth_signature".utf8)
    private static let slash = UInt8(ascii: "/")
    private static let doubledPercent = Array("%25".utf8)
    private static let encodedEquals = Array("%3D".utf8)
    private static let encodedAmpersand = Array("%26".utf8)
}
