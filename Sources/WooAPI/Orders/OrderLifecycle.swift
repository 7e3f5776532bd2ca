import SQLite
import Storage

/// Status transitions and their effects (products-orders §5): paid and completed dates, download grants, sales, refunds.
extension OrderWrites {
    /// What a status transition writes beyond the order's own row (products-orders §5.3): download permissions and
    /// sales once per order, and a refund post for a move to refunded.
    struct StatusEffects {
        var grantsDownloads = false
        var recordsSales = false
        var refundPosts = 0

        mutating func add(_ other: StatusEffects) {
            grantsDownloads = grantsDownloads || other.grantsDownloads
            recordsSales = recordsSales || other.recordsSales
            refundPosts += other.refundPosts
        }
    }

    /// Moves the order to `status` in memory (products-orders §5.2): dates and once-per-order flags. The returned
    /// effects are written by ``write(_:of:now:in:products:sales:)``; a create writes them after the order's row, so
    /// the row is inserted once with its final status instead of inserted and then updated.
    static func enter(_ status: String, _ order: inout OrderRecord, now: Int64) -> StatusEffects {
        var effects = StatusEffects()
        guard status != order.status else { return effects }
        order.status = status
        order.updatedAt = now
        // `maybe_set_date_paid`: reaching the payment-complete status, or `completed` past it, records the payment.
        if order.paidAt == nil && (status == order.paymentCompleteStatus || status == "completed") { order.paidAt = now }
        if status == "completed" { order.completedAt = now }
        if (status == "processing" || status == "completed") && !order.downloadsGranted {
            effects.grantsDownloads = true
            order.downloadsGranted = true
        }
        if ["processing", "completed", "on-hold"].contains(status) && !order.salesRecorded {
            effects.recordsSales = true
            order.salesRecorded = true
        }
        // A refund for the whole amount is a post of its own: it uses up a post id, as on the real store.
        if status == "refunded" { effects.refundPosts = 1 }
        return effects
    }

    /// Writes a transition's effects for the order as it is now. `products` may answer the download grant's product
    /// reads from memory (the seed's products, which no order changes but for their sales); a product it does not know
    /// is read from the store. `sales` may take the sales to record (quantity, product id) instead of
    /// ``ProductRepository/recordSales(_:of:in:)``: the seed adds them up and records each product's sum once at the
    /// end of its transaction. `refundPost` may stand for writing a refund post: the seed gives its orders' ids itself
    /// (a refund's is the one after its order's) and writes their post rows in one statement.
    static func write(
        _ effects: StatusEffects, of order: OrderRecord, now: Int64, in db: Database,
        products: ((Int64) -> ProductRecord?)? = nil, sales: ((Int64, Int64) -> Void)? = nil,
        refundPost: (() throws -> Void)? = nil
    ) throws {
        if effects.grantsDownloads { try DownloadRepository.grant(order, now: now, in: db, products: products) }
        if effects.recordsSales {
            for line in order.items(.lineItem) where line.productID > 0 {
                if let sales { sales(line.quantity, line.productID) } else {
                    try ProductRepository.recordSales(line.quantity, of: line.productID, in: db)
                }
            }
        }
        for _ in 0..<effects.refundPosts {
            if let refundPost { try refundPost() } else { _ = try OrderRepository.newPostID(type: "shop_order_refund", in: db) }
        }
    }

    /// Moves the order to `status` and writes the transition's effects at once (products-orders §5.2, §5.3).
    static func setStatus(
        _ order: inout OrderRecord, to status: String, now: Int64, in db: Database,
        products: ((Int64) -> ProductRecord?)? = nil, sales: ((Int64, Int64) -> Void)? = nil,
        refundPost: (() throws -> Void)? = nil
    ) throws {
        let effects = enter(status, &order, now: now)
        try write(effects, of: order, now: now, in: db, products: products, sales: sales, refundPost: refundPost)
    }

    /// `payment_complete` (products-orders §4.6): from on-hold, pending, failed or cancelled only. In memory, as
    /// ``enter(_:_:now:)``.
    static func completePayment(_ order: inout OrderRecord, transactionID: String?, now: Int64) -> StatusEffects {
        guard ["on-hold", "pending", "failed", "cancelled"].contains(order.status) else { return StatusEffects() }
        if let transactionID, !transactionID.isEmpty { order.transactionID = transactionID }
        if order.paidAt == nil { order.paidAt = now }
        return enter(order.paymentCompleteStatus, &order, now: now)
    }
}
