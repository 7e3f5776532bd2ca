import HTTP

/// A nonce this process had not seen, to be claimed in the store (``NonceStore/claim(keyID:nonce:timestamp:now:completion:)``).
struct NonceClaim: Sendable {
    var keyID: Int64
    var nonce: String
    var timestamp: Int64
    var now: Int64
}

/// One-legged OAuth 1.0a verification (auth §3–§5), accepting three signature constructions (decisions #4):
///
/// - **the v2 store's** (auth §4), which the official SDKs use over `http://`: parameters in the query,
///   the effective method, base URI `http://<site host and path>/wc-api/v2<route>`, the bare secret as key.
///   Tried with the public URL's host, then, when the request's `Host` differs (a client that says
///   `localhost` where the public URL says `127.0.0.1`), with that host;
/// - **the official Python client's** (`woocommerce` 3.0.0, issue 9), tried only when the store's fails: the
///   store's with the client's parameter order and encoding (``OAuthSignature/pythonClientBaseString``); same
///   effective method, base URIs, bare secret and HMAC;
/// - **RFC 5849's**, which generic OAuth libraries use: parameters from an `Authorization: OAuth` header and
///   the query (and a form-encoded body), the request's own method and URL, the key `secret&`.
///
/// A request passes when any verifies. Then, once whichever verified, the timestamp must lie within ±15 minutes
/// and the nonce must be new for the key (``NonceStore``, decisions #5).
package struct OAuthVerifier: Sendable {
    /// The parameters every OAuth request needs, in the order their absence is reported (auth §3).
    package static let requiredParameters = [
        "oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method",
    ]

    let nonces: NonceStore
    /// The public URL's scheme (`http` or `https`), for RFC 5849 base URIs.
    private let siteScheme: String
    /// The public URL's `host[:port]`.
    private let siteAuthority: String
    /// The public URL's path (a subdirectory), without a trailing slash; usually empty.
    private let sitePath: String

    init(publicURL: String, nonces: NonceStore) {
        self.nonces = nonces
        var rest = Substring(publicURL)
        if let separator = rest.firstRange(of: "://") {
            siteScheme = rest[..<separator.lowerBound].lowercased()
            rest = rest[separator.upperBound...]
        } else {
            siteScheme = "http"
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        siteAuthority = String(rest[..<slash])
        var path = rest[slash...]
        while path.hasSuffix("/") { path.removeLast() }
        sitePath = String(path)
    }

    /// Whether the request asks for OAuth: an `Authorization: OAuth` header, or any `oauth_*` query parameter.
    package static func isRequested(authorization: String?, parameters: QueryParameters) -> Bool {
        if let authorization, OAuthHeader.isOAuth(authorization) { return true }
        return parameters.items.contains { $0.name.utf8.starts(with: "oauth_".utf8) }
    }

    /// Verifies the request's signature, timestamp and nonce; returns the key, or throws the real store's error.
    /// A nonce new to this process comes back as a claim the store must still win (``NonceStore``) before the
    /// request may go on; nil when there is no store to ask.
    ///
    /// `method` is the effective method (after overrides), `route` the route as resolved (decoded once).
    func verify(
        _ request: HTTPRequest, authorization: String?, parameters: QueryParameters, method: HTTPMethod,
        route: String, now: Int64, lookup: (String) throws(APIError) -> KeyEntry
    ) throws(APIError) -> (KeyEntry, NonceClaim?) {
        var header: [(name: String, value: String)] = []
        if let authorization, OAuthHeader.isOAuth(authorization) {
            guard let parsed = OAuthHeader.parameters(authorization) else {
                throw .authentication("The OAuth Authorization header is malformed.", status: 400)
            }
            header = parsed
        }
        // Each required parameter, from the header when it has it, else from the query; non-empty in PHP's
        // sense ("0" is empty).
        var values: [String] = []
        for name in Self.requiredParameters {
            let value = header.last(where: { $0.name == name })?.value ?? (try? parameters.string(name)) ?? ""
            guard !value.isEmpty, value != "0" else { throw .authentication("\(name) parameter is missing", status: 404) }
            values.append(value)
        }
        let (consumerKey, timestampText, nonce, signature, methodName) = (values[0], values[1], values[2], values[3], values[4])

        let entry = try lookup(Authenticator.normalizedKey(consumerKey))
        guard let signatureMethod = OAuthSignature.Method(rawValue: methodName) else {
            throw .authentication("Invalid signature - signature method is invalid.")
        }
        let signedInQuery = !header.contains { $0.name == "oauth_signature" }
        guard verifies(request, header: header, parameters: parameters, method: method, route: route,
                       signature: Self.presentedSignature(signature), signatureMethod: signatureMethod,
                       secret: entry.secret, tryStoreConstruction: signedInQuery) else {
            throw .authentication("Invalid signature - provided signature does not match.")
        }

        guard let timestamp = Self.numericTimestamp(timestampText),
              timestamp >= Double(now - NonceStore.window), timestamp <= Double(now + NonceStore.window) else {
            throw .authentication("Invalid timestamp.")
        }
        let seconds = Int64(timestamp.rounded(.up))
        switch nonces.use(keyID: entry.keyID, nonce: nonce, timestamp: seconds, now: now) {
        case .fresh:
            guard nonces.claimsInDatabase else { return (entry, nil) }
            return (entry, NonceClaim(keyID: entry.keyID, nonce: nonce, timestamp: seconds, now: now))
        case .replayed:
            throw Self.replayed
        }
    }

    /// The error of a nonce already used (auth §5).
    static let replayed = APIError.authentication("Invalid nonce - nonce has already been used.")

    private func verifies(
        _ request: HTTPRequest, header: [(name: String, value: String)], parameters: QueryParameters,
        method: HTTPMethod, route: String, signature: [UInt8], signatureMethod: OAuthSignature.Method,
        secret: [UInt8], tryStoreConstruction: Bool
    ) -> Bool {
        let host = request.headers["Host"]
        if tryStoreConstruction {
            var authorities = [siteAuthority]
            if let host, !host.isEmpty, host != siteAuthority { authorities.append(host) }
            let baseURIs = authorities.map { "http://" + $0 + sitePath + "/wc-api/v2" + route }
            for baseURI in baseURIs {
                guard let base = OAuthSignature.storeBaseString(method: method.rawValue, baseURI: baseURI, query: parameters)
                else { break }
                let expected = OAuthSignature.sign(base, key: secret, method: signatureMethod)
                if Crypto.constantTimeEqual(Array(expected.utf8), signature) { return true }
            }
            // Only when the store's fails: the official Python client's variant (issue 9), same method, base URIs,
            // key and HMAC. (The client signs the method it sends; with an override that is not the effective one,
            // which it fails on a real store too, and here: that is not what issue 9 is about.)
            for baseURI in baseURIs {
                guard let base = OAuthSignature.pythonClientBaseString(
                    method: method.rawValue, baseURI: baseURI, query: parameters) else { break }
                let expected = OAuthSignature.sign(base, key: secret, method: signatureMethod)
                if Crypto.constantTimeEqual(Array(expected.utf8), signature) { return true }
            }
        }
        let baseURI = OAuthSignature.rfc5849BaseURI(scheme: siteScheme, host: host ?? siteAuthority, path: request.path)
        let isForm = request.headers["Content-Type"].map {
            $0.lowercased().hasPrefix("application/x-www-form-urlencoded")
        } ?? false
        let pairs = OAuthSignature.rfc5849Parameters(query: request.query, header: header, formBody: isForm ? request.body : nil)
        let base = OAuthSignature.rfc5849BaseString(method: request.method.rawValue, baseURI: baseURI, parameters: pairs)
        let expected = OAuthSignature.sign(base, key: OAuthSignature.rfc5849Key(consumerSecret: secret), method: signatureMethod)
        return Crypto.constantTimeEqual(Array(expected.utf8), signature)
    }

    /// The signature as the store reads it (auth §4 step 11): spaces back to `+` (an unencoded `+` in a query
    /// became a space), then percent-decoded once more.
    package static func presentedSignature(_ value: String) -> [UInt8] {
        let repaired = value.utf8.map { $0 == 0x20 ? UInt8(ascii: "+") : $0 }
        return PercentDecoding.decodedBytes(repaired, plusIsSpace: false)
    }

    /// `oauth_timestamp` as a PHP 8 numeric string: optional surrounding whitespace, an optional sign, digits
    /// with an optional fraction, an optional exponent. Anything else is not a timestamp (auth §5).
    package static func numericTimestamp(_ text: String) -> Double? {
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
        var bytes = Array(text.utf8)[...]
        while let first = bytes.first, whitespace.contains(first) { bytes.removeFirst() }
        while let last = bytes.last, whitespace.contains(last) { bytes.removeLast() }
        var index = bytes.startIndex
        func digits() -> Int {
            let start = index
            while index < bytes.endIndex, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - start
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        var count = digits()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index += 1
            count += digits()
        }
        guard count > 0 else { return nil }
        if index < bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        guard index == bytes.endIndex else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }
}
