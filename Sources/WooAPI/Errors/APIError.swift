import HTTP
import Postgres

/// A WooCommerce API error: its code, message and HTTP status, rendered as the v2 error envelope
/// `{"errors":[{"code":…,"message":…}]}` (errors §1).
package struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    package var code: String
    package var message: String
    package var status: Int

    package init(_ code: String, _ message: String, status: Int) {
        self.code = code
        self.message = message
        self.status = status
    }

    package var description: String { "\(status) \(code): \(message)" }

    /// The envelope bytes.
    package var envelope: [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("errors")
        writer.beginArray()
        writer.beginObject()
        writer.key("code")
        writer.string(code)
        writer.key("message")
        writer.string(message)
        writer.endObject()
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    // MARK: Routing and request shape (customers §1, errors §2)

    package static let noRoute = APIError(
        "woocommerce_api_no_route", "No route was found matching the URL and request method", status: 404)
    /// The store's database cannot be reached (`GET /healthz`, or any request while a PostgreSQL server is down or
    /// restarting); not a WooCommerce error: this server's own.
    package static let databaseUnavailable = APIError(
        "woocommerce_api_database_unavailable", "The store's database cannot be read", status: 503)
    package static let unsupportedMethod = APIError(
        "woocommerce_api_unsupported_method", "Unsupported request method", status: 400)
    package static let missingData = APIError(
        "woocommerce_api_missing_callback_param", "Missing parameter data", status: 400)
    package static let jsonpInvalid = APIError(
        "woocommerce_api_jsonp_callback_invalid", "The JSONP callback function is invalid", status: 400)

    /// A parameter PHP 8 would crash on, or that is out of range (decisions #23, #24).
    package static func invalidParameter(_ message: String) -> APIError {
        APIError("woocommerce_api_invalid_parameter", message, status: 400)
    }

    /// A body that is valid JSON but has values of the wrong type, or text that is not valid UTF-8.
    package static func invalidData(_ message: String) -> APIError {
        APIError("woocommerce_api_invalid_parameter", message, status: 400)
    }

    // MARK: Authentication (auth §8)

    package static func authentication(_ message: String, status: Int = 401) -> APIError {
        APIError("woocommerce_api_authentication_error", message, status: status)
    }

    package static let internalError = APIError(
        "woocommerce_api_internal_error", "The server could not complete the request.", status: 500)
}

extension APIError {
    /// The engine's own errors (400, 408, 413, 414, 431, 501, 503, 505) in the same envelope, so a client
    /// parsing WooCommerce errors understands them too.
    package static let engineErrorResponder: HTTPErrorResponder = { status, message in
        let code: String
        switch status.code {
        case 413: code = "woocommerce_api_request_entity_too_large"
        case 414: code = "woocommerce_api_request_uri_too_long"
        case 431: code = "woocommerce_api_request_header_fields_too_large"
        case 408: code = "woocommerce_api_request_timeout"
        case 501: code = "woocommerce_api_not_implemented"
        case 503: code = "woocommerce_api_service_unavailable"
        case 505: code = "woocommerce_api_http_version_not_supported"
        default: code = "woocommerce_api_bad_request"
        }
        let error = APIError(code, message, status: status.code)
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json; charset=UTF-8"], body: error.envelope)
    }
}

extension APIError {
    /// Maps an unexpected storage error to its envelope; the details go to the server log only. A database the
    /// server cannot reach (``isUnavailable(_:)``) is a 503 `woocommerce_api_database_unavailable`, which a client or
    /// load balancer may retry elsewhere or later; anything else is a 500.
    static func classify(_ error: any Error) -> APIError {
        if isUnavailable(error) {
            ServerLog.api.error("database unavailable: \(error)")
            return .databaseUnavailable
        }
        ServerLog.api.error("storage error: \(error)")
        return .internalError
    }

    /// Whether `error` says the database cannot be reached rather than that a statement failed: a PostgreSQL
    /// connection that could not be made or broke (libpq's bad connection, SQLSTATE class 08), or a server shutting
    /// down, restarting or not yet accepting connections (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
    /// cannot_connect_now).
    static func isUnavailable(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError else { return false }
        if error.isConnectionFailure { return true }
        guard let state = error.sqlState else { return false }
        return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
    }
}
