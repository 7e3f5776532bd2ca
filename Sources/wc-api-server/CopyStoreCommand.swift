import Foundation
import Glibc
import SQLite
import Storage
import WooAPI

/// `wc-api-server copy-store --from A --to B`: copies a whole store between SQLite files and PostgreSQL databases
/// (``StoreCopier``).
enum CopyStoreCommand {
    static let help = """
        usage: wc-api-server copy-store --from STORE --to STORE

          Copies everything in one store into a new, empty one: keys, customers and other users, products, orders,
          download grants, OAuth nonces, with their ids. A STORE is a SQLite file path, or a PostgreSQL URL
          (postgres://… or postgresql://…) or libpq conninfo ("host=… dbname=…"). The target is created (a SQLite
          file) or given the schema (a PostgreSQL database) when new, and must hold no data. The copy is one
          transaction on the target, checked before it commits: every table's rows, the customers' order figures
          and the users per role must equal the source's. A progress bar is drawn on a terminal.

          Stop the servers writing to the source first: the copy reads one snapshot of it, and writes made after
          that snapshot are not in the target.
        """

    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help)
            return
        }
        let options = try Arguments(arguments, options: ["from", "to"], booleans: [])
        guard options.positional.isEmpty else { throw UsageError("unexpected argument \(options.positional[0])") }
        guard let from = options.value("from"), !from.isEmpty else { throw UsageError("--from STORE is required") }
        guard let to = options.value("to"), !to.isEmpty else { throw UsageError("--to STORE is required") }
        guard from != to else { throw UsageError("--from and --to name the same store") }
        let source = try open(from, mustExist: true)
        let target = try open(to, mustExist: false)
        let progress = Progress(visible: isatty(2) == 1)
        let started = Date()
        let report = try StoreCopier.copy(from: source, to: target) { done, total in
            if done == total || done % 10_000 < StoreCopier.pageSize { progress.draw("rows", done, total) }
        }
        let summary = StoreCopier.tables.map { "\(report.rows[$0.name] ?? 0) \($0.name)" }.joined(separator: ", ")
        print("copied \(report.total) rows in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \(summary); "
              + "counts and figures verified")
    }

    /// Opens the store `text` names (``StoreLocation``), bringing its schema to this build's version (creating it
    /// when new).
    private static func open(_ text: String, mustExist: Bool) throws -> WooAPI.Database {
        let location = StoreLocation(text)
        if mustExist, case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw UsageError("no store at \(path)")
        }
        return try location.open()
    }
}
