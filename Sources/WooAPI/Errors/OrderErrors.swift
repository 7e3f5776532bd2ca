/// The orders' error codes and messages, verbatim from the real store (products-orders §4).
enum OrderErrors {
    static func missingData(create: Bool) -> APIError {
        APIError("woocommerce_api_missing_order_data",
                 "No order data specified to \(create ? "create" : "edit") order", status: 400)
    }
    static let cannotCreate = APIError(
        "woocommerce_api_user_cannot_create_order", "You do not have permission to create orders", status: 401)
    static let cannotReadCount = APIError(
        "woocommerce_api_user_cannot_read_orders_count", "You do not have permission to read the orders count", status: 401)
    static func cannot(_ verb: String) -> APIError {
        APIError("woocommerce_api_user_cannot_\(verb)_order", "You do not have permission to \(verb) this order", status: 401)
    }
    static let invalidID = APIError("woocommerce_api_invalid_order_id", "Invalid shop_order ID", status: 404)
    static func notFound(_ id: Int64) -> APIError {
        APIError("woocommerce_api_no_order_found", "No order found with the ID equal to \(id)", status: 404)
    }
    static let invalidOrder = APIError("woocommerce_api_invalid_order", "Invalid order", status: 404)
    static let invalidCustomer = APIError("woocommerce_api_invalid_customer_id", "Customer ID is invalid.", status: 400)
    static let invalidBillingEmail = APIError("order_invalid_billing_email", "Invalid billing email address", status: 400)
    static let productIDRequired = APIError(
        "woocommerce_api_invalid_product_id", "Product ID or SKU is required", status: 400)
    static let productIDMismatch = APIError(
        "woocommerce_api_invalid_product_id", "Product ID provided does not match this line item", status: 400)
    static let invalidVariation = APIError(
        "woocommerce_api_invalid_product_variation", "The product variation is invalid", status: 400)
    static let invalidProduct = APIError("woocommerce_api_invalid_product", "Product is invalid.", status: 400)
    static let quantityNotPositive = APIError(
        "woocommerce_api_invalid_product_quantity", "Product quantity must be a positive float.", status: 400)
    static let quantityRequired = APIError(
        "woocommerce_api_invalid_product_quantity", "Product quantity is required.", status: 400)
    static let shippingTotalNegative = APIError(
        "woocommerce_invalid_shipping_total", "Shipping total must be a positive amount.", status: 400)
    static let shippingMethodRequired = APIError(
        "woocommerce_invalid_shipping_item", "Shipping method ID is required.", status: 400)
    static let feeTitleRequired = APIError("woocommerce_invalid_fee_item", "Fee title is required", status: 400)
    static let feeTaxClassRequired = APIError(
        "woocommerce_invalid_fee_item", "Fee tax class is required when fee is taxable.", status: 400)
    static let invalidTaxClass = APIError("order_item_fee_invalid_tax_class", "Invalid tax class", status: 400)
    static let couponAmountNegative = APIError(
        "woocommerce_invalid_coupon_total", "Coupon discount total must be a positive amount.", status: 400)
    static let couponCodeRequired = APIError("woocommerce_invalid_coupon_coupon", "Coupon code is required.", status: 400)
    static let invalidItemID = APIError(
        "woocommerce_invalid_item_id", "Order item ID provided is not associated with order.", status: 400)
    static let invalidPaymentDetails = APIError(
        "woocommerce_invalid_payment_details", "Payment method ID and title are required", status: 400)
    static let invalidCurrency = APIError(
        "woocommerce_invalid_order_currency", "Provided order currency is invalid.", status: 400)
    static let cannotDelete = APIError("woocommerce_api_cannot_delete_order", "This order cannot be deleted", status: 400)
    /// Fix of products-orders §6 Q3: the real store silently turns an unknown status into `pending`.
    static func invalidStatus(_ status: String) -> APIError {
        APIError.invalidParameter(
            "Invalid order status \"\(status)\" - the status must be any of these: "
                + OrderStatus.all.map(\.slug).joined(separator: ", "))
    }
}
