/// A product file: its stable id, name and URL (products-orders §1.3).
package struct ProductDownload: Sendable, Equatable {
    package var id: String
    package var name: String
    package var file: String
}

/// A stored simple product, as read from `products` and `product_downloads`.
package struct ProductRecord: Sendable, Equatable {
    package var id: Int64 = 0
    package var title = ""
    /// The post slug (`post_name`); empty for drafts and pending products that were never published.
    package var slug = ""
    /// `_wp_desired_post_slug`: the slug a trashed product gets back when restored.
    package var desiredSlug = ""
    package var status = "publish"
    package var sku = ""
    package var regularPrice = ""
    package var salePrice = ""
    package var price = ""
    package var description = ""
    package var shortDescription = ""
    package var virtual = false
    package var downloadable = false
    package var downloadLimit: Int64 = -1
    package var downloadExpiry: Int64 = -1
    package var totalSales: Int64 = 0
    package var createdAt: Int64 = 0
    package var updatedAt: Int64 = 0
    package var downloads: [ProductDownload] = []
    /// `simple`, `variable` or `variation`.
    package var type = "simple"
    /// A variation's parent product; 0 for products.
    package var parentID: Int64 = 0
    /// A variation's place under its parent (its index in the last `variations` list that named it).
    package var menuOrder: Int64 = 0
    /// A product's attributes (a variation has none of its own).
    package var attributes: [ProductAttribute] = []
    /// A variation's chosen values for its parent's variation attributes.
    package var variationValues: [VariationValue] = []
    /// The status a variation had before its parent was trashed (restored with the parent); `""` otherwise.
    package var trashStatus = ""

    package var isVariable: Bool { type == "variable" }
    package var isVariation: Bool { type == "variation" }
}

/// A product with what its JSON shows beyond its own row (products-orders §1.1, §7): related ids, a variable product's
/// variations, a variation's parent and the parent's variations (which make the parent's prices).
package struct LoadedProduct: Sendable {
    package var record: ProductRecord
    package var related: [Int64] = []
    /// A variable product's variations in menu order (publish and private; trashed ones are not shown).
    package var variations: [ProductRecord] = []
    /// A variation's parent, with its related ids and its variations.
    package var parent: ProductRecord?
    package var parentRelated: [Int64] = []
    package var parentVariations: [ProductRecord] = []
}
