/// One schema step: the script that upgrades a database to `version`.
package struct Migration: Sendable, Hashable {
    /// The `PRAGMA user_version` value once this migration is applied (positive, increasing).
    package let version: Int
    /// A script run with `Database.execute(sql:)`; must not contain BEGIN/COMMIT or `PRAGMA foreign_keys`.
    package let sql: String

    /// Creates a migration.
    package init(version: Int, sql: String) {
        self.version = version
        self.sql = sql
    }
}

/// Why a migration run was refused.
package enum MigrationError: Error, Equatable, CustomStringConvertible {
    /// The database was written by a newer build of the schema than this one knows.
    case databaseNewerThanSchema(databaseVersion: Int, latestKnownVersion: Int)
    /// The migration list is not strictly increasing positive versions.
    case invalidMigrationOrder(versions: [Int])

    /// A human-readable explanation.
    package var description: String {
        switch self {
        case let .databaseNewerThanSchema(databaseVersion, latest):
            return "database schema version \(databaseVersion) is newer than the latest known version \(latest); "
                + "refusing to open it with this build"
        case let .invalidMigrationOrder(versions):
            return "migration versions must be positive and strictly increasing, got \(versions)"
        }
    }
}

/// Brings a database's schema up to date, tracking the applied version in `PRAGMA user_version`.
package struct Migrator: Sendable {
    /// The migrations, in application order.
    package let migrations: [Migration]

    /// Creates a migrator from migrations ordered by version.
    package init(_ migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Creates a migrator from `(version, sql)` pairs ordered by version.
    package init(_ migrations: [(version: Int, sql: String)]) {
        self.migrations = migrations.map { Migration(version: $0.version, sql: $0.sql) }
    }

    /// The version a fully migrated database has (0 when there are no migrations).
    package var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies every migration newer than the database's `user_version`, each in its own IMMEDIATE
    /// transaction together with the `user_version` bump; returns the resulting version.
    ///
    /// Idempotent; safe against a concurrent migrator because the version is re-read under the write lock.
    @discardableResult
    package func migrate(_ db: Database) throws -> Int {
        let versions = migrations.map(\.version)
        guard versions.first.map({ $0 > 0 }) ?? true, zip(versions, versions.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw MigrationError.invalidMigrationOrder(versions: versions)
        }
        let initialVersion = try db.userVersion()
        try checkNotNewer(initialVersion)
        for migration in migrations where migration.version > initialVersion {
            try db.transaction(.immediate) { db in
                let current = try db.userVersion()
                try checkNotNewer(current)
                guard current < migration.version else { return }
                try db.execute(sql: migration.sql)
                try db.setUserVersion(migration.version)
            }
        }
        return try db.userVersion()
    }

    /// Throws when `version` is beyond what this migrator knows.
    private func checkNotNewer(_ version: Int) throws {
        guard version <= latestVersion else {
            throw MigrationError.databaseNewerThanSchema(databaseVersion: version, latestKnownVersion: latestVersion)
        }
    }
}
