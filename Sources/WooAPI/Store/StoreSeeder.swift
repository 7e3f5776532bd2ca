import Foundation
import SQLite
import Storage

/// Bulk demo data for `wc-api-server seed` (issue 11: one machine at a big store's scale): customers, products and
/// orders written as the API would write them, only faster.
///
/// Speed comes from one transaction per kind and prepared statements, not from shortcuts in what is stored: each customer gets its own random password and
/// hash; products are created through ``ProductWrites/create`` from a JSON body; each order goes through the same
/// record, totals and status transition (``OrderWrites/setStatus``: paid and completed dates, download permissions,
/// `total_sales`, the refund post) as `POST /orders`, and the schema's triggers keep role counts.
/// What differs: an order's row is inserted once, in its final state, after its permissions (the caller runs with
/// foreign keys off); its post id (and its refund's) is given by the seed and the run's post rows are written in one
/// statement at its end; and the customer figures the `orders_stats_insert` trigger would recompute per order (about
/// a third of an order's cost) are added up in memory and written once per customer by ``recordFigures(_:in:)``, to
/// the same values. Rows are made on a second thread while the calling one writes them (``SeedPipeline``).
package final class StoreSeeder {
    /// Called after every few thousand rows with (rows done, rows asked) of the current kind.
    package typealias Progress = (_ done: Int, _ total: Int) -> Void

    let db: Database
    let now: Int64
    /// How far back registrations and orders reach.
    let span: Int64
    var random: SplitMix64
    /// Quantities sold per product id by the orders of the current run, recorded once at its end.
    var sales: [Int64: Int64] = [:]
    /// Tags SKUs of this run, so a store can be seeded twice.
    let tag: String

    package init(database: Database, now: Int64, years: Int64 = 3) {
        db = database
        self.now = now
        span = years * 365 * 86_400
        var seed: UInt64 = 0
        for byte in Crypto.randomBytes(8) { seed = seed << 8 | UInt64(byte) }
        random = SplitMix64(seed: seed)
        tag = Crypto.hex(Crypto.randomBytes(3))
    }

    // MARK: Customers

    static let insertCustomer = SQL("""
        INSERT INTO users (id, \(NewCustomerColumn.list())) VALUES (?, \(NewCustomerColumn.allCases.map { _ in "?" }.joined(separator: ", ")))
        """)

    /// Adds `count` customers registered over the past years, oldest first, about one in eight in the same second
    /// as the one before (ties the list order must break by id). Each username and email carries the customer's
    /// own id (`james.smith123456`, `james.smith123456@example.com`), so they stay unique when a store is seeded
    /// again and make search terms of known selectivity (`*12345*`).
    package func addCustomers(_ count: Int, progress: Progress) throws {
        guard count > 0 else { return }
        if db.dialect == .postgres { return try addCustomersPostgres(count, progress: progress) }
        // One transaction: the username and email indexes fill at random places, so every commit rewrites most of
        // their pages; committing once writes each page once (with 50,000-row batches, 1M customers took 58 s
        // rather than 41 s).
        try db.transaction { db in
            // Customers come in without change-log entries (one per row would be 1M entries for the search index
            // to read back); the seed indexes its users for search itself at the end, in one statement (one index
            // segment), and then restarts the log (``restartChangeLog(in:)``).
            let logTrigger = count >= 1_000 ? try Self.triggerSQL("users_changes_insert", in: db) : nil
            if logTrigger != nil {
                try SearchIndex.catchUp(limit: .max, in: db)
                try db.execute(sql: "DROP TRIGGER users_changes_insert")
            }
            // The role count goes up once by the run's customers rather than by one per row (same final count).
            let countTrigger = logTrigger != nil ? try Self.triggerSQL("users_count_insert", in: db) : nil
            if countTrigger != nil { try db.execute(sql: "DROP TRIGGER users_count_insert") }
            // Ids are given explicitly so each name can carry its id; they start past every id ever used
            // (AUTOINCREMENT's counter: a deleted user's id is never reused) and the counter follows them.
            let lastID = try db.query("""
                SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'users'), 0),
                           coalesce((SELECT max(id) FROM users), 0))
                """).first?[0].int64Value ?? 0
            // A big run fills the secondary indexes after its rows, each in one sorted pass, rather than one random
            // place per row (see ``withoutIndexes(of:when:in:_:)``).
            let existing = try db.query("SELECT count(*) FROM users").first?[0].intValue ?? 0
            try Self.withoutIndexes(of: ["users"], when: Self.rebuildsIndexes(adding: count, to: existing), in: db) {
                let statement = try db.cachedStatement(Self.insertCustomer)
                // The rows (names, password hashes, avatar hashes) are made on a second thread while this one
                // writes them (``SeedPipeline``), which pays when the machine has a second core free.
                let (seed, first, span) = (random.next(), now - span, span)
                var done = 0
                try SeedPipeline.run(produce: { send in
                    var random = SplitMix64(seed: seed)
                    var secure = SecureBytes()
                    var previous = first
                    var batch: [SeedCustomer] = []
                    batch.reserveCapacity(Self.batchSize)
                    for n in 0..<count {
                        var registered = first + Int64((Double(n + 1) / Double(count)) * Double(span))
                        if n > 0 && random.next(8) == 0 { registered = previous }
                        registered = max(registered, previous)
                        previous = registered
                        batch.append(SeedCustomer(id: lastID + 1 + Int64(n), registered: registered, random: &random, secure: &secure))
                        if batch.count == Self.batchSize || n + 1 == count {
                            guard send(batch) else { return }
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                }, consume: { (batch: [SeedCustomer]) in
                    for customer in batch {
                        try customer.bind(to: statement)
                        try statement.execute()
                        done += 1
                        if done % 5_000 == 0 || done == count { progress(done, count) }
                    }
                })
            }
            if let countTrigger {
                try db.execute("""
                    INSERT INTO role_counts (role, users) VALUES ('customer', ?)
                    ON CONFLICT (role) DO UPDATE SET users = users + excluded.users
                    """, [.integer(Int64(count))])
                try db.execute(sql: countTrigger)
            }
            if let logTrigger {
                try db.execute("""
                    INSERT INTO users_search (rowid, text) SELECT id, \(SearchIndex.textSQL) FROM users WHERE id > ?
                    """, [.integer(lastID)])
                try Self.restartChangeLog(in: db)
                try db.execute(sql: logTrigger)
            }
        }
    }

    /// After users were written without change-log entries: leaves one entry two past the last, alone in the log,
    /// so page anchors in every process see a log that no longer reaches back to them and rebuild
    /// (``ListAnchorRegistry``), and marks the search index as including it (its users are all indexed).
    static func restartChangeLog(in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO user_list_changes (seq, role, created_at, id, email, username, delta)
            VALUES ((SELECT coalesce(max(seq), 0) + 2 FROM user_list_changes), '', 0, 0, '', '', 0);
            DELETE FROM user_list_changes WHERE seq < (SELECT max(seq) FROM user_list_changes);
            UPDATE search_progress SET seq = (SELECT max(seq) FROM user_list_changes);
            """)
    }

    /// Whether adding `count` rows to a table of `existing` rows is faster with its indexes built afterwards: a
    /// CREATE INDEX sorts every row once, so it pays when the new rows are many and at least a good part of the table.
    static func rebuildsIndexes(adding count: Int, to existing: Int) -> Bool {
        count >= 1_000 && count >= existing / 2
    }

    /// Runs `body` with the secondary indexes of `table` dropped when `condition` holds, then creates them again
    /// from the statements stored in the schema (`sqlite_master.sql`, so each is exactly as the schema defines it;
    /// a UNIQUE index checks its rows again as it is built). The automatic indexes of UNIQUE and PRIMARY KEY
    /// constraints have no statement and stay. Inside the caller's transaction: an error rolls the drop back too.
    static func withoutIndexes(of tables: [String], when condition: Bool, in db: Database, _ body: () throws -> Void) throws {
        guard condition else { return try body() }
        let indexes = try db.query("""
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (SELECT value FROM json_each(?))
            AND sql IS NOT NULL ORDER BY rowid
            """, [.text(JSONWriter.arrayText(tables.map { .string($0) }))]).map { ($0[0].stringValue ?? "", $0[1].stringValue ?? "") }
        for (name, _) in indexes { try db.execute(sql: "DROP INDEX \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"") }
        try body()
        for (_, sql) in indexes { try db.execute(sql: sql) }
    }

    /// After orders were written without change-log entries: as ``restartChangeLog(in:)`` for the orders lists, one
    /// entry (changing nothing) two past the last, alone in the log, so every process's order anchors rebuild.
    static func restartOrderChangeLog(in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO order_list_changes (seq, status, created_at, updated_at, id, delta)
            VALUES ((SELECT coalesce(max(seq), 0) + 2 FROM order_list_changes), '', 0, 0, 0, 0);
            DELETE FROM order_list_changes WHERE seq < (SELECT max(seq) FROM order_list_changes);
            """)
    }

    /// The CREATE statement of trigger `name`, or nil when the schema has none.
    static func triggerSQL(_ name: String, in db: Database) throws -> String? {
        try db.query("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [.text(name)]).first?[0].stringValue
    }

    /// Rows a producer thread hands to the writer at a time.
    static let batchSize = 2_000

    // MARK: Products

    /// Adds `count` published products through the API's own create: two in three simple and shipped, one in three
    /// downloadable and virtual with one or two files, some with a download limit or expiry, some on sale.
    package func addProducts(_ count: Int) throws {
        guard count > 0 else { return }
        try db.transaction { db in
            for n in 0..<count {
                let downloadable = n % 3 == 2
                let noun = downloadable ? SeedNames.digitalGoods : SeedNames.goods
                let title = "\(SeedNames.adjectives[random.next(SeedNames.adjectives.count)]) \(noun[random.next(noun.count)])"
                let cents = 100 + random.next(150) * 100 + [0, 50, 99][random.next(3)]
                var body = """
                    {"title":"\(title)","type":"simple","sku":"SEED-\(tag)-\(n + 1)","regular_price":"\(Self.price(cents))"
                    """
                if random.next(5) == 0 { body += ",\"sale_price\":\"\(Self.price(cents * 8 / 10))\"" }
                if downloadable {
                    let files = (0...random.next(2)).map { "{\"name\":\"\(title) part \($0 + 1)\",\"file\":\"https://files.example.com/\(tag)/\(n + 1)-\($0 + 1).pdf\"}" }
                    body += ",\"virtual\":true,\"downloadable\":true,\"downloads\":[\(files.joined(separator: ","))]"
                    if random.next(3) == 0 { body += ",\"download_limit\":\(1 + random.next(5))" }
                    if random.next(3) == 0 { body += ",\"download_expiry\":\(30 * (1 + random.next(12)))" }
                }
                body += "}"
                let input = try ProductInput(JSONParser.parse(Array(body.utf8)), create: true)
                _ = try ProductWrites.create(input, now: now - span + Int64(n) * 60, in: db)
            }
        }
    }

    /// `12.50` for 1250 cents.
    private static func price(_ cents: Int) -> String { "\(cents / 100)." + String(format: "%02d", cents % 100) }

    /// Products an order may sell: published simple ones with a price.
    package func orderableProductCount() throws -> Int {
        try db.query("SELECT count(*) " + Self.orderable).first?[0].intValue ?? 0
    }

    /// The FROM and WHERE of ``orderableProducts``.
    static let orderable = "FROM products WHERE type = 'simple' AND status = 'publish' AND price <> ''"
    static let orderableProducts = "SELECT id " + orderable + " ORDER BY id"

    // MARK: Orders

    /// A customer an order may belong to: the orders' dates are after the registrations they pick from.
    struct Customers {
        var ids: [Int64] = []
        var registered: [Int64] = []

        /// How many customers registered at or before `time` (a prefix of the arrays).
        func count(registeredBy time: Int64) -> Int {
            var low = 0, high = registered.count
            while low < high {
                let middle = (low + high) / 2
                if registered[middle] <= time { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    static let customerAddresses = SQL("""
        SELECT \((Address.billingKeys.map { "billing_" + $0 } + Address.shippingKeys.map { "shipping_" + $0 }).joined(separator: ", "))
        FROM users WHERE id = ?
        """)

    /// Adds `count` orders dated over the past years, oldest (lowest id) first, each for a customer registered
    /// before it (one in twenty a guest), with one to four distinct products, a shipping line when something is
    /// shipped, and a status mostly completed or processing.
    package func addOrders(_ count: Int, progress: Progress) throws {
        guard count > 0 else { return }
        let products = try db.query(Self.orderableProducts).compactMap { row in
            try ProductRepository.load(row[0].int64Value ?? 0, in: db)
        }
        guard !products.isEmpty else { throw StoreError("no published simple product with a price to sell") }
        // The download grants read these from memory: no order of the run changes them but for total_sales.
        let productsByID = Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var customers = Customers()
        for row in try db.query("SELECT id, created_at FROM users WHERE role = 'customer' ORDER BY created_at, id") {
            customers.ids.append(row[0].int64Value ?? 0)
            customers.registered.append(row[1].int64Value ?? 0)
        }
        let start = min(customers.registered.first ?? (now - span), now - 86_400)
        if db.dialect == .postgres {
            return try addOrdersPostgres(count, products: products, customers: customers, start: start, progress: progress)
        }
        // One transaction: the per-order figures trigger is dropped for the run and restored at its end, so a crash
        // or error rolls the whole run back with the trigger in place (see ``recordFigures(_:in:)``).
        sales = [:]
        defer { sales = [:] }
        try db.transaction { db in
            let trigger = try Self.triggerSQL("orders_stats_insert", in: db)
            if trigger != nil { try db.execute(sql: "DROP TRIGGER orders_stats_insert") }
            // As for customers: a big run writes no change-log entry per order (its prune trigger deleting them again
            // every 256); the log is restarted at the end, so every process's order anchors rebuild.
            let logTrigger = count >= 1_000 ? try Self.triggerSQL("orders_changes_insert", in: db) : nil
            if logTrigger != nil { try db.execute(sql: "DROP TRIGGER orders_changes_insert") }
            // Post ids: the ones `INSERT INTO posts` would give one at a time (AUTOINCREMENT: past the sequence and
            // every id), taken in order by the orders and, right after a refunded order, its refund post, as
            // ``OrderRepository/newPostID(type:in:)`` and the status transition take them. Their post rows are
            // written in one statement at the end (``insertPosts``); nothing else writes posts meanwhile (this
            // transaction holds the write lock).
            let firstOrder = (try db.query("""
                SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'posts'), 0),
                           coalesce((SELECT max(id) FROM posts), 0))
                """).first?[0].int64Value ?? 0) + 1
            // The order tables' secondary indexes are built after a big run's rows, as the customers' are.
            let existing = try db.query("SELECT count(*) FROM orders").first?[0].intValue ?? 0
            let rebuild = Self.rebuildsIndexes(adding: count, to: existing)
            var figures: [Int64: Figures] = [:]
            try Self.withoutIndexes(of: ["orders", "order_items", "download_permissions"], when: rebuild, in: db) {
                // Orders are made (customer and address, lines, totals, status) on a second thread while this one
                // runs each order's status transition and writes it (``SeedPipeline``). In WAL mode it reads the
                // addresses through a read-only connection of its own (the customers are committed); else (a store
                // in memory, or the seed command's rollback journal, where a reader's lock would keep this
                // connection from spilling pages) this thread reads them.
                let (seed, end, path, customers) = (random.next(), now, db.path, customers)
                let reads = try !(path.isEmpty || path == ":memory:") && db.sqlite?.journalMode() == "wal"
                var done = 0
                try SeedPipeline.run(produce: { send in
                    let reader = reads ? try Database(path: path, configuration: .init(readOnly: true, journalMode: nil)) : nil
                    try reader?.execute(sql: "PRAGMA mmap_size = 4294967296")
                    var maker = OrderMaker(random: SplitMix64(seed: seed), customers: customers, products: products, reader: reader)
                    var previous = start
                    var id = firstOrder
                    var batch: [SeedOrder] = []
                    batch.reserveCapacity(Self.batchSize)
                    for n in 0..<count {
                        var created = start + Int64((Double(n + 1) / Double(count)) * Double(end - start))
                        if maker.random.next(16) == 0 { created = previous }
                        created = max(created, previous)
                        previous = created
                        let order = try maker.make(id: id, at: created)
                        id += order.status == "refunded" ? 2 : 1
                        batch.append(order)
                        if batch.count == Self.batchSize || n + 1 == count {
                            guard send(batch) else { return }
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                }, consume: { (batch: [SeedOrder]) in
                    for made in batch {
                        var order = made.record
                        if made.addressUnread, let address = try Self.address(of: order.customerID, in: db) {
                            (order.billing, order.shipping) = address
                        }
                        try write(&order, status: made.status, productsByID: productsByID, in: db)
                        if order.customerID != 0 { figures[order.customerID, default: Figures()].add(order) }
                        done += 1
                        if done % 5_000 == 0 || done == count { progress(done, count) }
                    }
                })
                try db.execute(Self.insertPosts, [.integer(firstOrder)])
            }
            // The run's sales, one update per product (the same total_sales as one update per line).
            for (product, quantity) in sales.sorted(by: { $0.key < $1.key }) {
                try ProductRepository.recordSales(quantity, of: product, in: db)
            }
            sales = [:]
            if trigger != nil { try Self.recordFigures(figures, in: db) }
            if let trigger { try db.execute(sql: trigger) }
            if let logTrigger {
                try Self.restartOrderChangeLog(in: db)
                try db.execute(sql: logTrigger)
            }
        }
    }

    /// The post rows of the run's orders (from id `?1`) and of their refunds (the id after a refunded order's), in
    /// id order.
    static let insertPosts = """
        INSERT INTO posts (id, type)
        SELECT id, type FROM (SELECT id, 'shop_order' AS type FROM orders WHERE id >= ?1
                              UNION ALL SELECT id + 1, 'shop_order_refund' FROM orders WHERE id >= ?1 AND status = 'refunded')
        ORDER BY id
        """

    /// What the `orders_stats_insert` trigger keeps per customer (customers §3.3), for the orders of one run.
    struct Figures {
        var orders: Int64 = 0
        var spent: Int64 = 0
        var last: Int64 = 0
        var lastDate: Int64 = 0

        mutating func add(_ order: OrderRecord) {
            orders += 1
            if order.status == "processing" || order.status == "completed" { spent += order.totalCents }
            if order.id > last { (last, lastDate) = (order.id, order.createdAt) }
        }
    }

    /// The customer figures after a run's orders, one update per customer in id order: the run's orders are added
    /// to what the trigger kept for the earlier ones, to the values it computes per order (customers §3.3): orders
    /// not in the trash count (the run has none in the trash), paid statuses make total_spent, the highest id is the
    /// last order (the run's ids are past every earlier one). Like the trigger, it bumps `version` (cached JSON is
    /// stale).
    static func recordFigures(_ figures: [Int64: Figures], in db: Database) throws {
        let statement = try db.cachedStatement("""
            UPDATE users SET version = version + 1, orders_count = orders_count + ?2,
                total_spent_cents = total_spent_cents + ?3, last_order_id = ?4, last_order_date = ?5
            WHERE id = ?1
            """)
        for (customer, f) in figures.sorted(by: { $0.key < $1.key }) {
            try statement.bind(customer, at: 1)
            try statement.bind(f.orders, at: 2)
            try statement.bind(f.spent, at: 3)
            try statement.bind(f.last, at: 4)
            try statement.bind(f.lastDate, at: 5)
            try statement.execute()
        }
    }

    /// The billing and shipping addresses stored for customer `id`.
    static func address(of id: Int64, in db: Database) throws -> (billing: Address, shipping: Address)? {
        let statement = try db.cachedStatement(Self.customerAddresses)
        try statement.bind(id, at: 1)
        return try statement.first(nil) { row in
            (Address(.billing, (0..<Address.billingKeys.count).map { Optional(row.text(at: $0)) }),
             Address(.shipping, (0..<Address.shippingKeys.count).map { Optional(row.text(at: Address.billingKeys.count + $0)) }))
        }
    }

    /// Writes one made order as `POST /orders` with a status does (products-orders §5): its status transition
    /// (paid and completed dates, download permissions, sales; the refund post is written with the run's posts),
    /// then its row, in its final state, after its permissions (foreign keys are off for the seed), then its items.
    private func write(_ order: inout OrderRecord, status: String, productsByID: [Int64: ProductRecord], in db: Database) throws {
        try OrderWrites.setStatus(&order, to: status, now: order.createdAt, in: db, products: { productsByID[$0] },
                                  sales: { quantity, product in self.sales[product, default: 0] += quantity },
                                  refundPost: {})
        try OrderRepository.insert(order, in: db)
        for item in order.items { _ = try OrderRepository.insertItem(item, orderID: order.id, in: db) }
    }
}

/// An order made on the seed's producer thread, to be written with its status.
struct SeedOrder: Sendable {
    var record: OrderRecord
    var status: String
    /// The customer's addresses are still to be read (no reader connection).
    var addressUnread = false
}

/// Makes the seed's orders (on the producer thread): customer, addresses, lines, totals, payment, status.
struct OrderMaker {
    var random: SplitMix64
    var secure = SecureBytes()
    let customers: StoreSeeder.Customers
    let products: [ProductRecord]
    /// Reads the customers' addresses; nil for a store in memory (the writer then reads them).
    let reader: Database?

    init(random: SplitMix64, customers: StoreSeeder.Customers, products: [ProductRecord], reader: Database?) {
        self.random = random
        self.customers = customers
        self.products = products
        self.reader = reader
    }

    mutating func make(id: Int64, at created: Int64) throws -> SeedOrder {
        var order = OrderRecord()
        var addressUnread = false
        order.id = id
        order.orderKey = "wc_order_" + secure.hex(7).prefix(13)
        order.createdAt = created
        order.updatedAt = created
        order.customerIP = "203.0.113.\(1 + random.next(254))"
        order.customerUserAgent = SeedNames.userAgents[random.next(SeedNames.userAgents.count)]
        let registered = customers.count(registeredBy: created)
        if registered > 0 && random.next(20) != 0 {
            order.customerID = customers.ids[random.next(registered)]
            if let reader {
                if let address = try StoreSeeder.address(of: order.customerID, in: reader) { (order.billing, order.shipping) = address }
            } else {
                addressUnread = true
            }
        } else {
            let first = SeedNames.first[random.next(SeedNames.first.count)]
            let last = SeedNames.last[random.next(SeedNames.last.count)]
            let (city, state, postcode) = SeedNames.cities[random.next(SeedNames.cities.count)]
            let street = "\(100 + random.next(9_900)) \(SeedNames.streets[random.next(SeedNames.streets.count)]) Ave"
            let email = "\(first.lowercased()).\(last.lowercased()).guest\(order.id)@example.net"
            order.billing = Address(.billing, [first, last, "", street, "", city, state, postcode, "US", email, "(555) 010-0000"])
            order.shipping = Address(.shipping, [first, last, "", street, "", city, state, postcode, "US"])
        }
        // Lines: one to four distinct products (40/30/20/10 %), quantities mostly 1, as `newItem` writes them.
        let lines = min(products.count, [1, 1, 1, 1, 2, 2, 2, 3, 3, 4][random.next(10)])
        var chosen: [Int] = []
        while chosen.count < lines {
            let index = random.next(products.count)
            if !chosen.contains(index) { chosen.append(index) }
        }
        for index in chosen {
            var item = OrderItem(kind: .lineItem)
            let sold = SoldProduct(product: products[index])
            item.quantity = Int64([1, 1, 1, 1, 1, 1, 1, 2, 2, 3][random.next(10)])
            sold.apply(to: &item)
            let lineTotal = (PHPNumericString.value(sold.price) ?? 0) * Double(item.quantity)
            item.total = lineTotal
            item.subtotal = lineTotal
            order.items.append(item)
        }
        if chosen.contains(where: { !products[$0].virtual }) {
            var shipping = OrderItem(kind: .shipping)
            let free = random.next(4) == 0
            shipping.methodID = free ? "free_shipping" : "flat_rate"
            shipping.name = free ? "Free shipping" : "Flat rate"
            shipping.total = free ? 0 : 5
            order.items.append(shipping)
        }
        order.calculateTotals()
        let (method, title) = SeedNames.payments[random.next(SeedNames.payments.count)]
        order.paymentMethod = method
        order.paymentMethodTitle = title
        return SeedOrder(record: order, status: SeedNames.statuses[random.next(SeedNames.statuses.count)], addressUnread: addressUnread)
    }
}

/// A customer's row as ``StoreSeeder/insertCustomer`` binds it, made on the seed's producer thread.
struct SeedCustomer: Sendable {
    let id: Int64
    let registered: Int64
    let login: String
    let email: String
    let passwordHash: String
    let first: String
    let last: String
    /// The billing values in ``Address/billingKeys`` order; the shipping address is its first nine.
    let billing: [String]
    let avatarHash: String

    init(id: Int64, registered: Int64, random: inout SplitMix64, secure: inout SecureBytes) {
        self.id = id
        self.registered = registered
        first = SeedNames.first[random.next(SeedNames.first.count)]
        last = SeedNames.last[random.next(SeedNames.last.count)]
        login = "\(first.lowercased()).\(last.lowercased())\(id)"
        email = login + "@example.com"
        let (city, state, postcode) = SeedNames.cities[random.next(SeedNames.cities.count)]
        let street = "\(100 + random.next(9_900)) \(SeedNames.streets[random.next(SeedNames.streets.count)]) St"
        let phone = "(555) \(100 + random.next(900))-\(1_000 + random.next(9_000))"
        let company = random.next(10) == 0 ? SeedNames.companies[random.next(SeedNames.companies.count)] : ""
        billing = [first, last, company, street, "", city, state, postcode, "US", email, phone]
        passwordHash = secure.generatedPasswordHash()
        avatarHash = CustomerJSON.avatarHash(email: email)
    }

    func bind(to statement: Statement) throws {
        typealias C = NewCustomerColumn
        func at(_ column: C) -> Int { column.parameter + 1 }
        try statement.bind(id, at: 1)
        try statement.bind(login, at: at(.username))
        try statement.bind(email, at: at(.email))
        try statement.bind(passwordHash, at: at(.passwordHash))
        try statement.bind("customer", at: at(.role))
        try statement.bind(registered, at: at(.createdAt))
        try statement.bind(registered, at: at(.updatedAt))
        try statement.bind(first, at: at(.firstName))
        try statement.bind(last, at: at(.lastName))
        for (index, value) in billing.enumerated() { try statement.bind(value, at: at(.billingFirstName) + index) }
        for index in 0..<Address.shippingKeys.count { try statement.bind(billing[index], at: at(.shippingFirstName) + index) }
        try statement.bind(avatarHash, at: at(.avatarHash))
    }
}

/// A small fast generator for the seed's choices (names, statuses, quantities); secrets come from ``SecureBytes``.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (the modulo bias is negligible for the seed's small bounds).
    mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Cryptographically random bytes drawn from a large buffer, so a million customers need a few hundred calls of
/// `RAND_bytes` rather than two million: each customer still gets its own password and salt.
struct SecureBytes {
    private var buffer: [UInt8] = []
    private var position = 0

    mutating func take(_ count: Int) -> ArraySlice<UInt8> {
        if position + count > buffer.count {
            buffer = Crypto.randomBytes(1 << 16)
            position = 0
        }
        defer { position += count }
        return buffer[position..<position + count]
    }

    mutating func hex(_ count: Int) -> String { Crypto.hex(take(count)) }

    /// What ``PasswordHasher/hashGenerated(_:)`` stores for a new ``PasswordHasher/generatePassword(length:)``:
    /// a 24-character random password (never kept) under a 16-byte random salt.
    mutating func generatedPasswordHash() -> String {
        let alphabet = SeedNames.passwordAlphabet
        var password: [UInt8] = []
        password.reserveCapacity(24)
        while password.count < 24 {
            // Rejection sampling keeps every symbol equally likely: 216 = 3 × 72.
            for byte in take(32) where byte < 216 && password.count < 24 { password.append(alphabet[Int(byte) % alphabet.count]) }
        }
        let salt = Array(take(16))
        return "sha256$\(Crypto.base64(salt))$\(Crypto.base64(Crypto.sha256(salt + password)))"
    }
}

/// The seed's vocabulary.
enum SeedNames {
    static let passwordAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()".utf8)
    static let first = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
        "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Christopher",
        "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven",
        "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle"]
    static let last = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
        "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson"]
    static let cities: [(String, String, String)] = [("San Francisco", "CA", "94103"), ("New York", "NY", "10001"),
        ("Austin", "TX", "73301"), ("Seattle", "WA", "98101"), ("Chicago", "IL", "60601"), ("Boston", "MA", "02108"),
        ("Denver", "CO", "80202"), ("Miami", "FL", "33101"), ("Portland", "OR", "97201"), ("Atlanta", "GA", "30301")]
    static let streets = ["Market", "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill"]
    static let companies = ["Acme Inc", "Globex", "Initech", "Umbrella LLC", "Stark Industries", "Wayne Enterprises"]
    static let adjectives = ["Classic", "Organic", "Premium", "Vintage", "Handmade", "Modern", "Deluxe", "Essential"]
    static let goods = ["T-Shirt", "Hoodie", "Mug", "Backpack", "Notebook", "Water Bottle", "Cap", "Poster", "Sneakers"]
    static let digitalGoods = ["E-book", "Album", "Font Pack", "Icon Set", "Video Course", "Photo Bundle"]
    static let payments = [("bacs", "Direct Bank Transfer"), ("cheque", "Check Payments"), ("paypal", "PayPal"),
        ("stripe", "Credit Card (Stripe)")]
    /// Weighted: 55 % completed, 20 % processing, 8 % on-hold, 7 % pending, 6 % cancelled, 4 % refunded.
    static let statuses: [String] = Array(repeating: "completed", count: 55) + Array(repeating: "processing", count: 20)
        + Array(repeating: "on-hold", count: 8) + Array(repeating: "pending", count: 7)
        + Array(repeating: "cancelled", count: 6) + Array(repeating: "refunded", count: 4)
    static let userAgents = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1)",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)", "WooCommerce API Client-PHP/3.1"]
}
