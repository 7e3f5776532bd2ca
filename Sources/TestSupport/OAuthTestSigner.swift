import Foundation
import WooAPI

/// Signs requests the way clients do, written from the texts (auth §4 as the official SDKs implement it, and
/// RFC 5849) with Foundation's encoding, independently of the server's `OAuthSignature`. Only the HMAC comes
/// from the server's `Crypto` (libcrypto), which the published vectors pin. In TestSupport so the in-process suites
/// and the scale-out tests with the real binary sign the same way.
package struct OAuthTestSigner {
    package var consumerKey: String
    package var consumerSecret: String
    package var signatureMethod = "HMAC-SHA256"

    /// A signer for `consumerKey` / `consumerSecret` with `signatureMethod` (HMAC-SHA256 unless told).
    package init(consumerKey: String, consumerSecret: String, signatureMethod: String = "HMAC-SHA256") {
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.signatureMethod = signatureMethod
    }

    /// RFC 3986 unreserved characters: what PHP's `rawurlencode` and RFC 5849 §3.6 leave alone.
    package static func encode(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved)!
    }

    private func hmac(_ key: String, _ text: String) -> String {
        let digest = signatureMethod == "HMAC-SHA1"
            ? Crypto.hmacSHA1(key: Array(key.utf8), message: Array(text.utf8))
            : Crypto.hmacSHA256(key: Array(key.utf8), message: Array(text.utf8))
        return Data(digest).base64EncodedString()
    }

    /// The v2 store's way, as the official clients do it: every parameter (raw, unencoded values) plus the OAuth
    /// ones in the query; base URI `url` (`http://host:port/wc-api/v2/route`); the bare secret as key.
    /// Returns the query string to send. `omit` drops OAuth parameters; `signature` replaces the computed one.
    package func storeQuery(
        method: String, url: String, parameters: [(String, String)] = [], timestamp: String = String(Self.now),
        nonce: String = UUID().uuidString, omit: Set<String> = [], signature: String? = nil,
        extra: [(String, String)] = []
    ) -> String {
        var all = parameters + [
            ("oauth_consumer_key", consumerKey), ("oauth_timestamp", timestamp), ("oauth_nonce", nonce),
            ("oauth_signature_method", signatureMethod),
        ] + extra
        all.removeAll { omit.contains($0.0) }
        let normalized: [(name: String, value: String)] = all.map {
            (Self.encode($0.0).replacingOccurrences(of: "%", with: "%25"),
             Self.encode($0.1).replacingOccurrences(of: "%", with: "%25"))
        }
        let sorted = normalized.sorted { (a, b) -> Bool in Array(a.name.utf8).lexicographicallyPrecedes(Array(b.name.utf8)) }
        let joined = sorted.map { "\($0.name)%3D\($0.value)" }.joined(separator: "%26")
        let base = "\(method)&\(Self.encode(url))&\(joined)"
        if !omit.contains("oauth_signature") { all.append(("oauth_signature", signature ?? hmac(consumerSecret, base))) }
        return all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    /// The official Python client's way (`woocommerce` 3.0.0, `oauth.py`; issue 9), as that code reads: the store's
    /// recipe, but the parameters ordered by the name before the first `[` (keeping the order given among names
    /// sharing it), and `/` left unencoded in names and values (Python's `quote`). Values must hold no `%` (the
    /// client decodes them again first). Returns the query the client sends: the parameters, the OAuth ones and
    /// the signature, then the parameters once more (`requests` appends `params` to the signed URL).
    package func pythonClientQuery(
        method: String, url: String, parameters: [(String, String)], timestamp: String = String(Self.now),
        nonce: String = UUID().uuidString
    ) -> String {
        let oauth = [
            ("oauth_consumer_key", consumerKey), ("oauth_timestamp", timestamp), ("oauth_nonce", nonce),
            ("oauth_signature_method", signatureMethod),
        ]
        let all = parameters + oauth
        func base(_ name: String) -> String { String(name.prefix { $0 != "[" }) }
        let bases = Set(all.map { base($0.0) }).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let ordered = bases.flatMap { b in all.filter { base($0.0) == b } }
        let slashKept = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        func normalized(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: slashKept)!.replacingOccurrences(of: "%", with: "%25")
        }
        let joined = ordered.map { "\(normalized($0.0))%3D\(normalized($0.1))" }.joined(separator: "%26")
        let signature = hmac(consumerSecret, "\(method)&\(Self.encode(url))&\(joined)")
        let sent = parameters + oauth + [("oauth_signature", signature)] + parameters
        return sent.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    /// RFC 5849 with the OAuth parameters in an `Authorization` header: base URI `url` as requested, the query
    /// `query` (raw values) signed too, key `secret&`. Returns the header value.
    package func rfcHeader(
        method: String, url: String, query: [(String, String)] = [], timestamp: Int64 = Self.now,
        nonce: String = UUID().uuidString, realm: String? = "Example"
    ) -> String {
        let oauth = [
            ("oauth_consumer_key", consumerKey), ("oauth_nonce", nonce), ("oauth_signature_method", signatureMethod),
            ("oauth_timestamp", String(timestamp)), ("oauth_version", "1.0"),
        ]
        let signature = rfcSignature(method: method, url: url, parameters: query + oauth)
        var fields = realm.map { ["realm=\"\($0)\""] } ?? []
        fields += (oauth + [("oauth_signature", signature)]).map { "\($0.0)=\"\(Self.encode($0.1))\"" }
        return "OAuth " + fields.joined(separator: ", ")
    }

    /// RFC 5849 §3.4 signature of `parameters` (raw names and values, OAuth ones included).
    package func rfcSignature(method: String, url: String, parameters: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = parameters.map { (Self.encode($0.0), Self.encode($0.1)) }
        let sorted = encoded.sorted { (a, b) -> Bool in a.name == b.name ? a.value < b.value : a.name < b.name }
        let normalized = sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        let base = "\(method)&\(Self.encode(url))&\(Self.encode(normalized))"
        return hmac(Self.encode(consumerSecret) + "&", base)
    }

    /// The current Unix time.
    package static var now: Int64 { Int64(Date().timeIntervalSince1970) }
}
