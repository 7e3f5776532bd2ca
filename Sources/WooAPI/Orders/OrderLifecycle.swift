import SQLite

/// Status transitions and their effects (products-orders §5): paid and completed dates, download grants, sales, refunds.
extension OrderWrites {
    /// Moves the order to `status` and runs the transition's effects (products-orders §5.2, §5.3). `products` may
    /// answer the download grant's product reads from memory (the seed's products, which no order changes but for
    /// their sales); a product it does not know is read from the store. `sales` may take the sales to record
    /// (quantity, product id) instead of ``ProductRepository/recordSales(_:of:in:)``: the seed adds them up and
    /// records each product's sum once at the end of its transaction. `refundPost` may stand for writing the refund
    /// post: the seed gives its orders' ids itself (a refund's is the one after its order's) and writes their post
    /// rows in one statement.
    static func setStatus(
        _ order: inout OrderRecord, to status: String, now: Int64, in db: Database,
        products: ((Int64) -> ProductRecord?)? = nil, sales: ((Int64, Int64) -> Void)? = nil,
        refundPost: (() throws -> Void)? = nil
    ) throws {
        guard status != order.status else { return }
        order.status = status
        order.updatedAt = now
        // `maybe_set_date_paid`: reaching the payment-complete status, or `completed` past it, records the payment.
        if order.paidAt == nil && (status == order.paymentCompleteStatus || status == "completed") { order.paidAt = now }
        if status == "completed" { order.completedAt = now }
        if (status == "processing" || status == "completed") && !order.downloadsGranted {
            try DownloadRepository.grant(order, now: now, in: db, products: products)
            order.downloadsGranted = true
        }
        if ["processing", "completed", "on-hold"].contains(status) && !order.salesRecorded {
            for line in order.items(.lineItem) where line.productID > 0 {
                if let sales { sales(line.quantity, line.productID) } else {
                    try ProductRepository.recordSales(line.quantity, of: line.productID, in: db)
                }
            }
            order.salesRecorded = true
        }
        // A refund for the whole amount is a post of its own: it uses up a post id, as on the real store.
        if status == "refunded" {
            if let refundPost { try refundPost() } else { _ = try OrderRepository.newPostID(type: "shop_order_refund", in: db) }
        }
    }

    /// `payment_complete` (products-orders §4.6): from on-hold, pending, failed or cancelled only.
    static func completePayment(_ order: inout OrderRecord, transactionID: String?, now: Int64, in db: Database) throws {
        guard ["on-hold", "pending", "failed", "cancelled"].contains(order.status) else { return }
        if let transactionID, !transactionID.isEmpty { order.transactionID = transactionID }
        if order.paidAt == nil { order.paidAt = now }
        try setStatus(&order, to: order.paymentCompleteStatus, now: now, in: db)
    }
}
