import SQLite
import Storage

/// A validated create: everything checked that can be checked without the database (decisions #10).
struct CreatePlan: Sendable {
    var email: String
    var username: String?
    var password: String?
    var input: CustomerInput
}

/// A validated update.
struct UpdatePlan: Sendable {
    /// A wrapper that is not an object: a no-op update that returns the customer (customers §1.6).
    var isNoOp: Bool
    var password: String?
    var input: CustomerInput
}

/// Create, update, delete and bulk, in the real store's order of checks, with the fixes of decisions #9b/#10.
enum CustomerWrites {
    /// Checks a create body up to what needs the database (customers §4.1 steps 3–5, then the billing email).
    static func planCreate(_ wrapper: JSONValue) throws(APIError) -> CreatePlan {
        guard let object = wrapper.objectValue else { throw CustomerErrors.missingEmail }
        let input = try CustomerInput(object)
        guard let email = input.email else { throw CustomerErrors.missingEmail }
        if !email.isEmpty && !Sanitize.isEmail(email) { throw CustomerErrors.invalidEmail }
        if email.isEmpty { throw CustomerErrors.registrationInvalidEmail }
        var username: String?
        if let given = input.username, !given.isEmpty {
            let sanitized = Sanitize.username(given, strict: false)
            guard Sanitize.isValidUsername(sanitized) else { throw CustomerErrors.invalidUsername }
            guard sanitized.count <= 60 else { throw CustomerErrors.registrationFailed }
            username = sanitized
        }
        try checkBillingEmail(input)
        let password = input.password.flatMap { $0.isEmpty ? nil : $0 }
        return CreatePlan(email: email, username: username, password: password, input: input)
    }

    /// Runs a planned create on the writer's connection and returns the new id.
    static func create(_ plan: CreatePlan, passwordHash: String, now: Int64, in db: Database) throws -> Int64 {
        if try CustomerRepository.userID(email: plan.email, in: db) != nil { throw CustomerErrors.emailExists }
        let username: String
        if let given = plan.username {
            if try CustomerRepository.usernameExists(given, in: db) { throw CustomerErrors.usernameExists }
            username = given
        } else {
            username = try generateUsername(from: plan.email, in: db)
        }
        let input = plan.input
        let new = NewCustomer(
            username: username, email: plan.email, passwordHash: passwordHash,
            firstName: input.firstName ?? "", lastName: input.lastName ?? "",
            billing: input.billing, shipping: input.shipping)
        // PostgreSQL: a concurrent create that committed the same email or login after the checks above fails the
        // insert with a unique violation, which the writer answers by running this again (``PostgresWriters``):
        // the checks then see the other customer and say which of the two is taken.
        do {
            return try CustomerRepository.insert(new, now: now, in: db)
        } catch let error as SQLiteError where error.code == .constraintUnique {
            throw CustomerErrors.emailExists  // unreachable past the checks above; kept as the constraint's meaning
        }
    }

    /// Customers §4.2: the email's local part, strictly sanitized, then `1`, `2`, … until free.
    static func generateUsername(from email: String, in db: Database) throws -> String {
        let local = String(email.prefix { $0 != "@" })
        let base = Sanitize.username(local, strict: true)
        guard !base.isEmpty else { throw CustomerErrors.registrationFailed }
        var candidate = base
        var suffix = 1
        while try CustomerRepository.usernameExists(candidate, in: db) {
            candidate = base + String(suffix)
            suffix += 1
        }
        guard candidate.count <= 60 else { throw CustomerErrors.registrationFailed }
        return candidate
    }

    /// Checks an update body (customers §7.1 steps 3–5) before anything is written.
    static func planUpdate(_ wrapper: JSONValue) throws(APIError) -> UpdatePlan {
        guard let object = wrapper.objectValue else { return UpdatePlan(isNoOp: true, input: CustomerInput()) }
        let input = try CustomerInput(object)
        if let email = input.email {
            // Decisions #9b: an empty email is refused rather than blanking the account's.
            if email.isEmpty || !Sanitize.isEmail(email) { throw CustomerErrors.invalidEmail }
        }
        try checkBillingEmail(input)
        return UpdatePlan(isNoOp: false, password: input.password.flatMap { $0.isEmpty ? nil : $0 }, input: input)
    }

    /// Runs a planned update on the writer's connection.
    static func update(id: Int64, _ plan: UpdatePlan, passwordHash: String?, caller: Caller?, now: Int64, in db: Database) throws {
        guard let role = try CustomerRepository.role(of: id, in: db) else { throw CustomerErrors.invalidCustomer(status: 400) }
        guard let caller, mayEdit(caller: caller, targetID: id, targetRole: role) else { throw CustomerErrors.cannotEdit }
        if !plan.isNoOp {
            let input = plan.input
            var changes: [String: String] = [:]
            if let email = input.email {
                if let owner = try CustomerRepository.userID(email: email, in: db), owner != id {
                    throw CustomerErrors.emailExists  // decisions #9b: refused, nothing changed
                }
                changes["email"] = email
                changes["avatar_hash"] = CustomerJSON.avatarHash(email: email)
            }
            changes["password_hash"] = passwordHash
            changes["first_name"] = input.firstName
            changes["last_name"] = input.lastName
            for field in input.billing.given { changes["billing_" + field.key] = field.value }
            for field in input.shipping.given { changes["shipping_" + field.key] = field.value }
            try CustomerRepository.update(id: id, changes, now: now, in: db)
        }
    }

    /// `edit_users`, and for a shop manager only customers or themselves (auth §7 note).
    static func mayEdit(caller: Caller, targetID: Int64, targetRole: String) -> Bool {
        guard caller.can(.editUsers) else { return false }
        return caller.role == "administrator" || targetRole == "customer" || targetID == caller.userID
    }

    /// `delete_users`, with the same shop-manager restriction.
    static func mayDelete(caller: Caller, targetID: Int64, targetRole: String) -> Bool {
        guard caller.can(.deleteUsers) else { return false }
        return caller.role == "administrator" || targetRole == "customer" || targetID == caller.userID
    }

    private static func checkBillingEmail(_ input: CustomerInput) throws(APIError) {
        if let billingEmail = input.billing.email, !billingEmail.isEmpty, !Sanitize.isEmail(billingEmail) {
            throw CustomerErrors.invalidBillingEmail
        }
    }

    // MARK: Bulk (customers §11.4)

    struct BulkFailure: Sendable {
        var id: Int64
        var error: APIError
    }

    /// Runs each item as a create or an edit; per-item errors are reported inline, never change the status.
    static func bulk(
        _ items: [JSONValue], caller: Caller?, store: Store, iterations: Int, now: @escaping @Sendable () -> Int64
    ) -> (created: Bool, items: [Result<EncodedCustomer, BulkFailure>]) {
        enum Planned: Sendable {
            case create(CreatePlan, hash: String)
            case update(Int64, UpdatePlan, hash: String?)
            case failed(BulkFailure)
        }
        // Plan and hash on this (blocking) thread; the writer only writes.
        let planned: [Planned] = items.map { item in
            let id = item["id"]?.intValue ?? 0
            do throws(APIError) {
                if id != 0 {
                    let plan = try planUpdate(item)
                    return .update(Int64(id), plan, hash: plan.password.map { PasswordHasher.hash($0, iterations: iterations) })
                }
                guard caller?.can(.createUsers) ?? false else { throw CustomerErrors.cannotCreate }
                let plan = try planCreate(item)
                let hash = plan.password.map { PasswordHasher.hash($0, iterations: iterations) }
                    ?? PasswordHasher.hashGenerated(PasswordHasher.generatePassword())
                return .create(plan, hash: hash)
            } catch {
                return .failed(BulkFailure(id: Int64(id), error: error))
            }
        }
        let outcome: (Bool, [Result<EncodedCustomer, BulkFailure>])
        do {
            outcome = try store.writeAndWait { db -> (Bool, [Result<EncodedCustomer, BulkFailure>]) in
                var created = false
                let results = planned.map { plan -> Result<EncodedCustomer, BulkFailure> in
                    switch plan {
                    case .failed(let failure):
                        return .failure(failure)
                    case .create(let create, let hash):
                        do {
                            let customer = try db.transaction { db in
                                let id = try CustomerWrites.create(create, passwordHash: hash, now: now(), in: db)
                                return try CustomerRepository.json(id: id, in: db)!
                            }
                            created = true
                            return .success(customer)
                        } catch {
                            return .failure(BulkFailure(id: 0, error: error as? APIError ?? APIError.classify(error)))
                        }
                    case .update(let id, let update, let hash):
                        do {
                            return .success(try db.transaction { db in
                                try CustomerWrites.update(id: id, update, passwordHash: hash, caller: caller, now: now(), in: db)
                                return try CustomerRepository.json(id: id, in: db)!
                            })
                        } catch {
                            return .failure(BulkFailure(id: id, error: error as? APIError ?? APIError.classify(error)))
                        }
                    }
                }
                return (created, results)
            }
        } catch {
            let failure = BulkFailure(id: 0, error: error as? APIError ?? APIError.classify(error))
            return (false, items.map { _ in .failure(failure) })
        }
        return outcome
    }
}

extension CustomerWrites.BulkFailure: Error {}
