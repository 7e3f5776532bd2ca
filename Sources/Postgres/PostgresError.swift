import CPostgres

/// An error reported by libpq or the server: SQLSTATE, the server's message, and the SQL text.
///
/// Like `SQLiteError` it never carries bound parameter values, so it is safe to log. Match on the helpers
/// (`isUniqueViolation`, `isSerializationFailure`, `isConnectionFailure`) or on `sqlState` directly.
package struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// The five-character SQLSTATE (`23505`), or nil when the error did not come from the server
    /// (connection refused, connection lost, a parameter this wrapper could not send).
    package let sqlState: String?
    /// The primary message (`PG_DIAG_MESSAGE_PRIMARY`), or libpq's message when there is no server error.
    package let message: String
    /// The server's DETAIL line, if any (for a unique violation: which key already exists).
    package let detail: String?
    /// The constraint the error is about, if any (`PG_DIAG_CONSTRAINT_NAME`).
    package let constraintName: String?
    /// The SQL being run or prepared, if any. Never contains bound values.
    package let sql: String?
    /// True when the connection was unusable once the error was seen (`PQstatus` is `CONNECTION_BAD`).
    package let isConnectionFailure: Bool

    /// Creates an error from its parts.
    package init(sqlState: String? = nil, message: String, detail: String? = nil, constraintName: String? = nil,
                 sql: String? = nil, isConnectionFailure: Bool = false) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraintName = constraintName
        self.sql = sql
        self.isConnectionFailure = isConnectionFailure
    }

    /// `unique_violation` (23505): an insert or update hit a unique index.
    package var isUniqueViolation: Bool { sqlState == "23505" }
    /// `serialization_failure` (40001): a SERIALIZABLE or REPEATABLE READ transaction lost a race; retry it whole.
    package var isSerializationFailure: Bool { sqlState == "40001" }
    /// `deadlock_detected` (40P01): also worth retrying the whole transaction.
    package var isDeadlock: Bool { sqlState == "40P01" }

    /// `PostgreSQL error 23505: message (detail) — SQL: ...`; contains no bound parameter values.
    package var description: String {
        var text = "PostgreSQL error"
        if let sqlState { text += " \(sqlState)" }
        if isConnectionFailure { text += " (connection failure)" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        if let sql { text += " — SQL: \(sql)" }
        return text
    }
}

extension PostgresError {
    /// Builds the error for a failed command from its result (which may be nil) and the connection.
    init(result: OpaquePointer?, connection: OpaquePointer?, sql: String?) {
        let broken = connection.map { PQstatus($0) == CONNECTION_BAD } ?? true
        guard let result, let primary = Self.field(result, cpostgres_diag_message_primary()) else {
            self.init(message: Self.connectionMessage(connection), sql: sql, isConnectionFailure: broken)
            return
        }
        self.init(sqlState: Self.field(result, cpostgres_diag_sqlstate()), message: primary,
                  detail: Self.field(result, cpostgres_diag_message_detail()),
                  constraintName: Self.field(result, cpostgres_diag_constraint_name()),
                  sql: sql, isConnectionFailure: broken)
    }

    /// libpq's last message for the connection (`PQerrorMessage`), without its trailing newline.
    static func connectionMessage(_ connection: OpaquePointer?) -> String {
        guard let connection, let text = PQerrorMessage(connection) else { return "out of memory" }
        let message = String(cString: text).trimmingNewlines()
        return message.isEmpty ? "unknown libpq error" : message
    }

    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }
}

extension String {
    /// The string without trailing newlines (libpq ends every message with one, some with two lines).
    func trimmingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last.isNewline { text = text.dropLast() }
        return String(text)
    }
}
