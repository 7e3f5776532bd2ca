import HTTP
import SQLite
import Storage

/// The customers endpoints (customers §4–§9, §11.4, §10 validation), each in the real store's order of checks.
struct CustomerHandlers: Sendable {
    let store: Store
    let authenticator: Authenticator
    let publicURL: String
    let passwordIterations: Int
    let now: @Sendable () -> Int64
    let anchors = UserListAnchors()
    let cache = CustomerCache()

    /// Registers every customers route, in the real store's order (customers §1.4).
    func register(in router: inout RouterBuilder) {
        router.add("/customers", [.get], list)
        router.add("/customers", [.post], acceptsData: true, create)
        router.add("/customers/count", [.get], count)
        router.add("/customers/<id>", [.get], read)
        router.add("/customers/<id>", [.post, .put, .patch], acceptsData: true, update)
        router.add("/customers/<id>", [.delete], delete)
        router.add("/customers/email/<email>", [.get], readByEmail)
        router.add("/customers/<id>/orders", [.get], orders)
        router.add("/customers/<id>/downloads", [.get], downloads)
        router.add("/customers/bulk", [.post, .put, .patch], acceptsData: true, bulk)
    }

    // MARK: Reads (point reads on the calling I/O thread: WAL reads never wait and never fsync; lists and counts
    // through `Store.list`, on the read pool unless cheap — issue 11)

    func list(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let fields = FieldFilter(try context.parameters.string("fields"))
        let query = try CustomerQuery(parameters: context.parameters)
        // Without `list_users` the rows are skipped but the headers still count them (auth §7).
        let canList = context.caller?.can(.listUsers) ?? false
        let anchors = self.anchors, cache = self.cache
        // The default shape first: the plan's anchor-registry lookup costs ~3,400 instructions a request (bench/instructions.sh).
        let cheap = query.isCheapOnLoop || CustomerListPlan.isCheapOnLoop(query, anchors: anchors)
        return store.pagedList(
            "customers", rowCapacity: 1100, limit: query.limit, offset: query.offset, context: context, publicURL: publicURL,
            cheap: cheap
        ) { db, writer in
            try CustomerRepository.writeList(query, rows: canList, fields: fields, anchors: anchors, cache: cache, in: db, to: &writer)
        }
    }

    func count(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let query = try CustomerQuery(parameters: context.parameters)
        guard context.caller?.can(.listUsers) ?? false else { throw CustomerErrors.cannotReadCount }
        let anchors = self.anchors
        return store.list(owner: context.readOwner, cheap: query.isCountCheapOnLoop) { db in
            .count(try CustomerRepository.count(query, anchors: anchors, in: db))
        }
    }

    func read(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let id = try Self.customerID(context.captures[0], status: 404)
        let cache = self.cache
        return try single(context, notFound: CustomerErrors.invalidCustomer(status: 404)) { db, fields, writer in
            fields == nil
                ? try cache.write(id: id, in: db, to: &writer)
                : try CustomerRepository.write(id: id, fields: fields, in: db, to: &writer)
        }
    }

    func readByEmail(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let email = context.captures[0]
        guard Sanitize.isEmail(email) else { throw CustomerErrors.invalidEmailInPath }
        return try single(context, notFound: CustomerErrors.invalidEmailInPath) { db, fields, writer in
            try CustomerRepository.write(email: email, fields: fields, in: db, to: &writer)
        }
    }

    /// `{"customer":…}` for one user found by `lookup`; `notFound` when there is none, then the read permission
    /// (customers §5: existence is checked before the capability).
    private func single(
        _ context: RequestContext, notFound: APIError,
        _ lookup: (Database, FieldFilter?, inout JSONWriter) throws -> Bool
    ) throws(APIError) -> HandlerOutcome {
        let fields = FieldFilter(try context.parameters.string("fields"))
        var writer = JSONWriter(capacity: 1200)
        writer.beginObject()
        writer.key("customer")
        guard try store.apiRead({ db in try lookup(db, fields, &writer) }) else { throw notFound }
        guard context.caller?.can(.listUsers) ?? false else { throw CustomerErrors.cannotRead }
        writer.endObject()
        return .now(APIResponse(body: writer.bytes))
    }

    /// The customer named by the path id, checked as a read is (customers §5.1): 0 → 404, unknown → 404, no right → 401.
    @discardableResult
    func readableCustomer(_ context: RequestContext) throws(APIError) -> Int64 {
        let id = try Self.customerID(context.captures[0], status: 404)
        guard try store.apiRead({ db in try CustomerRepository.role(of: id, in: db) }) != nil else {
            throw CustomerErrors.invalidCustomer(status: 404)
        }
        guard context.caller?.can(.listUsers) ?? false else { throw CustomerErrors.cannotRead }
        return id
    }

    // MARK: Writes (on the writer thread; slow password hashing on the blocking pool)

    func create(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let body = try context.jsonBody()
        guard let wrapper = body["customer"], !wrapper.isNull else { throw CustomerErrors.missingData(create: true) }
        guard context.caller?.can(.createUsers) ?? false else { throw CustomerErrors.cannotCreate }
        let plan = try CustomerWrites.planCreate(wrapper)
        let canRead = context.caller?.can(.listUsers) ?? false
        let store = self.store, now = self.now, iterations = passwordIterations
        let create: @Sendable (String) -> @Sendable (Database) throws -> Int64 = { passwordHash in
            { db in
                let id = try CustomerWrites.create(plan, passwordHash: passwordHash, now: now(), in: db)
                guard canRead else { throw CustomerErrors.cannotRead }
                return id
            }
        }
        let answer: @Sendable (Result<Int64, any Error>) -> APIResponse = { result in
            Self.answer(status: 201, result, from: store)
        }
        if let password = plan.password {
            // PBKDF2 on the blocking pool, then the write is handed over: no pool thread waits for the commit.
            return .onBlockingPool { promise in
                store.write(create(PasswordHasher.hash(password, iterations: iterations)), thenAnswering: promise, with: answer)
            }
        }
        // Hashed here, on the I/O thread, as before: a generated password needs one fast hash, not PBKDF2's rounds.
        let hash = PasswordHasher.hashGenerated(PasswordHasher.generatePassword())
        return store.writeThenAnswer(create(hash), answer: answer)
    }

    func update(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let body = try context.jsonBody()
        guard let wrapper = body["customer"], !wrapper.isNull else { throw CustomerErrors.missingData(create: false) }
        let id = try Self.customerID(context.captures[0], status: 400)
        let plan = try CustomerWrites.planUpdate(wrapper)
        let caller = context.caller
        let store = self.store, now = self.now, iterations = passwordIterations
        let update: @Sendable (String?) -> @Sendable (Database) throws -> Int64 = { passwordHash in
            { db in
                try CustomerWrites.update(id: id, plan, passwordHash: passwordHash, caller: caller, now: now(), in: db)
                return id
            }
        }
        let answer: @Sendable (Result<Int64, any Error>) -> APIResponse = { result in
            Self.answer(status: 200, result, from: store)
        }
        if let password = plan.password {
            return .onBlockingPool { promise in
                store.write(update(PasswordHasher.hash(password, iterations: iterations)), thenAnswering: promise, with: answer)
            }
        }
        return store.writeThenAnswer(update(nil), answer: answer)
    }

    func delete(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let id = try Self.customerID(context.captures[0], status: 404)
        let caller = context.caller
        let store = self.store, authenticator = self.authenticator
        return store.writeAndAnswer({ db in
            guard let role = try CustomerRepository.role(of: id, in: db) else { throw CustomerErrors.invalidCustomer(status: 404) }
            guard let caller, CustomerWrites.mayDelete(caller: caller, targetID: id, targetRole: role) else {
                throw CustomerErrors.cannotDelete
            }
            _ = try CustomerRepository.delete(id: id, in: db)
        }, answer: { result in
            // Whatever happened, a key of the deleted user must not authenticate from the cache any more.
            authenticator.invalidate()
            switch result {
            case .success: return .message("Permanently deleted customer")
            case .failure(let error): return APIResponse(failure: error)
            }
        })
    }

    func bulk(_ context: RequestContext) throws(APIError) -> HandlerOutcome {
        let body = try context.jsonBody()
        guard let items = body["customers"]?.arrayValue else {
            throw APIError("woocommerce_api_missing_customers_data", "No customers data specified to create/edit customers", status: 400)
        }
        guard items.count <= 100 else {
            throw APIError("woocommerce_api_customers_request_entity_too_large",
                           "Unable to accept more than 100 items for this request.", status: 413)
        }
        let caller = context.caller
        let store = self.store, now = self.now, iterations = passwordIterations
        // Items are written one after another, each waiting for its commit (a later item may depend on an earlier
        // one's email or username): the whole batch runs on the blocking pool.
        return .onBlockingPool { promise in
            let outcome = CustomerWrites.bulk(items, caller: caller, store: store, iterations: iterations, now: now)
            promise.succeed(APIResponse.json(status: outcome.created ? 201 : 200, capacity: 1024 * max(1, items.count)) { writer in
                writer.beginObject()
                writer.key("customers")
                writer.beginArray()
                for item in outcome.items {
                    switch item {
                    case .success(let customer):
                        writer.raw(customer.json)
                    case .failure(let failure):
                        writer.beginObject()
                        writer.key("id")
                        writer.int(Int(failure.id))
                        writer.key("error")
                        writer.beginObject()
                        writer.key("code")
                        writer.string(failure.error.code)
                        writer.key("message")
                        writer.string(failure.error.message)
                        writer.endObject()
                        writer.endObject()
                    }
                }
                writer.endArray()
                writer.endObject()
            })
        }
    }

    // MARK: Helpers

    /// The path id as the real store reads it: leading zeros allowed, 0 → `invalid_customer_id`.
    static func customerID(_ text: String, status: Int) throws(APIError) -> Int64 {
        let digits = text.drop { $0 == "0" }
        guard !digits.isEmpty else { throw APIError("woocommerce_api_invalid_customer_id", "Invalid customer ID", status: status) }
        guard let id = Int64(digits) else { throw CustomerErrors.invalidCustomer(status: status) }
        return id
    }

    /// `{"customer":{…}}` around an encoded customer.
    static func customerResponse(_ customer: EncodedCustomer, status: Int = 200) -> APIResponse {
        .json(status: status, capacity: customer.json.count + 16) { writer in
            writer.beginObject()
            writer.key("customer")
            writer.raw(customer.json)
            writer.endObject()
        }
    }

    /// The customer a write saved, read back on the I/O thread after the commit (as `get_customer` reads it after
    /// saving; deleted in between by another request, it is the read's 404), or the write's failure envelope.
    static func answer(status: Int, _ result: Result<Int64, any Error>, from store: Store) -> APIResponse {
        do {
            let id = try result.get()
            guard let customer = try store.read({ db in try CustomerRepository.json(id: id, in: db) }) else {
                throw CustomerErrors.invalidCustomer(status: 404)
            }
            return customerResponse(customer, status: status)
        } catch {
            return APIResponse(failure: error)
        }
    }
}
