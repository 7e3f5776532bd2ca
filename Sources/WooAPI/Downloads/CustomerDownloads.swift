import HTTP
import SQLite
import Storage

/// `GET /customers/<id>/downloads` (customers §10.2): validated as a read of the customer, then listed in one read.
extension CustomerHandlers {
    /// The customer's usable download permissions (customers §10.2); `fields` filters each record (decisions #15).
    func downloads(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let fields = FieldFilter(try context.parameters.string("fields"))
        try readableCustomer(context)
        let id = try Self.customerID(context.captures[0], status: 404)
        let now = self.now()
        let today = now - ((now % 86_400) + 86_400) % 86_400
        let base = publicURL + "/?download_file="
        // However many permissions the customer has: on the read pool (issue 11).
        return store.list(owner: context.readOwner, cheap: false) { db in
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writer.key("downloads")
            writer.beginArray()
            try DownloadRepository.forEachUsable(customer: id, today: today, in: db) { record in
                record.write(base: base, fields: fields, to: &writer)
            }
            writer.endArray()
            writer.endObject()
            return APIResponse(body: writer.bytes)
        }
    }
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
