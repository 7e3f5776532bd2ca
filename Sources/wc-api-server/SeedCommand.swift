import Foundation
import Glibc
import Postgres
import SQLite
import Storage
import WooAPI

/// `wc-api-server seed`: realistic demo customers, products and orders at a big store's scale (issue 11), written
/// by ``StoreSeeder`` in large transactions with durability relaxed for the run only.
enum SeedCommand {
    static let help = """
        usage: wc-api-server seed [--database PATH] [--customers N] [--orders M] [--products P]

          --database PATH   SQLite store, created if missing (env WC_API_DATABASE, default ./wc-api.sqlite), or a
                            PostgreSQL URL or conninfo (brought to this build's schema first)
          --customers N     how many customers to add (0...10000000)
          --orders M        how many orders to add (0...10000000), for customers already in the store or added now
          --products P      how many products to add (0...100000); with --orders and no product to sell, 50 are added

        At least one count must be positive. Customers get unique emails and usernames carrying their id
        (james.smith123456@example.com), names, US billing/shipping addresses and registration times over the past
        three years, some in the same second; passwords are random and never printed. Products are simple, a third
        of them downloadable. Orders have 1-4 lines, mostly completed or processing, dated over the same years, with
        the download permissions, sales and customer figures the API would record. A progress bar is shown when
        standard error is a terminal; a summary line (counts, seconds, store size) is printed at the end.

        Customers are written in one transaction, orders in another; while seeding, the connection runs with
        synchronous=OFF, a rollback journal rather than WAL (when no other connection has the store open), foreign
        keys off and a page cache of up to 2 GB, so a power loss in the middle may leave a damaged store. The store is checkpointed at the end, so its main file holds everything.
        On PostgreSQL the same rows are written as the API writes them (triggers on, durable commits, ids from the
        sequences), one transaction per kind: slower per row, and other servers may run meanwhile.
        """

    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help)
            return
        }
        let options = try Arguments(arguments, options: ["database", "customers", "orders", "products"])
        guard options.positional.isEmpty else { throw UsageError("unexpected argument \(options.positional[0])") }
        let customers = try options.integer("customers", default: 0, in: 0...10_000_000)
        let orders = try options.integer("orders", default: 0, in: 0...10_000_000)
        var products = try options.integer("products", default: 0, in: 0...100_000)
        guard customers + orders + products > 0 else { throw UsageError("--customers N, --orders M or --products P is required") }
        let location = StoreLocation(options.value("database", environment: "WC_API_DATABASE") ?? "wc-api.sqlite")
        let store = try location.open()
        guard let database = store.sqlite else {
            return try seedPostgres(store, location: location, customers: customers, orders: orders, products: products)
        }
        let path = database.path

        let started = Date()
        let progress = Progress(visible: isatty(2) == 1)
        // Per-connection settings for the run only: commits need not reach the disk (the final checkpoint does),
        // a page cache of up to 2 GB (allocated as used) holds a big seed's one transaction without spilling
        // pages to the log twice, and the order rows may follow their permissions.
        try database.setSynchronous(.off)
        try database.execute(sql: "PRAGMA cache_size = -2097152")
        // Statement journals (every insert firing triggers keeps one) in memory, not in a temporary file; the
        // orders' random reads of customers through a memory map rather than a pread each.
        try database.execute(sql: "PRAGMA temp_store = MEMORY")
        try database.execute(sql: "PRAGMA mmap_size = 4294967296")
        try database.setForeignKeys(enabled: false)
        // A rollback journal rather than the log for the run, when no other connection has the store open (the
        // switch needs the store to itself; else the run stays in WAL mode): a commit then writes each page once,
        // into the store, where the log would take it once and the checkpoint copy it again (about 6 s of a
        // 1M-customer, 1M-order run). Safe against a crash of the process as the log is: the journal holds the
        // original of every page the run overwrites, and the next connection to open the store rolls the run
        // back from it (then switches to WAL, as every connection does); a power loss may damage the store in either
        // mode with synchronous=OFF. WAL mode is back before the final checkpoint.
        try database.setBusyTimeout(milliseconds: 0)
        let rollbackJournal = (try? database.setJournalMode(.truncate)) == "truncate"
        try database.setBusyTimeout(milliseconds: SQLite.Database.Configuration().busyTimeoutMilliseconds)
        defer {
            try? database.setForeignKeys(enabled: true)
            try? database.setSynchronous(.full)
            if rollbackJournal { _ = try? database.setJournalMode(.wal) }
        }
        let seeder = StoreSeeder(database: WooAPI.Database(sqlite: database), now: Int64(time(nil)))
        let phases = try fill(seeder, customers: customers, products: &products, orders: orders, progress: progress)
        // Durable at the end: with synchronous back to FULL, the checkpoint syncs the log and the main file.
        try database.setSynchronous(.full)
        if rollbackJournal {
            let mode = try database.setJournalMode(.wal)
            guard mode == "wal" else { throw StoreError("journal_mode wal not enabled after the seed (got \(mode))") }
        }
        try database.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")

        let seconds = Date().timeIntervalSince(started)
        let bytes = [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
        print("seeded \(customers) customers, \(products) products, \(orders) orders into \(path) in "
            + String(format: "%.1f s", seconds) + " (" + phases.joined(separator: ", ") + ")"
            + String(format: "; store %.1f MB", Double(bytes) / 1_048_576))
    }

    /// Adds the customers, products (50 when orders are asked for and the store has none to sell) and orders, in
    /// that order, drawing progress; returns each phase's name and time for the summary line.
    private static func fill(
        _ seeder: StoreSeeder, customers: Int, products: inout Int, orders: Int, progress: Progress
    ) throws -> [String] {
        var phases: [String] = []
        func phase(_ name: String, _ body: () throws -> Void) rethrows {
            let start = Date()
            try body()
            phases.append(name + String(format: " %.1f s", Date().timeIntervalSince(start)))
        }
        try phase("customers") { try seeder.addCustomers(customers) { progress.draw("customers", $0, $1) } }
        if products == 0, orders > 0, try seeder.orderableProductCount() == 0 { products = 50 }
        let productCount = products
        try phase("products") { try seeder.addProducts(productCount) }
        try phase("orders") { try seeder.addOrders(orders) { progress.draw("orders", $0, $1) } }
        return phases
    }

    /// `seed` on a PostgreSQL store (``StoreSeeder``'s plain path: the same rows, written as the API writes them,
    /// with the schema's triggers on and durable commits; other servers may run meanwhile).
    private static func seedPostgres(
        _ store: WooAPI.Database, location: StoreLocation, customers: Int, orders: Int, products: Int
    ) throws {
        defer { store.postgres?.close() }
        let started = Date()
        let progress = Progress(visible: isatty(2) == 1)
        let seeder = StoreSeeder(database: store, now: Int64(time(nil)))
        var products = products
        let phases = try fill(seeder, customers: customers, products: &products, orders: orders, progress: progress)
        print("seeded \(customers) customers, \(products) products, \(orders) orders into \(location) in "
            + String(format: "%.1f s", Date().timeIntervalSince(started)) + " (" + phases.joined(separator: ", ") + ")")
    }
}
