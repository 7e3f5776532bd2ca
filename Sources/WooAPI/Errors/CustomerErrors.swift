/// The customers' error codes and messages, verbatim from errors §2.
enum CustomerErrors {
    static func missingData(create: Bool) -> APIError {
        APIError("woocommerce_api_missing_customer_data",
                 "No customer data specified to \(create ? "create" : "edit") customer", status: 400)
    }
    static func invalidCustomer(status: Int) -> APIError {
        APIError("woocommerce_api_invalid_customer", "Invalid customer", status: status)
    }
    static let invalidEmailInPath = APIError("woocommerce_api_invalid_customer_email", "Invalid customer email", status: 404)
    static let cannotRead = APIError(
        "woocommerce_api_user_cannot_read_customer", "You do not have permission to read this customer", status: 401)
    static let cannotReadCount = APIError(
        "woocommerce_api_user_cannot_read_customers_count", "You do not have permission to read the customers count", status: 401)
    static let cannotCreate = APIError(
        "woocommerce_api_user_cannot_create_customer", "You do not have permission to create this customer", status: 401)
    static let cannotEdit = APIError(
        "woocommerce_api_user_cannot_edit_customer", "You do not have permission to edit this customer", status: 400)
    static let cannotDelete = APIError(
        "woocommerce_api_user_cannot_delete_customer", "You do not have permission to delete this customer", status: 401)
    static let missingEmail = APIError("woocommerce_api_missing_customer_email", "Missing parameter email", status: 400)
    static let invalidEmail = APIError("customer_invalid_email", "Invalid email address", status: 400)
    static let invalidBillingEmail = APIError("customer_invalid_billing_email", "Invalid billing email address", status: 400)
    static let registrationInvalidEmail = APIError(
        "registration-error-invalid-email", "Please provide a valid email address.", status: 400)
    static let emailExists = APIError(
        "registration-error-email-exists", "An account is already registered with your email address. Please log in.", status: 400)
    static let invalidUsername = APIError(
        "registration-error-invalid-username", "Please enter a valid account username.", status: 400)
    static let usernameExists = APIError(
        "registration-error-username-exists", "An account is already registered with that username. Please choose another.",
        status: 400)
    static let registrationFailed = APIError(
        "registration-error", "Couldn&#8217;t register you&hellip; please contact us if you continue to have problems.", status: 400)
}
