import SQLite
import Storage

/// The `download_permissions` table: grants written when an order is paid, and the usable ones a customer lists.
enum DownloadRepository {
    /// Rows listed exactly when customers §10.2 says: the order still exists and is completed or processing, the product
    /// still has the file, downloads remain (or are unlimited) and access has not expired before today (UTC).
    static let usable = usableSQL("CAST(d.downloads_remaining AS INTEGER) > 0")
    /// ``usable`` for PostgreSQL: its CAST of text fails on '' instead of giving 0, and an OR may be evaluated in
    /// either order, so the test of the count goes inside a CASE that looks at '' first.
    static let usablePostgres = usableSQL(
        "CASE WHEN d.downloads_remaining = '' THEN TRUE ELSE CAST(d.downloads_remaining AS BIGINT) > 0 END")

    private static func usableSQL(_ remainingTest: String) -> SQL {
        SQL("""
            SELECT d.download_id, d.product_id, f.name, d.order_id, d.order_key, d.downloads_remaining,
                   d.access_expires, f.file, d.user_email
            FROM download_permissions d
            JOIN orders o ON o.id = d.order_id AND o.status IN ('completed', 'processing')
            JOIN product_downloads f ON f.product_id = d.product_id AND f.download_id = d.download_id
            WHERE d.user_id = ?1 AND d.order_id > 0
              AND (d.downloads_remaining = '' OR \(remainingTest))
              AND (d.access_expires IS NULL OR d.access_expires >= ?2)
            ORDER BY d.order_id, d.product_id, d.id
            """)
    }

    static let insertPermission = SQL("""
        INSERT INTO download_permissions (download_id, product_id, user_id, user_email, order_id, order_key,
          downloads_remaining, access_granted, access_expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)

    /// Calls `body` with each usable download of `customer` (``usable``), in the listed order.
    static func forEachUsable(customer id: Int64, today: Int64, in db: Database, _ body: (DownloadRecord) throws -> Void) throws {
        let statement = try db.cachedStatement(db.dialect == .postgres ? usablePostgres : usable)
        try statement.bind([.integer(id), .integer(today)])
        try statement.forEach { row in
            try body(DownloadRecord(
                downloadID: row.text(at: 0), productID: row.int64(at: 1), name: row.text(at: 2),
                orderID: row.int64(at: 3), orderKey: row.text(at: 4), remaining: row.text(at: 5),
                expires: row.isNull(at: 6) ? nil : row.int64(at: 6), file: row.text(at: 7), email: row.text(at: 8)))
        }
    }

    /// One permission per downloadable file of each product line (products-orders §5.4).
    static func grant(_ order: OrderRecord, now: Int64, in db: Database, products: ((Int64) -> ProductRecord?)? = nil) throws {
        let email = order.billing.email ?? ""
        for line in order.items(.lineItem) {
            // The line's product as `get_product` finds it: its variation, if it names one (products-orders §7.5).
            let soldID = line.variationID != 0 ? line.variationID : line.productID
            let known = products?(soldID)
            guard let product = try known ?? ProductRepository.load(soldID, in: db), product.downloadable, !product.isVariable else { continue }
            let remaining = product.downloadLimit < 0 ? "" : String(product.downloadLimit.multipliedReportingOverflow(by: line.quantity).partialValue)
            var expires: SQLValue = .null
            if product.downloadExpiry > 0 {
                // Midnight of the completed date (or today) plus the expiry days, capped at the year 9999.
                let start = (order.completedAt ?? now)
                let midnight = start - ((start % 86_400) + 86_400) % 86_400
                let days = min(product.downloadExpiry, 3_000_000)
                expires = .integer(min(midnight + days * 86_400, 253_402_214_400))
            }
            for file in product.downloads {
                let statement = try db.cachedStatement(insertPermission)
                try statement.bind([
                    .text(file.id), .integer(product.id), .integer(order.customerID), .text(email), .integer(order.id),
                    .text(order.orderKey), .text(remaining), .integer(now), expires,
                ])
                try statement.execute()
            }
        }
    }
}
