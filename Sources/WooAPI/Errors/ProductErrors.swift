/// The products' error codes and messages, verbatim from the real store (products-orders §2).
enum ProductErrors {
    static func missingData(create: Bool) -> APIError {
        APIError("woocommerce_api_missing_product_data",
                 "No product data specified to \(create ? "create" : "edit") product", status: 400)
    }
    static let cannotCreate = APIError(
        "woocommerce_api_user_cannot_create_product", "You do not have permission to create products", status: 401)
    static let cannotReadCount = APIError(
        "woocommerce_api_user_cannot_read_products_count", "You do not have permission to read the products count", status: 401)
    static func cannot(_ verb: String) -> APIError {
        APIError("woocommerce_api_user_cannot_\(verb)_product", "You do not have permission to \(verb) this product", status: 401)
    }
    static let missingTitle = APIError("woocommerce_api_missing_product_title", "Missing parameter title", status: 400)
    static let invalidType = APIError(
        "woocommerce_api_invalid_product_type",
        "Invalid product type - the product type must be any of these: simple, grouped, external, variable", status: 400)
    /// A real product type this server does not serve (fix: the real store would create it).
    static func unsupportedType(_ type: String) -> APIError {
        APIError("woocommerce_api_invalid_product_type",
                 "Unsupported product type - this store serves simple and variable products, not \(type)", status: 400)
    }
    /// A variation's SKU another product or variation holds (`WC_Product::set_sku`'s data error).
    static let invalidSKU = APIError("product_invalid_sku", "Invalid or duplicated SKU.", status: 400)
    /// Fix: a `variations` entry naming a post that is not one of this product's variations (the real store
    /// would read that post as a variation and move it under this product, or fail with a 500).
    static func notAVariation(_ id: Int64) -> APIError {
        APIError("woocommerce_api_invalid_product_id",
                 "Invalid variation ID \(id) - it is not a variation of this product", status: 400)
    }
    static let invalidID = APIError("woocommerce_api_invalid_product_id", "Invalid product ID", status: 404)
    static func notFound(_ id: Int64) -> APIError {
        APIError("woocommerce_api_no_product_found", "No product found with the ID equal to \(id)", status: 404)
    }
    static let invalidProduct = APIError("woocommerce_api_invalid_product", "Invalid product", status: 404)
    static let skuExists = APIError(
        "woocommerce_api_product_sku_already_exists", "The SKU already exists on another product.", status: 400)
    static func missingFile(_ file: String) -> APIError {
        APIError("product_invalid_download",
                 "The downloadable file <code>\(file)</code> cannot be used as it does not exist on the server.", status: 400)
    }
    /// Fix of products-orders §6 Q14: a status WordPress does not register is refused instead of hiding the product.
    static let invalidStatus = APIError.invalidParameter(
        "Invalid product status - the status must be any of these: publish, draft, pending, private, trash")
}
