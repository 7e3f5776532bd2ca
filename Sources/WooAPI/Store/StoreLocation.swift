import Postgres
import SQLite
import Storage

/// Where a store lives, as `--database` and `WC_API_DATABASE` name it (issue 12): a SQLite file, or a PostgreSQL
/// database given by URL or libpq conninfo. One parser for every command, so `serve`, `keys` and `seed` read the
/// same text the same way.
package enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file (created when missing), or `:memory:`.
    case sqlite(path: String)
    /// A PostgreSQL database: what libpq's `PQconnectdb` takes, a URL or a conninfo, passed on as written.
    case postgres(conninfo: String)

    /// Reads a `--database` value. `postgres://` and `postgresql://` URLs are PostgreSQL, and so is a libpq
    /// conninfo, recognised by its first word being a keyword followed by `=` (`host=… dbname=…`); anything else
    /// is a file path, so `./a=b.sqlite` stays a file. A file whose name starts with a bare `word=` must be given
    /// with a directory (`./word=…`).
    package init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") || Self.isConninfo(text) {
            self = .postgres(conninfo: text)
        } else {
            self = .sqlite(path: text)
        }
    }

    /// Whether `text` starts with `keyword =` (letters and underscores, spaces allowed around `=`).
    private static func isConninfo(_ text: String) -> Bool {
        let trimmed = text.drop { $0 == " " }
        guard let equals = trimmed.firstIndex(of: "=") else { return false }
        let keyword = trimmed[..<equals].reversed().drop { $0 == " " }
        return !keyword.isEmpty && keyword.allSatisfy { ($0 >= "a" && $0 <= "z") || $0 == "_" }
    }

    /// Whether this is a PostgreSQL database.
    package var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// The location for messages and logs: a path as given; a PostgreSQL location without its password (a URL's
    /// `user:secret@` loses the secret, a conninfo's `password=…` its value).
    package var description: String {
        switch self {
        case .sqlite(let path):
            return path
        case .postgres(let conninfo):
            return Self.redacted(conninfo)
        }
    }

    private static func redacted(_ conninfo: String) -> String {
        if let scheme = conninfo.firstRange(of: "://") {
            let rest = conninfo[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
                return conninfo
            }
            return String(conninfo[..<authority.index(after: colon)]) + "***" + String(conninfo[at...])
        }
        // key=value pairs separated by spaces; a quoted value may hold spaces, so only the password's is rebuilt.
        guard let key = conninfo.firstRange(of: "password") else { return conninfo }
        var rest = conninfo[key.upperBound...].drop { $0 == " " }
        guard rest.first == "=" else { return conninfo }
        rest = rest.dropFirst().drop { $0 == " " }
        var end = rest.startIndex
        if rest.first == "'" {
            var index = rest.index(after: rest.startIndex)
            while index < rest.endIndex && rest[index] != "'" {
                if rest[index] == "\\" { index = rest.index(after: index) }
                if index < rest.endIndex { index = rest.index(after: index) }
            }
            end = index < rest.endIndex ? rest.index(after: index) : index
        } else {
            end = rest.firstIndex(of: " ") ?? rest.endIndex
        }
        return String(conninfo[..<key.upperBound]) + "=***" + String(conninfo[end...])
    }
}

extension StoreLocation {
    /// A connection to the store here, its schema brought to this build's version first (``Store/prepare(_:)``, or
    /// ``PostgresSchema/prepare(_:)`` under its advisory lock); a missing SQLite file is created. For the commands
    /// that work on a store without serving it (`keys`, `seed`, `copy-store`).
    package func open() throws -> Database {
        switch self {
        case .sqlite(let path):
            let database = try SQLite.Database(path: path)
            try Store.prepare(database)
            return Database(sqlite: database)
        case .postgres(let conninfo):
            let connection = try PostgresConnection(conninfo: conninfo)
            _ = try PostgresSchema.current.prepare(connection)
            let distributed = try PostgresSchema.isDistributed(connection)
            if distributed { try PostgresSchema.prepareDistributedSession(connection) }
            return Database(postgres: connection, distributed: distributed)
        }
    }
}
