import Postgres

/// The PostgreSQL store's schema (the top-level schema.postgres.sql, compiled in) and the step that brings a
/// database to it: ``prepare(_:)``, PostgreSQL's counterpart of ``Store/prepare(_:)``.
///
/// Several servers may start at once on one new database (issue 12: N stateless servers). Each takes the same
/// session advisory lock before it looks at the database, so one of them applies the schema and the others, let in
/// after it committed, find it current: a database is migrated once, never twice or half. The version lives in the
/// one-row `schema_version` table (PostgreSQL has no `PRAGMA user_version`), written in the same transaction as
/// the schema it describes, so a crash or an error mid-way leaves the database as it was.
package struct PostgresSchema: Sendable {
    /// What ``prepare(_:)`` found and did.
    package enum Outcome: Equatable, Sendable {
        /// The database was empty and got the whole schema.
        case created
        /// The database had an older version and got the sections since it.
        case upgraded(from: Int)
        /// The database already had this version; nothing was written.
        case current
    }

    /// The advisory lock held while a database is checked and migrated: the ASCII bytes of "wcschema" read as a
    /// big-endian 64-bit integer. Advisory locks are per database and shared by every client of it, so the key
    /// only has to differ from the other advisory locks this project takes (none yet; any later one gets a
    /// different 8-letter name the same way).
    package static let lockKey: Int64 = 0x7763_7363_6865_6D61

    /// Folds the role counts' deltas into one row per role (schema.postgres.sql, `role_counts`). For the store to
    /// run now and then, on its own in a READ COMMITTED transaction: it sums exactly the rows it deletes, so every
    /// role's sum is the same before and after; deltas inserted meanwhile stay for the next fold, and of two folds
    /// at once each sums only the rows it deleted itself (the other's are skipped, not counted twice). Under
    /// REPEATABLE READ or SERIALIZABLE a concurrent fold would fail it with 40001 instead.
    package static let foldRoleCountsSQL = """
        WITH folded AS (DELETE FROM role_counts RETURNING role, users) \
        INSERT INTO role_counts (role, users) SELECT role, sum(users) FROM folded GROUP BY role
        """

    /// The schema script of this build (the top-level schema.postgres.sql, compiled in).
    package static var schemaSQL: String { String(decoding: PackageResources.schema_postgres_sql, as: UTF8.self) }

    /// The Citus layout (the top-level schema.citus.sql, compiled in): applied once to a database with the citus
    /// extension, after its schema (``prepare(_:)``).
    package static var citusSQL: String { String(decoding: PackageResources.schema_citus_sql, as: UTF8.self) }

    /// This build's schema: the same version number as the SQLite store's (``Store/schemaVersion``), since the
    /// two files change together.
    package static var current: PostgresSchema { PostgresSchema(sql: schemaSQL, version: Store.schemaVersion) }

    /// The whole schema at ``version``, with a `-- @since N` … `-- @end` section for every version after 6.
    package let sql: String
    /// The version a database has once ``sql`` (or its sections) is applied.
    package let version: Int

    /// A schema from its text and version; ``current`` is this build's, tests make others.
    package init(sql: String, version: Int) {
        self.sql = sql
        self.version = version
    }

    /// Applies the schema to an empty database, upgrades an older one with the `@since` sections after its version,
    /// or leaves a current one alone; refuses a database with tables but no version, one from a newer build, and
    /// one not created with the C locale. Everything runs under ``lockKey`` and in one transaction together with
    /// the version row; the lock is released before it returns or throws (and by PostgreSQL if the session dies).
    ///
    /// `connection` must not be inside a transaction: the lock has to outlast the transaction's commit, so a
    /// server let in after this one sees the committed schema.
    @discardableResult
    package func prepare(_ connection: PostgresConnection) throws -> Outcome {
        guard !connection.isInTransaction else {
            throw StoreError("the PostgreSQL schema is prepared outside a transaction, not inside one")
        }
        try connection.execute("SELECT pg_advisory_lock($1)", [.integer(Self.lockKey)])
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [.integer(Self.lockKey)]) }
        let outcome = try applySchema(connection)
        try Self.distributeIfCitus(connection)
        return outcome
    }

    /// Whether the database is a Citus one in the distributed layout: it has the citus extension and `users` is a
    /// distributed table. Store connections to it are made ``Database/isDistributed``.
    package static func isDistributed(_ connection: PostgresConnection) throws -> Bool {
        let citus = try connection.execute("SELECT count(*) FROM pg_extension WHERE extname = 'citus'")
        guard try citus.int64(row: 0, column: 0) == 1 else { return false }
        let users = try connection.execute(
            "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'users'::regclass AND partmethod = 'h'")
        return try users.int64(row: 0, column: 0) == 1
    }

    /// Readies a store session on a distributed database: a write job may change a reference table (a product's
    /// sales, a post) after a statement that reached several shards (a customer's figures, orders turning into
    /// guest orders), which Citus allows only when the transaction's multi-shard statements used one connection
    /// per node.
    package static func prepareDistributedSession(_ connection: PostgresConnection) throws {
        try connection.execute("SET citus.multi_shard_modify_mode = 'sequential'")
    }

    /// Brings a database with the citus extension to the distributed layout (``citusSQL``) in one transaction,
    /// unless it has it already. A database without the extension is left as it is: plain PostgreSQL.
    private static func distributeIfCitus(_ connection: PostgresConnection) throws {
        let citus = try connection.execute("SELECT count(*) FROM pg_extension WHERE extname = 'citus'")
        guard try citus.int64(row: 0, column: 0) == 1, try !isDistributed(connection) else { return }
        try connection.transaction { db in _ = try db.executeScript(citusSQL) }
    }

    /// ``prepare(_:)``'s work under the lock: the schema, its upgrade sections or nothing, in one transaction.
    private func applySchema(_ connection: PostgresConnection) throws -> Outcome {
        try connection.transaction { db in
            try Self.requireCLocale(db)
            guard let installed = try Self.installedVersion(db) else {
                try Self.requireEmpty(db)
                try db.executeScript(sql)
                let written = try Self.installedVersion(db)
                guard written == version else {
                    throw StoreError("schema.postgres.sql wrote schema version \(written.map(String.init) ?? "none")"
                                     + " instead of \(version); its last statement must insert \(version)")
                }
                return .created
            }
            if installed > version {
                throw StoreError("the database has schema version \(installed); this build knows up to \(version)")
            }
            guard installed < version else { return .current }
            for next in (installed + 1)...version {
                let section = Store.section(since: next, in: sql)
                guard !section.isEmpty else {
                    throw StoreError("schema.postgres.sql has no `-- @since \(next)` section, so a database at "
                                     + "version \(installed) cannot be upgraded to \(version)")
                }
                try db.executeScript(section)
            }
            try db.execute("UPDATE schema_version SET version = $1", [.integer(Int64(version))])
            return .upgraded(from: installed)
        }
    }

    /// The version in `schema_version`, or nil when the current schema has no such table (a new database).
    private static func installedVersion(_ db: PostgresConnection) throws -> Int? {
        let table = try db.execute("""
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
            WHERE n.nspname = current_schema() AND c.relname = 'schema_version'
            """)
        guard try table.int64(row: 0, column: 0) == 1 else { return nil }
        let rows = try db.execute("SELECT version FROM schema_version")
        guard rows.rowCount == 1, let version = try rows.int64(row: 0, column: 0) else {
            throw StoreError("the database's schema_version table holds \(rows.rowCount) rows instead of one")
        }
        return Int(version)
    }

    /// Throws unless the current schema holds no table, view or foreign table (it would be a database someone else
    /// uses, or a half-made one), as SQLite's prepare refuses a non-empty file without a version. An extension's own
    /// relations do not count: Citus puts its views (`citus_tables`, `citus_schemas`) in `public`.
    private static func requireEmpty(_ db: PostgresConnection) throws {
        let relations = try db.execute("""
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') \
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                            AND d.deptype = 'e')
            """)
        guard try relations.int64(row: 0, column: 0) == 0 else {
            throw StoreError("the database is not empty and has no schema version (no schema_version table)")
        }
    }

    /// Throws unless the database orders and folds text as SQLite does: byte-wise collation and ASCII-only case
    /// folding, which only the C (POSIX) locale gives. Under any other, ORDER BY, citext and ILIKE would silently
    /// disagree with the SQLite store about non-ASCII text.
    private static func requireCLocale(_ db: PostgresConnection) throws {
        let locale = try db.execute("SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()")
        let collate = locale.value(row: 0, column: 0) ?? "", ctype = locale.value(row: 0, column: 1) ?? ""
        let byteWise: Set<String> = ["C", "POSIX"]
        guard byteWise.contains(collate) && byteWise.contains(ctype) else {
            throw StoreError("the database has LC_COLLATE \(collate) and LC_CTYPE \(ctype); the store needs C "
                             + "(CREATE DATABASE … TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C', or initdb "
                             + "--locale=C as scripts/postgres.sh does), so text orders and folds as on SQLite")
        }
    }
}
