import CPostgres

/// One libpq connection, used by one thread at a time (not `Sendable`).
///
/// Every call blocks on the server's answer (`PQexecParams`, `PQprepare`, `PQexecPrepared`). Parameters are sent
/// in text format (`$1`, `$2`, …) and results come back in text format; SQL text is always a literal and values are
/// always parameters. libpq connections are not thread-safe, and the compiler enforces the confinement: the type is
/// non-Sendable. Use one connection per thread (a pool of workers each owning one) instead of sharing one.
package final class PostgresConnection {
    /// The `PGconn*`; nil once ``close()`` ran.
    private var handle: OpaquePointer?
    /// Server-side prepared statements of this session: name → SQL (for error messages).
    private var preparedSQL: [String: String] = [:]
    /// The statement-name cache of ``executeCached(_:_:)``: SQL → name.
    private var cachedNames: [String: String] = [:]
    /// How many savepoints ``transaction(_:_:)`` currently has open (for unique names).
    var savepointDepth = 0

    /// Connects with a `postgres://` / `postgresql://` URL or a `key=value` conninfo, as `PQconnectdb` reads them.
    ///
    /// `connectTimeout` (seconds, libpq's `connect_timeout`, at least 2) applies unless `conninfo` sets its own, so a
    /// server that accepts TCP but never answers fails the call instead of hanging it.
    package init(conninfo: String, connectTimeout: Int = 10) throws {
        // expand_dbname = 1: the first `dbname` value is parsed as a full conninfo or URL, and its keys override the
        // ones before it, so the defaults here give way to anything the caller wrote.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname"]
        let values = [String(connectTimeout), "wc-api-server", conninfo]
        let connection = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = PostgresError.connectionMessage(connection)
            PQfinish(connection)
            throw PostgresError(message: message, isConnectionFailure: true)
        }
        // libpq prints server notices (`NOTICE: drop cascades to …`) on stderr by default; a server's stderr is
        // not the place for them. Dropped for now, until there is a logger to hand them to.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit {
        PQfinish(handle)
    }

    /// Closes the connection (`PQfinish`); later calls throw. Closing twice is harmless.
    package func close() {
        PQfinish(handle)
        handle = nil
        preparedSQL = [:]
        cachedNames = [:]
    }

    /// Whether the connection is open and libpq still considers it healthy (`PQstatus` is `CONNECTION_OK`).
    package var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The server's version as libpq reports it, e.g. 150020 for 15.20 (`PQserverVersion`).
    package var serverVersion: Int {
        handle.map { Int(PQserverVersion($0)) } ?? 0
    }

    /// Whether a transaction block is open (`PQtransactionStatus` is in-transaction or failed-in-transaction).
    package var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Whether the open transaction has failed and will only accept ROLLBACK (`PQTRANS_INERROR`).
    package var isInFailedTransaction: Bool {
        handle.map { PQtransactionStatus($0) == PQTRANS_INERROR } ?? false
    }

    /// Reconnects with the same parameters (`PQreset`). The session's prepared statements are gone afterwards,
    /// so the statement cache is emptied.
    package func reset() throws {
        let handle = try openHandle(sql: nil)
        preparedSQL = [:]
        cachedNames = [:]
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(message: PostgresError.connectionMessage(handle), isConnectionFailure: true)
        }
    }

    // MARK: Executing

    /// Runs one statement with `$n` parameters (`PQexecParams`, unnamed statement, text in and out).
    @discardableResult
    package func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws -> PostgresResult {
        let handle = try openHandle(sql: sql)
        let result = try withParameterValues(parameters, sql: sql) { count, values in
            PQexecParams(handle, sql, count, nil, values, nil, nil, 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs a script of zero or more `;`-separated statements without parameters (`PQexec`), e.g. a schema file.
    /// Returns the last statement's result. Not for hot paths: nothing is prepared.
    @discardableResult
    package func executeScript(_ sql: String) throws -> PostgresResult {
        let handle = try openHandle(sql: sql)
        return try check(PQexec(handle, sql), sql: sql)
    }

    // MARK: Prepared statements

    /// Prepares `sql` on the server under `name` (`PQprepare`; parameter types inferred). Names are per session.
    package func prepare(name: String, sql: String) throws {
        let handle = try openHandle(sql: sql)
        _ = try check(PQprepare(handle, name, sql, 0, nil), sql: sql)
        preparedSQL[name] = sql
    }

    /// Runs the statement prepared as `name` (`PQexecPrepared`, text in and out).
    @discardableResult
    package func executePrepared(name: String, parameters: [PostgresValue] = []) throws -> PostgresResult {
        let sql = preparedSQL[name]
        let handle = try openHandle(sql: sql)
        let result = try withParameterValues(parameters, sql: sql) { count, values in
            PQexecPrepared(handle, name, count, values, nil, nil, 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs `sql` as a prepared statement, preparing it on first use and reusing it after (the cache is keyed by
    /// the SQL text and lives as long as the session; a failed prepare is not cached).
    @discardableResult
    package func executeCached(_ sql: String, _ parameters: [PostgresValue] = []) throws -> PostgresResult {
        let name: String
        if let cached = cachedNames[sql] {
            name = cached
        } else {
            name = "wc_cached_\(cachedNames.count)"
            try prepare(name: name, sql: sql)
            cachedNames[sql] = name
        }
        return try executePrepared(name: name, parameters: parameters)
    }

    /// How many statements ``executeCached(_:_:)`` has prepared on this session.
    package var cachedStatementCount: Int { cachedNames.count }

    // MARK: Helpers

    private func openHandle(sql: String?) throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(message: "the connection is closed", sql: sql, isConnectionFailure: true)
        }
        return handle
    }

    /// Turns a `PGresult*` into a ``PostgresResult`` when the command succeeded, or frees it and throws.
    private func check(_ result: OpaquePointer?, sql: String?) throws -> PostgresResult {
        if let result {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                return PostgresResult(handle: result)
            default:
                break
            }
        }
        let error = PostgresError(result: result, connection: handle, sql: sql)
        PQclear(result)
        throw error
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}

/// Calls `body` with the parameters as a C array of NUL-terminated text (nil for NULL), freed afterwards.
private func withParameterValues<T>(
    _ parameters: [PostgresValue], sql: String?,
    _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> T
) throws -> T {
    var texts: [String?] = []
    texts.reserveCapacity(parameters.count)
    for (index, parameter) in parameters.enumerated() {
        let text = parameter.textFormat
        // libpq reads text parameters up to the first NUL, and PostgreSQL text cannot hold one anyway.
        if let text, text.utf8.contains(0) {
            throw PostgresError(sqlState: "22021", message: "parameter $\(index + 1) contains a NUL character",
                                sql: sql)
        }
        texts.append(text)
    }
    return withCStringArray(texts) { body(Int32(parameters.count), parameters.isEmpty ? nil : $0) }
}

/// Calls `body` with a C array of copies of `strings` (nil stays nil), freed when it returns.
private func withCStringArray<T>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { string in
        string.map { string in
            let utf8 = string.utf8CString
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
            utf8.withUnsafeBufferPointer { copy.initialize(from: $0.baseAddress!, count: utf8.count) }
            return copy
        }
    }
    defer { copies.forEach { $0?.deallocate() } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
