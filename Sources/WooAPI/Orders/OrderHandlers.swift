import HTTP
import SQLite
import Storage

/// The orders endpoints (products-orders §4), each in the real store's order of checks.
///
/// Point reads run on the calling I/O thread, the list and counts through `Store.list` (issue 11); writes run as one job on the writer thread, in their own savepoint, and
/// answer once committed.
struct OrderHandlers: Sendable {
    let store: Store
    let publicURL: String
    let now: @Sendable () -> Int64
    let anchors = OrderListAnchors()

    func register(in router: inout RouterBuilder) {
        router.add("/orders", [.get], list)
        router.add("/orders", [.post], acceptsData: true, create)
        router.add("/orders/count", [.get], count)
        router.add("/orders/statuses", [.get], statuses)
        router.add("/orders/<id>", [.get], read)
        router.add("/orders/<id>", [.post, .put, .patch], acceptsData: true, update)
        router.add("/orders/<id>", [.delete], delete)
    }

    // MARK: Reads

    func list(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let view = try self.view(context, fields: true)
        let query = try OrderQuery(parameters: context.parameters)
        let canRead = context.caller?.managesShop ?? false
        let anchors = self.anchors
        let cheap = query.post.isCheapOnLoop || OrderListPlan.isCheapOnLoop(query, anchors: anchors)
        return store.pagedList(
            "orders", rowCapacity: 3000, limit: query.limit, offset: query.offset, context: context, publicURL: publicURL,
            cheap: cheap
        ) { db, writer in
            let result = try OrderListPlan.run(query, rows: canRead, anchors: anchors, in: db)
            for id in result.ids {
                guard let order = try OrderRepository.load(id, in: db) else { continue }
                OrderJSON.write(order, customer: try OrderJSON.customer(of: order, in: db), view: view, to: &writer)
            }
            return result.total
        }
    }

    func count(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        guard context.caller?.managesShop ?? false else { throw OrderErrors.cannotReadCount }
        if try context.parameters.string("status") == "any" {
            return store.list(owner: context.readOwner, cheap: false) { db in
                let counts = try OrderRepository.countsByStatus(in: db)
                return .json(capacity: 160) { writer in
                    writer.beginObject()
                    writer.key("count")
                    writer.beginObject()
                    for status in OrderStatus.all {
                        writer.key(status.slug)
                        writer.int(counts[status.slug] ?? 0)
                    }
                    writer.endObject()
                    writer.endObject()
                }
            }
        }
        let query = try OrderQuery(parameters: context.parameters)
        let anchors = self.anchors
        return store.list(owner: context.readOwner, cheap: false) { db in
            .count(try OrderListPlan.run(query, rows: false, anchors: anchors, in: db).total)
        }
    }

    func statuses(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        .now(.json(capacity: 200) { writer in
            writer.beginObject()
            writer.key("order_statuses")
            writer.beginObject()
            for status in OrderStatus.all {
                writer.key(status.slug)
                writer.string(status.label)
            }
            writer.endObject()
            writer.endObject()
        })
    }

    func read(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let id = try Self.orderID(context.captures[0])
        let view = try self.view(context, fields: true)
        let canRead = context.caller?.managesShop ?? false
        let body = try store.apiRead { db in
            let order = try OrderWrites.existing(id, in: db)
            guard canRead else { throw OrderErrors.cannot("read") }
            return try Self.wrapped(order, view: view, in: db)
        }
        return .now(APIResponse(body: body))
    }

    // MARK: Writes

    func create(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let body = try context.jsonBody()
        guard let wrapper = body["order"], !wrapper.isNull else { throw OrderErrors.missingData(create: true) }
        guard context.caller?.managesShop ?? false else { throw OrderErrors.cannotCreate }
        let input = try OrderInput(wrapper)
        let view = OrderView(publicURL: publicURL)
        let store = self.store, writeContext = self.writeContext(context)
        return store.writeThenEncode(status: 201, { db in
            try OrderWrites.create(input, context: writeContext(), in: db)
        }, encode: { id, db in try Self.wrapped(OrderWrites.existing(id, in: db), view: view, in: db) })
    }

    func update(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let body = try context.jsonBody()
        guard let wrapper = body["order"], !wrapper.isNull else { throw OrderErrors.missingData(create: false) }
        let id = try Self.orderID(context.captures[0])
        // The body's own errors come after the order's existence and the caller's right (products-orders §4.7).
        let parsed = Result { () throws(APIError) -> OrderInput in try OrderInput(wrapper) }
        let view = OrderView(publicURL: publicURL)
        let canEdit = context.caller?.managesShop ?? false
        let store = self.store, writeContext = self.writeContext(context)
        return store.writeThenEncode(status: 200, { db in
            try OrderWrites.update(id: id, parsed, canEdit: canEdit, context: writeContext(), in: db)
            return id
        }, encode: { id, db in try Self.wrapped(OrderWrites.existing(id, in: db), view: view, in: db) })
    }

    func delete(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let id = try Self.orderID(context.captures[0])
        // Only the exact string `true` deletes permanently (products-orders §4.8).
        let force = try context.parameters.string("force") == "true"
        let canDelete = context.caller?.managesShop ?? false
        let store = self.store, now = self.now
        return store.writeAndAnswer({ db in
            try OrderWrites.delete(id: id, force: force, canDelete: canDelete, now: now(), in: db)
        }, success: { _ in
            .message(force ? "Permanently deleted order" : "Deleted order", status: force ? 200 : 202)
        })
    }

    // MARK: Helpers

    /// The path id as `absint` reads it: 0 → `invalid_order_id` (404).
    static func orderID(_ text: String) throws(APIError) -> Int64 {
        guard let id = PathID.absint(text) else { throw OrderErrors.invalidID }
        return id
    }

    /// The clock, the client's address and its User-Agent, read when the write runs.
    private func writeContext(_ context: RequestContext) -> @Sendable () -> OrderWriteContext {
        let now = self.now
        let ip = context.request.remoteAddress
        let agent = context.request.headers["User-Agent"] ?? ""
        return { OrderWriteContext(now: now(), clientIP: ip, userAgent: agent) }
    }

    /// `fields` (read and list only), `filter[dp]` and `filter[meta]`.
    func view(_ context: RequestContext, fields: Bool) throws(APIError) -> OrderView {
        Self.view(context, publicURL: publicURL, fields: fields)
    }

    static func view(_ context: RequestContext, publicURL: String, fields: Bool) -> OrderView {
        let filter = (try? context.parameters.array("filter")) ?? []
        var view = OrderView(publicURL: publicURL)
        if fields { view.fields = FieldFilter((try? context.parameters.string("fields")) ?? nil) }
        if let dp = filter.last(where: { $0.key == "dp" })?.value {
            view.dp = max(0, min(8, Int(PHPInt.intval(.string(dp)) ?? 2)))
        }
        view.meta = filter.last { $0.key == "meta" }?.value == "true"
        return view
    }

    /// `{"order":{…}}`.
    static func wrapped(_ order: OrderRecord, view: OrderView, in db: Database) throws -> [UInt8] {
        var writer = JSONWriter(capacity: 3000)
        writer.beginObject()
        writer.key("order")
        OrderJSON.write(order, customer: try OrderJSON.customer(of: order, in: db), view: view, to: &writer)
        writer.endObject()
        return writer.bytes
    }

}
