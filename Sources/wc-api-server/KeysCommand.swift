import Foundation
import Glibc
import Postgres
import SQLite
import Storage
import WooAPI

/// `wc-api-server keys create | list | revoke | demo`.
enum KeysCommand {
    static let help = """
        usage: wc-api-server keys <create|list|revoke|demo> [options]

          keys create [--database PATH] [--permissions read|write|read_write] [--description TEXT] [--user ID] [--json]
              Prints consumer_key=ck_… and consumer_secret=cs_… on two lines (--json: one JSON object).
              The consumer key is stored only as its HMAC: this is the only time it is shown.
          keys list [--database PATH]
              One line per key: id, permissions, user, the key's last 7 characters, last access, description.
          keys revoke [--database PATH] ID|ck_…
              Deletes a key; requests using it fail within a second.
          keys demo [--database PATH] [--port PORT]
              Creates a read_write demo key if the store has none (saving it, mode 0600, beside a SQLite store as
              PATH.demo-key, or for a PostgreSQL store in ./.wc-api-demo-key-<hash of the location>) and prints a
              ready-to-paste curl line. Used by `make run`.

        --database defaults to $WC_API_DATABASE or ./wc-api.sqlite; a missing store is created. A postgres:// or
        postgresql:// URL or a libpq conninfo (host=… dbname=…) names a PostgreSQL store, brought to this build's
        schema first.
        """

    static func run(_ arguments: [String]) throws {
        guard let subcommand = arguments.first, !["--help", "-h"].contains(subcommand) else {
            print(help)
            return
        }
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help)
            return
        }
        let options = try Arguments(
            Array(arguments.dropFirst()), options: ["database", "permissions", "description", "user", "port"], booleans: ["json"])
        let path = options.value("database", environment: "WC_API_DATABASE") ?? "wc-api.sqlite"
        let location = StoreLocation(path)
        let now = Int64(time(nil))
        switch subcommand {
        case "create":
            guard options.positional.isEmpty else { throw UsageError("unexpected argument \(options.positional[0])") }
            let permissionsText = options.value("permissions") ?? "read_write"
            guard let permissions = KeyPermissions(rawValue: permissionsText) else {
                throw UsageError("--permissions must be read, write or read_write, got \(permissionsText)")
            }
            let user = Int64(try options.integer("user", default: 1, in: 1...Int(Int32.max)))
            let description = options.value("description") ?? "wc-api-server key"
            let created = try withStore(location) { db in
                try APIKeys.create(userID: user, permissions: permissions, description: description, now: now, in: db)
            }
            if options.flag("json") {
                print("{\"consumer_key\":\"\(created.consumerKey)\",\"consumer_secret\":\"\(created.consumerSecret)\"}")
            } else {
                print("consumer_key=\(created.consumerKey)")
                print("consumer_secret=\(created.consumerSecret)")
            }
        case "list":
            let keys = try withStore(location) { db in try APIKeys.list(in: db) }
            if keys.isEmpty { printError("no keys; create one with `wc-api-server keys create`") }
            for key in keys {
                let access = key.lastAccess.map(APIDate.format) ?? "never"
                print("\(key.id)\t\(key.permissions)\tuser \(key.userID)\t…\(key.truncatedKey)\tlast access \(access)\t\(key.description)")
            }
        case "revoke":
            guard options.positional.count == 1 else { throw UsageError("keys revoke takes one key id or ck_… key") }
            let target = options.positional[0]
            guard try withStore(location, { db in try APIKeys.revoke(target, in: db) }) else {
                throw UsageError("no key \(target)")
            }
            print("revoked \(target)")
        case "demo":
            try demo(location, port: try options.integer("port", environment: "WC_API_PORT", default: 8080, in: 1...65535), now: now)
        default:
            throw UsageError("unknown keys subcommand \(subcommand)")
        }
    }

    /// Where the demo key of the store at `location` is remembered: beside a SQLite file; for a PostgreSQL database,
    /// in the current directory under a name made from the location (without its password).
    static func demoKeyFile(_ location: StoreLocation) -> String {
        switch location {
        case .sqlite(let path): return path + ".demo-key"
        case .postgres:
            return ".wc-api-demo-key-" + Crypto.hex(Array(Crypto.sha256(location.description.utf8).prefix(8)))
        }
    }

    /// The `make run` helper: one demo key per store, remembered (mode 0600) so the curl line can be shown again.
    private static func demo(_ location: StoreLocation, port: Int, now: Int64) throws {
        let keyFile = demoKeyFile(location)
        var credentials: (String, String)?
        if let text = try? String(contentsOfFile: keyFile, encoding: .utf8) {
            let lines = text.split(separator: "\n").map(String.init)
            if lines.count == 2 { credentials = (lines[0], lines[1]) }
        }
        if credentials == nil {
            guard try withStore(location, { db in try APIKeys.list(in: db) }).isEmpty else {
                print("The store already has API keys; make one for yourself: wc-api-server keys create --database …")
                return
            }
            let created = try withStore(location) { db in
                try APIKeys.create(permissions: .readWrite, description: "demo key (make run)", now: now, in: db)
            }
            credentials = (created.consumerKey, created.consumerSecret)
            let file = open(keyFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            if file >= 0 {
                let text = Array("\(created.consumerKey)\n\(created.consumerSecret)\n".utf8)
                _ = text.withUnsafeBytes { Glibc.write(file, $0.baseAddress, $0.count) }
                close(file)
            }
            print("Created a demo API key (read_write), saved in \(keyFile).")
        }
        guard let (key, secret) = credentials else { return }
        print("Try it (README.md has an example for every endpoint):")
        print("  export WC_CK=\(key) WC_CS=\(secret)")
        print("  curl -s -u \(key):\(secret) http://127.0.0.1:\(port)/wc-api/v2/customers")
    }

    /// Runs `body` on a connection to the store at `location`, brought to this build's schema first.
    private static func withStore<T>(_ location: StoreLocation, _ body: (WooAPI.Database) throws -> T) throws -> T {
        let database = try location.open()
        defer { database.postgres?.close() }
        guard database.dialect == .postgres else { return try body(database) }
        // One transaction per command: a key's insert commits whole or not at all.
        return try database.transaction { db in try body(db) }
    }
}
