/// How a product is shown to one caller at one moment.
package struct ProductView: Sendable {
    /// The store's public URL (permalinks, the placeholder image).
    package var publicURL: String
    /// Now, in Unix seconds: the placeholder image's timestamps (doc §1.2).
    package var now: Int64
    /// Whether the caller may edit products (`purchaseable` and `visible` of unpublished products, doc §1.1).
    package var canEdit: Bool
    package var fields: FieldFilter?
    /// `filter[meta]=true`: append `product_meta`.
    package var meta = false
}

/// Writes products in the exact v2 shape and key order (doc §1.1), with a fresh store's values for everything
/// this store does not model (stock, shipping, taxes off, categories, images, attributes, reviews).
package enum ProductJSON {
    /// Top-level keys in output order, and whether each value is an object (only objects are sub-filtered).
    static let keys: [(name: String, isObject: Bool)] = [
        ("title", false), ("id", false), ("created_at", false), ("updated_at", false), ("type", false), ("status", false),
        ("downloadable", false), ("virtual", false), ("permalink", false), ("sku", false), ("price", false),
        ("regular_price", false), ("sale_price", false), ("price_html", false), ("taxable", false), ("tax_status", false),
        ("tax_class", false), ("managing_stock", false), ("stock_quantity", false), ("in_stock", false),
        ("backorders_allowed", false), ("backordered", false), ("sold_individually", false), ("purchaseable", false),
        ("featured", false), ("visible", false), ("catalog_visibility", false), ("on_sale", false), ("product_url", false),
        ("button_text", false), ("weight", false), ("dimensions", true), ("shipping_required", false),
        ("shipping_taxable", false), ("shipping_class", false), ("shipping_class_id", false), ("description", false),
        ("short_description", false), ("reviews_allowed", false), ("average_rating", false), ("rating_count", false),
        ("related_ids", false), ("upsell_ids", false), ("cross_sell_ids", false), ("parent_id", false),
        ("categories", false), ("tags", false), ("images", false), ("featured_src", false), ("attributes", false),
        ("downloads", false), ("download_limit", false), ("download_expiry", false), ("download_type", false),
        ("purchase_note", false), ("total_sales", false), ("variations", false), ("parent", false),
    ]

    /// Statuses whose permalink is the query form (`get_post_permalink` for unpublished posts).
    static let queryLinkStatuses: Set<String> = ["draft", "pending", "auto-draft", "future"]

    /// The product's JSON object as bytes.
    package static func encode(_ product: ProductRecord, related: [Int64], view: ProductView) -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        write(product, related: related, view: view, to: &writer)
        return writer.bytes
    }

    /// Writes the product, filtered by `view.fields` when given (spec §3.5: an emptied object is `[]`).
    package static func write(_ product: ProductRecord, related: [Int64], view: ProductView, to writer: inout JSONWriter) {
        var members = keys
        if view.meta { members.append(("product_meta", true)) }
        let onSale = ProductPrices.isOnSale(regular: product.regularPrice, sale: product.salePrice)
        writer.filteredObject(members, fields: view.fields) { index, rule, writer in
            writeValue(members[index].name, product, onSale: onSale, related: related, view: view, rule: rule, to: &writer)
        }
    }

    private static func writeValue(
        _ key: String, _ p: ProductRecord, onSale: Bool, related: [Int64], view: ProductView, rule: FieldFilter?,
        to w: inout JSONWriter
    ) {
        switch key {
        case "title": w.string(p.title)
        case "id": w.int(Int(p.id))
        case "created_at": APIDate.write(p.createdAt, to: &w)
        case "updated_at": APIDate.write(p.updatedAt, to: &w)
        case "type": w.string("simple")
        case "status": w.string(p.status)
        case "downloadable": w.bool(p.downloadable)
        case "virtual": w.bool(p.virtual)
        case "permalink": w.string(permalink(p, publicURL: view.publicURL))
        case "sku": w.string(p.sku)
        case "price": w.string(ProductPrices.formatted(p.price))
        case "regular_price": w.string(ProductPrices.formatted(p.regularPrice))
        case "sale_price":
            if ProductPrices.isTruthy(p.salePrice) { w.string(ProductPrices.formatted(p.salePrice)) } else { w.null() }
        case "price_html": w.string(ProductPrices.priceHTML(price: p.price, regular: p.regularPrice, onSale: onSale))
        case "tax_status": w.string("taxable")
        case "tax_class", "product_url", "button_text", "shipping_class", "purchase_note": w.string("")
        case "taxable", "managing_stock", "backorders_allowed", "backordered", "sold_individually", "featured": w.bool(false)
        case "in_stock", "reviews_allowed": w.bool(true)
        case "stock_quantity", "weight", "shipping_class_id": w.null()
        case "purchaseable": w.bool((p.status == "publish" || view.canEdit) && !p.price.isEmpty)
        case "visible": w.bool(p.status != "trash" && (p.status == "publish" || view.canEdit))
        case "catalog_visibility": w.string("visible")
        case "on_sale": w.bool(onSale)
        case "dimensions":
            writeObject([("length", ""), ("width", ""), ("height", ""), ("unit", "cm")], rule: rule, to: &w)
        case "shipping_required", "shipping_taxable": w.bool(!p.virtual)
        case "description": w.string(ProductText.autop(p.description))
        case "short_description": w.string(ProductText.shortDescription(p.shortDescription))
        case "average_rating": w.string("0.00")
        case "rating_count", "parent_id": w.int(0)
        case "related_ids":
            w.beginArray()
            for id in related { w.int(Int(id)) }
            w.endArray()
        case "categories":
            w.beginArray()
            w.string("Uncategorized")
            w.endArray()
        case "images": writePlaceholder(view, to: &w)
        case "featured_src": w.bool(false)
        case "downloads":
            w.beginArray()
            // Files are listed only while the product is downloadable, even when some are stored (doc §1.1 #51).
            if p.downloadable {
                for file in p.downloads {
                    w.beginObject()
                    w.key("id")
                    w.string(file.id)
                    w.key("name")
                    w.string(file.name)
                    w.key("file")
                    w.string(file.file)
                    w.endObject()
                }
            }
            w.endArray()
        case "download_limit": w.int(Int(p.downloadLimit))
        case "download_expiry": w.int(Int(p.downloadExpiry))
        case "download_type": w.string("standard")
        case "total_sales": w.int(Int(p.totalSales))
        case "product_meta": writeObject([("total_sales", String(p.totalSales))], rule: rule, to: &w)
        default:  // upsell_ids, cross_sell_ids, tags, attributes, variations, parent: always empty lists
            w.beginArray()
            w.endArray()
        }
    }

    /// An object of string members; under a `parent.child` rule only the kept children, or `[]` when none is.
    private static func writeObject(_ members: [(String, String)], rule: FieldFilter?, to w: inout JSONWriter) {
        let kept = rule.map { rule in members.filter { rule.keepsChild($0.0) } } ?? members
        if rule != nil && kept.isEmpty {
            w.beginArray()
            w.endArray()
            return
        }
        w.beginObject()
        for (key, value) in kept {
            w.key(key)
            w.string(value)
        }
        w.endObject()
    }

    /// The one placeholder entry a product without images shows (doc §1.2); its dates are the current time.
    private static func writePlaceholder(_ view: ProductView, to w: inout JSONWriter) {
        w.beginArray()
        w.beginObject()
        w.key("id")
        w.int(0)
        w.key("created_at")
        APIDate.write(view.now, to: &w)
        w.key("updated_at")
        APIDate.write(view.now, to: &w)
        w.key("src")
        w.string(view.publicURL + "/wp-content/uploads/woocommerce-placeholder-300x300.png")
        w.key("title")
        w.string("Placeholder")
        w.key("alt")
        w.string("Placeholder")
        w.key("position")
        w.int(0)
        w.endObject()
        w.endArray()
    }

    /// Pretty permalinks (`<home>/product/<slug>/`); the query form for drafts and pending products.
    package static func permalink(_ p: ProductRecord, publicURL: String) -> String {
        if queryLinkStatuses.contains(p.status) { return "\(publicURL)/?post_type=product&p=\(p.id)" }
        return "\(publicURL)/product/\(p.slug)/"
    }
}
