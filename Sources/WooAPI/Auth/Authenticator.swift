import HTTP
import SQLite
import Storage
import Synchronization

/// A key's permissions (auth §6).
package enum KeyPermissions: String, Sendable, CaseIterable {
    case read, write, readWrite = "read_write"

    var canRead: Bool { self != .write }
    var canWrite: Bool { self != .read }
}

/// The caller, once authenticated: the key and the WordPress role of its user.
package struct Caller: Sendable, Equatable {
    package var keyID: Int64
    package var userID: Int64
    package var role: String
    package var permissions: KeyPermissions

    /// Administrators and shop managers hold every product and `shop_order` capability of a default store
    /// (`read_private_…`, `publish_…`, `edit_…`, `delete_…`); other roles none.
    package var managesShop: Bool { role == "administrator" || role == "shop_manager" }

    /// WordPress capabilities of the roles a store has by default (auth §7).
    package func can(_ capability: Capability) -> Bool {
        switch role {
        case "administrator": true
        case "shop_manager": capability == .listUsers || capability == .editUsers
        default: false
        }
    }
}

/// The capabilities the customers endpoints check.
package enum Capability: Sendable {
    case listUsers, createUsers, editUsers, deleteUsers
}

/// The outcome of ``Authenticator/authenticate(_:parameters:method:route:)``.
package enum Authentication: Sendable {
    /// Authenticated.
    case caller(Caller)
    /// Authenticated but for the OAuth nonce, which the store must claim first (``Authenticator/complete(_:completion:)``).
    case pending(PendingCaller)
}

/// An OAuth caller whose signature and timestamp verified, waiting for its nonce claim.
package struct PendingCaller: Sendable {
    let entry: KeyEntry
    let claim: NonceClaim
    let method: HTTPMethod
}

/// A stored key as authentication needs it.
struct KeyEntry: Sendable {
    var keyID: Int64
    var userID: Int64
    var role: String?
    var permissions: KeyPermissions
    var secret: [UInt8]
    var expires: Instant
}

/// Authentication of every request but the index (docs/v2-auth.md, auth §8): consumer key/secret over Basic auth or the
/// query string (auth §2), or one-legged OAuth 1.0a (auth §3–§5, ``OAuthVerifier``).
///
/// **Mode.** The real store picks by transport (auth §1): over TLS it reads Basic or `consumer_key`/
/// `consumer_secret` and ignores OAuth; over plain HTTP it verifies OAuth and ignores the others. We serve
/// plain HTTP and keep both working on the same port, choosing by what the request carries:
/// 1. an `Authorization: OAuth …` header, or any `oauth_*` query parameter → OAuth, exactly as a plain-HTTP
///    store (Basic credentials or `consumer_*` parameters sent alongside are ignored, as it ignores them);
/// 2. otherwise Basic, then `consumer_key`/`consumer_secret`, as a TLS store — also when nothing is sent, so a
///    bare request gets the TLS store's 404 "Consumer key is missing." (a plain-HTTP store would say
///    "oauth_consumer_key parameter is missing"; both are the same 404 authentication error).
/// So every request a real store would accept, on either transport, is accepted here the same way.
///
/// Keys are looked up by the HMAC-SHA256 of the consumer key and kept for a second in memory, so a busy client
/// costs one HMAC and one dictionary lookup per request; a key revoked by another process stops working within
/// that second. `last_access` is written at most once a minute per key, on the writer thread (decisions #31).
package final class Authenticator: Sendable {
    private let store: Store
    private let cache = Mutex<[String: KeyEntry]>([:])
    private let lastAccessWritten = Mutex<[Int64: Int64]>([:])
    private let cacheLifetime: Duration
    private let clock: @Sendable () -> Int64
    private let oauth: OAuthVerifier

    /// `publicURL` is the site URL OAuth base URIs start from; `nonceCapacity` bounds the OAuth nonce store.
    package init(
        store: Store, publicURL: String, nonceCapacity: Int = NonceStore.defaultCapacity,
        cacheLifetime: Duration = .seconds(1), clock: @escaping @Sendable () -> Int64
    ) {
        self.store = store
        self.cacheLifetime = cacheLifetime
        self.clock = clock
        oauth = OAuthVerifier(
            publicURL: publicURL, nonces: NonceStore(store: store, capacity: nonceCapacity, now: clock()))
    }

    /// The OAuth nonces seen (for tests and diagnostics).
    package var nonces: NonceStore { oauth.nonces }

    /// The stored form of a consumer key: lowercase hex HMAC-SHA256 keyed with `wc-api` (`wc_api_hash`).
    package static func hashKey(_ consumerKey: String) -> String {
        Crypto.hex(Crypto.hmacSHA256(key: Array("wc-api".utf8), message: Array(consumerKey.utf8)))
    }

    /// Authenticates `request` for `method` (the effective method) on `route` (as resolved, for OAuth base
    /// URIs), or throws the real store's error. An OAuth request whose nonce this process had not seen comes
    /// back pending: ``complete(_:completion:)`` claims the nonce in the store and then decides.
    package func authenticate(
        _ request: HTTPRequest, parameters: QueryParameters, method: HTTPMethod, route: String
    ) throws(APIError) -> Authentication {
        let authorization = request.headers["Authorization"]
        guard OAuthVerifier.isRequested(authorization: authorization, parameters: parameters) else {
            return .caller(try admit(verifySecret(authorization: authorization, parameters: parameters), for: method))
        }
        let (entry, claim) = try oauth.verify(
            request, authorization: authorization, parameters: parameters, method: method, route: route,
            now: clock()) { key throws(APIError) in try lookup(key) }
        guard let claim else { return .caller(try admit(entry, for: method)) }
        return .pending(PendingCaller(entry: entry, claim: claim, method: method))
    }

    /// Claims a pending caller's nonce in the store, then admits it: `completion` (on the store's writer thread)
    /// gets the caller, the replay error when another request (on any server over this store) used the nonce
    /// first, or a 503 when the claim could not be written.
    package func complete(
        _ pending: PendingCaller, completion: @escaping @Sendable (Result<Caller, APIError>) -> Void
    ) {
        let claim = pending.claim
        oauth.nonces.claim(keyID: claim.keyID, nonce: claim.nonce, timestamp: claim.timestamp, now: claim.now) {
            [self] result in
            switch result {
            case .success(true):
                do throws(APIError) {
                    completion(.success(try admit(pending.entry, for: pending.method)))
                } catch {
                    completion(.failure(error))
                }
            case .success(false): completion(.failure(OAuthVerifier.replayed))
            case .failure: completion(.failure(.databaseUnavailable))
            }
        }
    }

    /// The checks after the credentials (auth §6, §7): the key's permissions for `method` and its user's role.
    private func admit(_ entry: KeyEntry, for method: HTTPMethod) throws(APIError) -> Caller {
        switch method {
        case .get, .head:
            guard entry.permissions.canRead else {
                throw .authentication("The API key provided does not have read permissions.")
            }
        case .post, .put, .patch, .delete:
            guard entry.permissions.canWrite else {
                throw .authentication("The API key provided does not have write permissions.")
            }
        default:
            break  // dispatch answers 400 unsupported method
        }
        guard let role = entry.role else { throw .authentication("API user is invalid") }
        recordAccess(keyID: entry.keyID)
        return Caller(keyID: entry.keyID, userID: entry.userID, role: role, permissions: entry.permissions)
    }

    /// Basic credentials or `consumer_key`/`consumer_secret` (auth §2).
    private func verifySecret(authorization: String?, parameters: QueryParameters) throws(APIError) -> KeyEntry {
        if let (key, secret) = Self.plainBasicCredentials(authorization) {
            // The common case without building strings: a key as issued, and the secret's bytes.
            let entry = try lookup(key)
            guard Crypto.constantTimeEqual(entry.secret, secret) else {
                throw .authentication("Consumer secret is invalid.")
            }
            return entry
        }
        var key = ""
        var secret = ""
        if let (user, password) = Self.basicCredentials(authorization) {
            key = user
            secret = password
        }
        if key.isEmpty { key = (try? parameters.string("consumer_key")) ?? "" }
        if key.isEmpty { throw .authentication("Consumer key is missing.", status: 404) }
        if secret.isEmpty { secret = (try? parameters.string("consumer_secret")) ?? "" }
        if secret.isEmpty { throw .authentication("Consumer secret is missing.", status: 404) }

        let entry = try lookup(Self.normalizedKey(key))
        guard Crypto.constantTimeEqual(entry.secret, secret) else {
            throw .authentication("Consumer secret is invalid.")
        }
        return entry
    }

    /// Forgets cached keys, e.g. after a user was deleted.
    package func invalidate() {
        cache.withLock { $0.removeAll() }
    }

    /// The key as the real store looks it up: tags stripped, whitespace trimmed and collapsed. Keys as issued
    /// (`ck_` + hex) are already in that form, so they skip the work.
    static func normalizedKey(_ key: String) -> String {
        let plain = key.withUTF8Buffer { bytes in bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") } }
        if plain { return key }
        return Sanitize.collapseWhitespace(Sanitize.stripTags(key))
    }

    private func lookup(_ consumerKey: String) throws(APIError) -> KeyEntry {
        let now = Instant.now
        // Keyed by the presented key itself, so a cache hit costs no HMAC. Entries exist only for real keys.
        if let entry = cache.withLock({ $0[consumerKey] }), now < entry.expires { return entry }
        let hash = Self.hashKey(consumerKey)
        let found = try store.apiRead { db -> KeyEntry? in
            try APIKeys.lookup(hashedKey: hash, in: db) { keyID, userID, role, permissions, secret in
                KeyEntry(keyID: keyID, userID: userID, role: role, permissions: KeyPermissions(rawValue: permissions) ?? .read,
                         secret: secret, expires: now + cacheLifetime)
            }
        }
        guard let found else { throw .authentication("Consumer key is invalid.") }
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }  // bounded: only real keys are ever cached
            cache[consumerKey] = found
        }
        return found
    }

    private func recordAccess(keyID: Int64) {
        let now = clock()
        let due = lastAccessWritten.withLock { written -> Bool in
            if let last = written[keyID], now - last < 60 { return false }
            written[keyID] = now
            return true
        }
        guard due else { return }
        store.write({ db in try APIKeys.recordAccess(keyID: keyID, at: now, in: db) }, completion: { _ in })
    }

    /// The decoded `user:password` bytes of an `Authorization: Basic …` header, or nil.
    private static func basicPayload(_ header: String?) -> [UInt8]? {
        guard let header else { return nil }
        return header.withUTF8Buffer { bytes -> [UInt8]? in
            guard bytes.count > 6 else { return nil }
            for (offset, expected) in basicScheme.enumerated() where bytes[offset] | 0x20 != expected { return nil }
            var end = bytes.count
            while end > 6, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            var start = 6
            while start < end, bytes[start] == 0x20 { start += 1 }
            return Crypto.base64Decode(bytes: UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
    }

    /// The user and password of an `Authorization: Basic …` header.
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let payload = basicPayload(header) else { return nil }
        return payload.withUnsafeBufferPointer { decoded -> (String, String)? in
            guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
                return String(validating: decoded, as: UTF8.self).map { ($0, "") }
            }
            guard let user = String(validating: UnsafeBufferPointer(rebasing: decoded[..<colon]), as: UTF8.self),
                  let password = String(validating: UnsafeBufferPointer(rebasing: decoded[(colon + 1)...]), as: UTF8.self)
            else { return nil }
            return (user, password)
        }
    }

    /// Basic credentials in the form keys are issued in: a non-empty user of printable ASCII without `<` (so
    /// ``normalizedKey(_:)`` would leave it as is) and a non-empty ASCII password, returned as bytes. Nil for
    /// anything else, which then takes the general path (``basicCredentials(_:)``) with the same outcome.
    static func plainBasicCredentials(_ header: String?) -> (key: String, secret: [UInt8])? {
        guard let payload = basicPayload(header), let colon = payload.firstIndex(of: UInt8(ascii: ":")),
              colon > 0, colon + 1 < payload.count else { return nil }
        let user = payload[..<colon]
        let password = payload[(colon + 1)...]
        guard user.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") }),
              password.allSatisfy({ $0 < 0x80 }) else { return nil }
        return (String(decoding: user, as: UTF8.self), Array(password))
    }

    /// `basic ` in lowercase: the scheme is matched case-insensitively (`| 0x20`; the space stays a space).
    private static let basicScheme: [UInt8] = Array("basic ".utf8)
}
