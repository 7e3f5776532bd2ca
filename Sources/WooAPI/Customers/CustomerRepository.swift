import SQLite
import Storage

/// SQL for customers. Every value is bound; the only SQL composed at run time is the list query's WHERE and
/// ORDER BY, built from fixed fragments chosen by validated filters, and cached only in its few common shapes
/// (``CustomerQuery/hasCommonShape``).
package enum CustomerRepository {
    /// The SELECT of a customer (``CustomerColumn``).
    static let selectColumns = "SELECT \(CustomerColumn.list(prefix: "u.")) FROM users u"

    static let byID = SQL(selectColumns + " WHERE u.id = ?")
    static let byEmail = SQL(selectColumns + " WHERE u.email = ? AND u.email <> ''")

    /// Writes the user with `id` (any role) as a customer object; false when there is none.
    package static func write(id: Int64, fields: FieldFilter? = nil, in db: Database, to writer: inout JSONWriter) throws -> Bool {
        let statement = try db.cachedStatement(byID)
        try statement.bind(id, at: 1)
        return try statement.first(nil) { row in CustomerJSON.write(row: row, fields: fields, to: &writer) } != nil
    }

    /// Writes the user with `email` (case-insensitively, any role) as a customer object; false when there is none.
    package static func write(email: String, fields: FieldFilter? = nil, in db: Database, to writer: inout JSONWriter) throws -> Bool {
        let statement = try db.cachedStatement(byEmail)
        try statement.bind(email, at: 1)
        return try statement.first(nil) { row in CustomerJSON.write(row: row, fields: fields, to: &writer) } != nil
    }

    /// The customer object of user `id` as JSON bytes, or nil.
    package static func json(id: Int64, in db: Database) throws -> EncodedCustomer? {
        var writer = JSONWriter(capacity: 1024)
        return try write(id: id, in: db, to: &writer) ? EncodedCustomer(id: id, json: writer.bytes) : nil
    }

    /// The id of the user with `email`, if any (case-insensitively).
    package static func userID(email: String, in db: Database) throws -> Int64? {
        let statement = try db.cachedStatement("SELECT id FROM users WHERE email = ? AND email <> ''")
        try statement.bind(email, at: 1)
        return try statement.first(nil) { $0.int64(at: 0) }
    }

    /// Whether `username` is taken (case-insensitively).
    package static func usernameExists(_ username: String, in db: Database) throws -> Bool {
        let statement = try db.cachedStatement("SELECT 1 FROM users WHERE username = ?")
        try statement.bind(username, at: 1)
        return try statement.first(nil) { _ in true } ?? false
    }

    /// The role of the user with `id`, or nil when there is no such user.
    package static func role(of id: Int64, in db: Database) throws -> String? {
        let statement = try db.cachedStatement("SELECT role FROM users WHERE id = ?")
        try statement.bind(id, at: 1)
        return try statement.first(nil) { $0.text(at: 0) }
    }

    // MARK: List and count

    /// Writes one page of customers matching `query` as array elements (none when `rows` is false: a caller
    /// without `list_users` still gets the headers, auth §7) and returns the total.
    ///
    /// ``CustomerListPlan`` finds the page's ids (from a keyset anchor, a search index or the plain query); each
    /// row is then read by primary key, through the cache when the whole object is wanted.
    package static func writeList(
        _ query: CustomerQuery, rows: Bool = true, fields: FieldFilter?, anchors: UserListAnchors? = nil,
        cache: CustomerCache? = nil, in db: Database, to writer: inout JSONWriter
    ) throws -> Int {
        let result = try CustomerListPlan.run(query, rows: rows, anchors: anchors, in: db)
        for row in result.page {
            if fields == nil, let cache {
                _ = try cache.write(id: row.id, knownVersion: row.version, in: db, to: &writer)
            } else {
                _ = try write(id: row.id, fields: fields, in: db, to: &writer)
            }
        }
        return result.total
    }

    /// How many customers match `query`, ignoring limit and offset.
    package static func count(_ query: CustomerQuery, anchors: UserListAnchors? = nil, in db: Database) throws -> Int {
        try CustomerListPlan.run(query, rows: false, anchors: anchors, in: db).total
    }

    // MARK: Writes (writer thread only)

    static let insertSQL = SQL("INSERT INTO users (\(NewCustomerColumn.list())) VALUES (\(NewCustomerColumn.placeholders))")
    /// ``insertSQL`` for PostgreSQL, which has no last-insert rowid: the id comes back as the statement's row.
    static let insertReturningSQL = SQL(insertSQL.text + " RETURNING id")

    /// Inserts a new customer and returns its id.
    package static func insert(_ new: NewCustomer, now: Int64, in db: Database) throws -> Int64 {
        typealias C = NewCustomerColumn
        let postgres = db.dialect == .postgres
        let statement = try db.cachedStatement(postgres ? insertReturningSQL : insertSQL)
        try statement.bind(new.username, at: C.username.parameter)
        try statement.bind(new.email, at: C.email.parameter)
        try statement.bind(new.passwordHash, at: C.passwordHash.parameter)
        try statement.bind("customer", at: C.role.parameter)
        try statement.bind(now, at: C.createdAt.parameter)
        try statement.bind(now, at: C.updatedAt.parameter)
        try statement.bind(new.firstName, at: C.firstName.parameter)
        try statement.bind(new.lastName, at: C.lastName.parameter)
        for index in 0..<new.billing.count {
            try statement.bind(new.billing.text(at: index), at: C.billingFirstName.parameter + index)
        }
        for index in 0..<new.shipping.count {
            try statement.bind(new.shipping.text(at: index), at: C.shippingFirstName.parameter + index)
        }
        try statement.bind(CustomerJSON.avatarHash(email: new.email), at: C.avatarHash.parameter)
        if postgres {
            guard let id = try statement.first(nil, { $0.int64(at: 0) }) else {
                throw StorageError("INSERT … RETURNING id returned no row")
            }
            try Bookkeeping.userInserted(id: id, role: "customer", email: new.email, username: new.username, in: db)
            return id
        }
        try statement.execute()
        return try db.lastInsertRowID()
    }

    /// The columns an update may change, in ``updateSQL``'s order.
    package static let updatableColumns = ["email", "avatar_hash", "password_hash", "first_name", "last_name"]
        + Address.billingKeys.map { "billing_" + $0 } + Address.shippingKeys.map { "shipping_" + $0 }

    /// One statement for every update: a NULL argument keeps the column as it is. It bumps `version` itself, so
    /// the `users_version` trigger (for writers that do not) does not rewrite the row a second time.
    static let updateSQL = updateStatement(updatableColumns)

    /// ``updateSQL`` without `email` and `avatar_hash`, for the usual update that keeps the email: a column in
    /// the SET list makes SQLite rewrite its index entries, and the unique email index need not be touched.
    static let updateKeepingEmailSQL = updateStatement(updatableColumnsKeepingEmail)
    static let updatableColumnsKeepingEmail = updatableColumns.filter { $0 != "email" && $0 != "avatar_hash" }

    private static func updateStatement(_ columns: [String]) -> SQL {
        SQL("UPDATE users SET " + columns.map { "\($0) = coalesce(?, \($0))" }.joined(separator: ", ")
            + ", updated_at = ?, version = version + 1 WHERE id = ?")
    }

    /// Writes the given columns of user `id`; `changes` maps names of ``updatableColumns`` to new values.
    package static func update(id: Int64, _ changes: [String: String], now: Int64, in db: Database) throws {
        guard !changes.isEmpty else { return }
        let keepsEmail = changes["email"] == nil && changes["avatar_hash"] == nil
        let columns = keepsEmail ? updatableColumnsKeepingEmail : updatableColumns
        if let email = changes["email"] { try Bookkeeping.emailChanging(id: id, to: email, in: db) }
        let statement = try db.cachedStatement(keepsEmail ? updateKeepingEmailSQL : updateSQL)
        for (offset, column) in columns.enumerated() {
            if let value = changes[column] { try statement.bind(value, at: offset + 1) } else { try statement.bindNull(at: offset + 1) }
        }
        try statement.bind(now, at: columns.count + 1)
        try statement.bind(id, at: columns.count + 2)
        try statement.execute()
    }

    /// Deletes user `id`; their orders become guest orders (customers §8.2, the `users_orders_guest` trigger), their keys
    /// stay and fail as "API user is invalid". Returns whether the user existed.
    package static func delete(id: Int64, in db: Database) throws -> Bool {
        try Bookkeeping.userDeleting(id: id, in: db)
        let delete = try db.cachedStatement("DELETE FROM users WHERE id = ?")
        try delete.bind(id, at: 1)
        try delete.execute()
        return db.changes > 0
    }

    // MARK: What orders read and write of customers (products-orders §4.4)

    /// A user's account email.
    static let emailByID = SQL("SELECT email FROM users WHERE id = ?")

    /// Writes the given address keys of an order to its customer: NULL keeps a column.
    static let mergeAddressesSQL = SQL(
        "UPDATE users SET " + CustomerColumn.addresses.enumerated()
            .map { "\($0.element.name) = coalesce(?\($0.offset + 2), \($0.element.name))" }.joined(separator: ", ")
            + " WHERE id = ?1")

    /// The account email of user `id`, or nil when there is no such user.
    static func email(of id: Int64, in db: Database) throws -> String? {
        let statement = try db.cachedStatement(emailByID)
        try statement.bind(id, at: 1)
        return try statement.first(nil) { $0.text(at: 0) }
    }

    /// Writes the given fields of `billing` and `shipping` to user `id`, keeping the others.
    static func mergeAddresses(id: Int64, billing: Address, shipping: Address, in db: Database) throws {
        var values: [SQLValue] = [.integer(id)]
        values += (0..<billing.count).map { billing[$0].map { .text($0) } ?? .null }
        values += (0..<shipping.count).map { shipping[$0].map { .text($0) } ?? .null }
        let statement = try db.cachedStatement(mergeAddressesSQL)
        try statement.bind(values)
        try statement.execute()
    }
}

/// A customer object already encoded as JSON, with its id.
package struct EncodedCustomer: Sendable {
    package var id: Int64
    package var json: [UInt8]
}

/// Everything needed to insert a customer, validated.
package struct NewCustomer: Sendable {
    package var username: String
    package var email: String
    package var passwordHash: String
    package var firstName: String
    package var lastName: String
    /// The billing address; a field not given is stored empty.
    package var billing: Address
    /// The shipping address; a field not given is stored empty.
    package var shipping: Address

    package init(username: String, email: String, passwordHash: String, firstName: String, lastName: String,
                 billing: Address, shipping: Address) {
        self.username = username
        self.email = email
        self.passwordHash = passwordHash
        self.firstName = firstName
        self.lastName = lastName
        self.billing = billing
        self.shipping = shipping
    }

    /// A new customer with both addresses given as every field's value in key order (the seeder, tests).
    package init(username: String, email: String, passwordHash: String, firstName: String, lastName: String,
                 billing: [String], shipping: [String]) {
        self.init(username: username, email: email, passwordHash: passwordHash, firstName: firstName, lastName: lastName,
                  billing: Address(.billing, billing), shipping: Address(.shipping, shipping))
    }
}
