import HTTP
import SQLite
import Storage

/// The products endpoints for simple and variable products (products-orders §2, §7), each in the real store's order of checks.
///
/// Point reads run on the calling I/O thread (WAL reads never wait and never fsync), the list and count through
/// `Store.list` (issue 11); writes run as one job on the
/// writer thread, in their own savepoint, and answer once committed.
struct ProductHandlers: Sendable {
    let store: Store
    let publicURL: String
    let now: @Sendable () -> Int64

    /// Registers the products routes in the real store's order (products-orders §2.1).
    func register(in router: inout RouterBuilder) {
        router.add("/products", [.get], list)
        router.add("/products", [.post], acceptsData: true, create)
        router.add("/products/count", [.get], count)
        router.add("/products/<id>", [.get], read)
        router.add("/products/<id>", [.post, .put, .patch], acceptsData: true, update)
        router.add("/products/<id>", [.delete], delete)
    }

    // MARK: Reads

    func list(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let view = try self.view(context, fields: true)
        let query = try ProductQuery(parameters: context.parameters)
        // Rows the caller may not read are skipped, but the headers still count them (as for customers).
        let canRead = context.caller?.managesShop ?? false
        return store.pagedList(
            "products", rowCapacity: 2500, limit: query.limit, offset: query.offset, context: context, publicURL: publicURL,
            cheap: query.isCheapOnLoop
        ) { db, writer in
            if canRead {
                for id in try ProductRepository.pageIDs(query, in: db) {
                    guard let loaded = try ProductRepository.loadTree(id, in: db) else { continue }
                    ProductJSON.write(loaded, view: view, to: &writer)
                }
            }
            return try ProductRepository.count(query, in: db)
        }
    }

    func count(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        guard context.caller?.managesShop ?? false else { throw ProductErrors.cannotReadCount }
        let query = try ProductQuery(parameters: context.parameters)
        return store.list(owner: context.readOwner, cheap: false) { db in .count(try ProductRepository.count(query, in: db)) }
    }

    func read(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let id = try Self.productID(context.captures[0])
        let view = try self.view(context, fields: true)
        let canRead = context.caller?.managesShop ?? false
        let body = try store.apiRead { db in
            // Existence first, then the capability (products-orders §2.2).
            let record = try ProductWrites.existing(id, in: db)
            guard canRead else { throw ProductErrors.cannot("read") }
            return try Self.wrapped(record, view: view, in: db)
        }
        return .now(APIResponse(body: body))
    }

    // MARK: Writes

    func create(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let body = try context.jsonBody()
        guard let wrapper = body["product"], !wrapper.isNull else { throw ProductErrors.missingData(create: true) }
        guard context.caller?.managesShop ?? false else { throw ProductErrors.cannotCreate }
        let input = try ProductInput(wrapper, create: true)
        let view = try self.view(context, fields: false)
        let store = self.store, now = self.now
        return store.writeThenEncode(status: 201, { db in
            try ProductWrites.create(input, now: now(), in: db)
        }, encode: { id, db in try Self.wrapped(ProductWrites.existing(id, in: db), view: view, in: db) })
    }

    func update(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let body = try context.jsonBody()
        guard let wrapper = body["product"], !wrapper.isNull else { throw ProductErrors.missingData(create: false) }
        let id = try Self.productID(context.captures[0])
        // The body's own errors are reported after the product's existence and the caller's right (products-orders §2.5).
        let parsed = Result { () throws(APIError) -> ProductInput in try ProductInput(wrapper, create: false) }
        let view = try self.view(context, fields: false)
        let canEdit = context.caller?.managesShop ?? false
        let store = self.store, now = self.now
        return store.writeThenEncode(status: 200, { db in
            try ProductWrites.update(id: id, parsed, canEdit: canEdit, now: now(), in: db)
            return id
        }, encode: { id, db in try Self.wrapped(ProductWrites.existing(id, in: db), view: view, in: db) })
    }

    func delete(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let id = try Self.productID(context.captures[0])
        let force = Self.isForced(try context.parameters.string("force"))
        let canDelete = context.caller?.managesShop ?? false
        let store = self.store, now = self.now
        return store.writeAndAnswer({ db in
            try ProductWrites.delete(id: id, force: force, canDelete: canDelete, now: now(), in: db)
        }, success: { _ in
            .message(force ? "Permanently deleted product" : "Deleted product", status: force ? 200 : 202)
        })
    }

    // MARK: Helpers

    /// `force` as the real store tests it, PHP truthiness (`""` and `"0"` trash, anything else deletes), except
    /// that `false`, `no` and `off` trash too: the real store deletes permanently on `force=false` (products-orders §6 Q4).
    static func isForced(_ value: String?) -> Bool {
        guard let value, !value.isEmpty, value != "0" else { return false }
        return !["false", "no", "off"].contains(value.lowercased())
    }

    /// The path id as `absint` reads it: leading zeros allowed, 0 → `invalid_product_id` (404, in every context).
    static func productID(_ text: String) throws(APIError) -> Int64 {
        guard let id = PathID.absint(text) else { throw ProductErrors.invalidID }
        return id
    }

    /// The caller's view: `fields` (read and list only, as the real store filters), `filter[meta]` and the clock.
    private func view(_ context: RequestContext, fields: Bool) throws(APIError) -> ProductView {
        let filter = (try? context.parameters.array("filter")) ?? []
        return ProductView(
            publicURL: publicURL, now: now(), canEdit: context.caller?.managesShop ?? false,
            fields: fields ? FieldFilter(try context.parameters.string("fields")) : nil,
            meta: filter.last { $0.key == "meta" }?.value == "true")
    }

    /// `{"product":{…}}`.
    static func wrapped(_ record: ProductRecord, view: ProductView, in db: Database) throws -> [UInt8] {
        var writer = JSONWriter(capacity: 2400)
        writer.beginObject()
        writer.key("product")
        ProductJSON.write(try ProductRepository.tree(of: record, in: db), view: view, to: &writer)
        writer.endObject()
        return writer.bytes
    }

}
