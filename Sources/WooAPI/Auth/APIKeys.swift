import SQLite
import Storage

/// Creating, listing and revoking API keys the way the real store keeps them (auth §6).
package enum APIKeys {
    /// A newly created key: the only time the consumer key exists in plain text.
    package struct Created: Sendable, Equatable {
        package var id: Int64
        package var consumerKey: String
        package var consumerSecret: String

        package init(id: Int64, consumerKey: String, consumerSecret: String) {
            self.id = id
            self.consumerKey = consumerKey
            self.consumerSecret = consumerSecret
        }
    }

    /// A stored key, without its secret.
    package struct Summary: Sendable, Equatable {
        package var id: Int64
        package var userID: Int64
        package var description: String
        package var permissions: String
        package var truncatedKey: String
        package var lastAccess: Int64?
    }

    /// Makes `ck_`/`cs_` + 40 lowercase hex characters and stores the key's HMAC, the secret, and the last 7
    /// characters of the key.
    package static func create(
        userID: Int64 = 1, permissions: KeyPermissions, description: String, now: Int64, in db: Database
    ) throws -> Created {
        guard try CustomerRepository.role(of: userID, in: db) != nil else {
            throw StoreError("no user with id \(userID)")
        }
        let consumerKey = "ck_" + Crypto.hex(Crypto.randomBytes(20))
        let consumerSecret = "cs_" + Crypto.hex(Crypto.randomBytes(20))
        // RETURNING (SQLite 3.35+ and PostgreSQL): PostgreSQL has no last-insert rowid, and a key is no hot path.
        let insert = try db.makeStatement("""
            INSERT INTO api_keys (user_id, description, permissions, consumer_key, consumer_secret, truncated_key, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING key_id
            """)
        let values: [SQLValue] = [
            .integer(userID), .text(description), .text(permissions.rawValue),
            .text(Authenticator.hashKey(consumerKey)), .text(consumerSecret), .text(String(consumerKey.suffix(7))),
            .integer(now),
        ]
        guard let id = try insert.first(values, { $0.int64(at: 0) }) else {
            throw StoreError("INSERT INTO api_keys … RETURNING key_id returned no row")
        }
        return Created(id: id, consumerKey: consumerKey, consumerSecret: consumerSecret)
    }

    /// Every key, oldest first.
    package static func list(in db: Database) throws -> [Summary] {
        try db.makeStatement("""
            SELECT key_id, user_id, description, permissions, truncated_key, last_access FROM api_keys ORDER BY key_id
            """).map(nil) { row in
            Summary(id: row.int64(at: 0), userID: row.int64(at: 1), description: row.text(at: 2),
                    permissions: row.text(at: 3), truncatedKey: row.text(at: 4), lastAccess: row.nullableInt64(at: 5))
        }
    }

    /// Deletes a key by id, or by its full consumer key. Returns whether one was deleted.
    package static func revoke(_ idOrKey: String, in db: Database) throws -> Bool {
        if idOrKey.hasPrefix("ck_") {
            try db.execute("DELETE FROM api_keys WHERE consumer_key = ?", [.text(Authenticator.hashKey(idOrKey))])
        } else if let id = Int64(idOrKey) {
            try db.execute("DELETE FROM api_keys WHERE key_id = ?", [.integer(id)])
        } else {
            return false
        }
        return db.changes > 0
    }

    // MARK: Authentication (every request's key, cached by ``Authenticator``)

    /// A key by its stored HMAC, with its user's role (NULL once the user is deleted).
    static let lookupSQL = SQL("""
        SELECT k.key_id, k.user_id, k.permissions, k.consumer_secret, u.role
        FROM api_keys k LEFT JOIN users u ON u.id = k.user_id WHERE k.consumer_key = ?
        """)
    static let recordAccessSQL = SQL("UPDATE api_keys SET last_access = ? WHERE key_id = ?")

    /// The key whose stored HMAC is `hashedKey`, made by `make(keyID, userID, role, permissions, secret)`; nil if none.
    static func lookup<T>(
        hashedKey: String, in db: Database, _ make: (Int64, Int64, String?, String, [UInt8]) -> T
    ) throws -> T? {
        let statement = try db.cachedStatement(lookupSQL)
        try statement.bind(hashedKey, at: 1)
        return try statement.first(nil) { row in
            make(row.int64(at: 0), row.int64(at: 1), row.nullableText(at: 4), row.text(at: 2), Array(row.text(at: 3).utf8))
        }
    }

    /// Records the key's last use (`last_access`).
    static func recordAccess(keyID: Int64, at now: Int64, in db: Database) throws {
        let statement = try db.cachedStatement(recordAccessSQL)
        try statement.bind(now, at: 1)
        try statement.bind(keyID, at: 2)
        try statement.execute()
    }
}
