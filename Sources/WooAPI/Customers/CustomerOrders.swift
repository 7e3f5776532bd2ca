import HTTP
import SQLite
import Storage

/// `GET /customers/<id>/orders` (customers §10): validated as a read of the customer, then built in one read transaction.
extension CustomerHandlers {
    /// Every order of the customer in a registered status, oldest first, no pagination; `fields` filters each
    /// order (decisions #15) and `filter[dp]` / `filter[meta]` apply as on `/orders`.
    func orders(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let view = OrderHandlers.view(context, publicURL: publicURL, fields: true)
        try readableCustomer(context)
        let id = try Self.customerID(context.captures[0], status: 404)
        // However many orders the customer has: on the read pool (issue 11).
        return store.list(owner: context.readOwner, cheap: false) { db in
            APIResponse(body: try {
                let ids = try OrderRepository.customerOrderIDs(id, in: db)
                var writer = JSONWriter(capacity: 64 + 3000 * ids.count)
                writer.beginObject()
                writer.key("orders")
                writer.beginArray()
                var customer: (id: Int64, bytes: [UInt8])?
                for orderID in ids {
                    guard let order = try OrderRepository.load(orderID, in: db) else { continue }
                    // Every order here has the same customer: encode it once.
                    if customer?.id != order.customerID {
                        customer = (order.customerID, try OrderJSON.customer(of: order, in: db))
                    }
                    OrderJSON.write(order, customer: customer!.bytes, view: view, to: &writer)
                }
                writer.endArray()
                writer.endObject()
                return writer.bytes
            }())
        }
    }
}
