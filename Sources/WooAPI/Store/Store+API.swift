import HTTP
import SQLite
import Storage

extension Store {
    /// ``read(_:)`` for handlers: an ``APIError`` passes through; a storage error is logged and answered as a 500
    /// in the envelope.
    func apiRead<T>(_ body: (Database) throws -> T) throws(APIError) -> T {
        do {
            return try read(body)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.classify(error)
        }
    }

    /// The one way a handler runs a list or count read (issue 11): `body` reads and builds the whole response in one
    /// read transaction, on the calling I/O thread when `cheap`, else on the ``ReadPool`` (fair by `owner`, under
    /// the query time limit; a 503 when the queues are full).
    ///
    /// A shape believed cheap still runs under the loop budget (``ReadPoolConfiguration/loopBudget``): past it the
    /// attempt is stopped, its partial output dropped, and the same body runs on the pool — so no list holds a loop
    /// for long even when a shape is misjudged. An ``APIError`` thrown by `body` is its envelope; any other error
    /// is logged and a 500.
    func list(owner: ReadOwner, cheap: Bool, _ body: @escaping @Sendable (Database) throws -> APIResponse) -> HandlerOutcome {
        // On PostgreSQL no list runs on a loop: every read there waits for a round trip, which would hold the
        // loop's other connections (measured: a budget attempt and its retry on the pool halved the lists' rate).
        if cheap, !isPostgres {
            do {
                let budget = readPool.configuration.loopBudget
                // Void bodies for the SQLite module's calls: no generic call across modules on this hot path.
                var response: APIResponse?
                try read { db in
                    try db.runWithTimeLimit(budget) { db in
                        try db.transaction(.deferred) { db in response = try body(db) }
                    }
                }
                return .now(response!)
            } catch is QueryTimeLimitExceeded {
                // Misjudged: the pool runs it again from the start.
            } catch {
                return .now(APIResponse(failure: error))
            }
        }
        let pool = readPool
        return .later(.readPool) { promise in pool.submit(owner: owner, promise: promise, body) }
    }

    /// A paged list response, `{"<key>":[…]}` with `X-WC-Total`, `X-WC-TotalPages` and `Link` (listing §3), read
    /// through ``list(owner:cheap:_:)``.
    ///
    /// `rows` writes the page's elements and returns the total; it runs in the one read transaction of the list
    /// read, so the total and the page come from the same snapshot. Only the request's path and query are kept
    /// from `context` (for the links), not the whole context.
    func pagedList(
        _ key: String, rowCapacity: Int, limit: Int?, offset: Int, context: RequestContext, publicURL: String,
        cheap: Bool, _ rows: @escaping @Sendable (Database, inout JSONWriter) throws -> Int
    ) -> HandlerOutcome {
        let path = context.request.path, query = context.parameters
        return list(owner: context.readOwner, cheap: cheap) { db in
            var writer = JSONWriter(capacity: rowCapacity * min(limit ?? 10, 100))
            writer.beginObject()
            writer.key(key)
            writer.beginArray()
            let total = try rows(db, &writer)
            writer.endArray()
            writer.endObject()
            let pagination = Pagination(total: total, limit: limit, offset: offset)
            let headers = pagination.headers(baseURL: publicURL, path: path, query: query)
            return APIResponse(headers: headers, body: writer.bytes)
        }
    }

    /// The one way a handler writes and answers: queues `body` for the writer thread and, once it committed (or
    /// failed), answers with `answer(result)` from there. No thread waits for the commit.
    func writeAndAnswer<T>(
        _ body: @escaping @Sendable (Database) throws -> T,
        answer: @escaping @Sendable (Result<T, any Error>) -> APIResponse
    ) -> HandlerOutcome {
        .deferred { promise in self.write(body) { result in promise.succeed(answer(result)) } }
    }

    /// Queues `body` for the writer thread; once it committed (or failed), `answer(result)` runs on the request's
    /// I/O thread, where a read sees the commit. A write that answers with what it wrote (the new customer or order)
    /// reads and encodes it there, as the real store reads the object back after saving it: the single writer
    /// only writes. Between the commit and that read another request may change or delete the object; the answer
    /// then shows that, as the real store's would.
    func writeThenAnswer<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T,
        answer: @escaping @Sendable (Result<T, any Error>) -> APIResponse
    ) -> HandlerOutcome {
        .deferred { promise in self.write(body, thenAnswering: promise, with: answer) }
    }

    /// ``writeThenAnswer(_:answer:)`` for work already running elsewhere (a password hashed on the blocking pool).
    func write<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T, thenAnswering promise: APIPromise,
        with answer: @escaping @Sendable (Result<T, any Error>) -> APIResponse
    ) {
        write(body) { result in promise.succeed(producing: { answer(result) }) }
    }

    /// ``writeAndAnswer(_:answer:)`` where a success is answered with `success(value)` and any failure with its
    /// envelope (an ``APIError`` as itself, anything else logged and a 500).
    func writeAndAnswer<T>(
        _ body: @escaping @Sendable (Database) throws -> T, success: @escaping @Sendable (T) -> APIResponse
    ) -> HandlerOutcome {
        writeAndAnswer(body) { result in
            switch result {
            case .success(let value): success(value)
            case .failure(let error): APIResponse(failure: error)
            }
        }
    }

    /// A write that answers with the object it saved: `body` writes and returns the object's id; after the commit,
    /// `encode` reads the object back and encodes it on the request's I/O thread (``writeThenAnswer(_:answer:)``),
    /// in one read transaction, answered with `status`. An object deleted in between by another request is
    /// `encode`'s error (the real store's read after saving would be a 404 too).
    func writeThenEncode(
        status: Int, _ body: @escaping @Sendable (Database) throws -> Int64,
        encode: @escaping @Sendable (Int64, Database) throws -> [UInt8]
    ) -> HandlerOutcome {
        writeThenAnswer(body) { result in
            APIResponse(Result {
                let id = try result.get()
                return try self.read { db in try db.transaction(.deferred) { db in try encode(id, db) } }
            }, status: status)
        }
    }
}
