import SQLite
import Storage

/// `seed` on a PostgreSQL store: the same rows from the same makers (``SeedCustomer``, ``OrderMaker``, products
/// through ``ProductWrites/create``) as on SQLite, written the plain way. SQLite's speed comes from switches it
/// alone has (no journal sync, triggers dropped and their work done once at the end, indexes rebuilt after the rows,
/// post ids given ahead by the seed under its write lock); here every row goes in as the API writes it, with the
/// schema's triggers keeping role counts, the change logs and the customers' figures, and ids taken from the
/// sequences, so other servers may write meanwhile. One transaction per kind, as on SQLite: a failed run leaves
/// nothing (but the ids it took). Slower per row; correct at any size.
extension StoreSeeder {
    static let nextUserIDs = SQL("SELECT nextval(pg_get_serial_sequence('users', 'id')) FROM generate_series(1, ?)")

    /// ``addCustomers(_:progress:)`` on PostgreSQL: ids from the users sequence, a batch at a time, so each
    /// customer's login and email can carry its id before its row is written.
    func addCustomersPostgres(_ count: Int, progress: Progress) throws {
        let (first, span) = (now - span, span)
        try db.transaction { db in
            let insert = try db.cachedStatement(Self.insertCustomer)
            var secure = SecureBytes()
            var previous = first
            var done = 0
            var range: (first: Int64, last: Int64)?  // the ids taken, for the lookups of a distributed store
            while done < count {
                let size = min(Self.batchSize, count - done)
                let ids = try db.cachedStatement(Self.nextUserIDs).map([.integer(Int64(size))]) { $0.int64(at: 0) }
                if let firstID = ids.first, let lastID = ids.last {
                    range = (range?.first ?? firstID, lastID)
                }
                for id in ids {
                    var registered = first + Int64((Double(done + 1) / Double(count)) * Double(span))
                    if done > 0 && random.next(8) == 0 { registered = previous }
                    registered = max(registered, previous)
                    previous = registered
                    try SeedCustomer(id: id, registered: registered, random: &random, secure: &secure).bind(to: insert)
                    try insert.execute()
                    done += 1
                    if done % 5_000 == 0 || done == count { progress(done, count) }
                }
            }
            if let range { try Bookkeeping.usersAdded(from: range.first, through: range.last, in: db) }
        }
    }

    /// ``addOrders(_:progress:)`` on PostgreSQL: each order made with the next post id, then written as
    /// `POST /orders` with a status writes it (``OrderWrites/create``): its row, its items, then its status's
    /// effects (download grants, sales, a refund's post).
    func addOrdersPostgres(
        _ count: Int, products: [ProductRecord], customers: Customers, start: Int64, progress: Progress
    ) throws {
        let productsByID = Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let end = now
        try db.transaction { db in
            var maker = OrderMaker(random: SplitMix64(seed: random.next()), customers: customers, products: products,
                                   reader: db)
            var previous = start
            for n in 0..<count {
                var created = start + Int64((Double(n + 1) / Double(count)) * Double(end - start))
                if maker.random.next(16) == 0 { created = previous }
                created = max(created, previous)
                previous = created
                let made = try maker.make(id: try PostIDs.next(type: "shop_order", in: db), at: created)
                var order = made.record
                let effects = OrderWrites.enter(made.status, &order, now: order.createdAt)
                try OrderRepository.insert(order, in: db)
                for index in order.items.indices {
                    let item = order.items[index]
                    order.items[index].id = try OrderRepository.insertItem(item, orderID: order.id, in: db)
                }
                try OrderWrites.write(effects, of: order, now: order.createdAt, in: db, products: { productsByID[$0] })
                if (n + 1) % 5_000 == 0 || n + 1 == count { progress(n + 1, count) }
            }
        }
    }
}
