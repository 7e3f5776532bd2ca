import HTTP
import SQLite

/// `GET /customers/<id>/orders` and `/downloads` (customers §10): validated as a read of the customer, then built in
/// one read transaction.
extension CustomerHandlers {
    /// Every order of the customer in a registered status, oldest first, no pagination; `fields` filters each
    /// order (decisions #15) and `filter[dp]` / `filter[meta]` apply as on `/orders`.
    func orders(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let view = OrderHandlers.view(context, publicURL: publicURL, fields: true)
        try readableCustomer(context)
        let id = try Self.customerID(context.captures[0], status: 404)
        let body = try store.apiRead { db in
            try db.transaction(.deferred) { db -> [UInt8] in
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
            }
        }
        return .now(APIResponse(body: body))
    }

    /// The customer's usable download permissions (customers §10.2); `fields` filters each record (decisions #15).
    func downloads(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let fields = FieldFilter(try context.parameters.string("fields"))
        try readableCustomer(context)
        let id = try Self.customerID(context.captures[0], status: 404)
        let now = self.now()
        let today = now - ((now % 86_400) + 86_400) % 86_400
        let base = publicURL + "/?download_file="
        let body = try store.apiRead { db in
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writer.key("downloads")
            writer.beginArray()
            let statement = try db.cachedStatement(Self.downloadsSQL)
            try statement.bind([.integer(id), .integer(today)])
            try statement.forEach { row in
                let record = DownloadRecord(
                    downloadID: row.text(at: 0), productID: row.int64(at: 1), name: row.text(at: 2),
                    orderID: row.int64(at: 3), orderKey: row.text(at: 4), remaining: row.text(at: 5),
                    expires: row.isNull(at: 6) ? nil : row.int64(at: 6), file: row.text(at: 7), email: row.text(at: 8))
                record.write(base: base, fields: fields, to: &writer)
            }
            writer.endArray()
            writer.endObject()
            return writer.bytes
        }
        return .now(APIResponse(body: body))
    }

    /// Rows listed exactly when customers §10.2 says: the order still exists and is completed or processing, the product
    /// still has the file, downloads remain (or are unlimited) and access has not expired before today (UTC).
    static let downloadsSQL = SQL("""
        SELECT d.download_id, d.product_id, f.name, d.order_id, d.order_key, d.downloads_remaining, d.access_expires,
               f.file, d.user_email
        FROM download_permissions d
        JOIN orders o ON o.id = d.order_id AND o.status IN ('completed', 'processing')
        JOIN product_downloads f ON f.product_id = d.product_id AND f.download_id = d.download_id
        WHERE d.user_id = ?1 AND d.order_id > 0
          AND (d.downloads_remaining = '' OR CAST(d.downloads_remaining AS INTEGER) > 0)
          AND (d.access_expires IS NULL OR d.access_expires >= ?2)
        ORDER BY d.order_id, d.product_id, d.id
        """)
}

/// One `/customers/<id>/downloads` record (customers §10.2), keys in order.
struct DownloadRecord {
    var downloadID: String
    var productID: Int64
    var name: String
    var orderID: Int64
    var orderKey: String
    var remaining: String
    var expires: Int64?
    var file: String
    var email: String

    static let keys: [(name: String, isObject: Bool)] = [
        ("download_url", false), ("download_id", false), ("product_id", false), ("download_name", false),
        ("order_id", false), ("order_key", false), ("downloads_remaining", false), ("access_expires", false), ("file", true),
    ]

    func write(base: String, fields: FieldFilter?, to writer: inout JSONWriter) {
        writer.filteredObject(Self.keys, fields: fields) { index, rule, writer in
            switch Self.keys[index].name {
            case "download_url":
                writer.string(base + "\(productID)&order=" + orderKey + "&email=" + URLEncoding.formEncode(email)
                              + "&key=" + URLEncoding.formEncode(downloadID))
            case "download_id": writer.string(downloadID)
            case "product_id": writer.int(Int(productID))
            case "download_name": writer.string(name)
            case "order_id": writer.int(Int(orderID))
            case "order_key": writer.string(orderKey)
            case "downloads_remaining": writer.string(remaining)
            case "access_expires":
                if let expires { APIDate.write(expires, to: &writer) } else { writer.null() }
            default:  // "file"
                let children = [("name", name), ("file", file)].filter { rule?.keepsChild($0.0) ?? true }
                if children.isEmpty {
                    writer.beginArray()
                    writer.endArray()
                } else {
                    writer.beginObject()
                    for (child, value) in children {
                        writer.key(child)
                        writer.string(value)
                    }
                    writer.endObject()
                }
            }
        }
    }
}

/// PHP's `urlencode`: every byte but `A-Z a-z 0-9 - _ .` percent-encoded (upper-case hex), space as `+`.
enum URLEncoding {
    static func formEncode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                out.append(byte)
            case UInt8(ascii: " "): out.append(UInt8(ascii: "+"))
            default: out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
