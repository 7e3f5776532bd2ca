import Foundation

/// How a product is shown to one caller at one moment.
package struct ProductView: Sendable {
    /// The store's public URL (permalinks, the placeholder image).
    package var publicURL: String
    /// Now, in Unix seconds: the placeholder image's timestamps (products-orders §1.2).
    package var now: Int64
    /// Whether the caller may edit products (`purchaseable` and `visible` of unpublished products, products-orders §1.1).
    package var canEdit: Bool
    package var fields: FieldFilter?
    /// `filter[meta]=true`: append `product_meta`.
    package var meta = false
}

/// Writes products in the exact v2 shape and key order (products-orders §1.1), with a fresh store's values for everything
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
    package static func encode(_ product: LoadedProduct, view: ProductView) -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        write(product, view: view, to: &writer)
        return writer.bytes
    }

    /// Writes the product, filtered by `view.fields` when given (customers §3.5: an emptied object is `[]`).
    package static func write(_ product: LoadedProduct, view: ProductView, to writer: inout JSONWriter) {
        var members = keys
        if view.meta { members.append(("product_meta", true)) }
        let shown = Shown(product)
        writer.filteredObject(members, fields: view.fields) { index, rule, writer in
            writeValue(members[index].name, shown, view: view, rule: rule, to: &writer)
        }
    }

    /// The figures of a product that depend on its kind, worked out once: a variable product's prices come from
    /// its visible variations, a variation's title, SKU and permalink from its parent (products-orders §7.1).
    struct Shown {
        var loaded: LoadedProduct
        var record: ProductRecord { loaded.record }
        var title: String
        var sku: String
        var price: String
        var regularPrice: String
        var salePrice: String
        var onSale: Bool
        var priceHTML: String
        var values: [VariationValue] = []

        init(_ loaded: LoadedProduct) {
            self.loaded = loaded
            let p = loaded.record
            (title, sku, price, regularPrice, salePrice) = (p.title, p.sku, p.price, p.regularPrice, p.salePrice)
            if p.isVariable {
                let prices = VariablePrices(loaded.variations)
                (price, regularPrice, salePrice, onSale, priceHTML) = (prices.price, "", "", prices.onSale, prices.html)
            } else {
                onSale = ProductPrices.isOnSale(regular: p.regularPrice, sale: p.salePrice)
                priceHTML = ProductPrices.priceHTML(price: p.price, regular: p.regularPrice, onSale: onSale)
            }
            if p.isVariation, let parent = loaded.parent {
                values = ProductAttributes.effectiveValues(p.variationValues, parent: parent.attributes)
                title = ProductAttributes.variationTitle(parentTitle: parent.title, values: values)
                if sku.isEmpty { sku = parent.sku }
            }
        }
    }

    private static func writeValue(_ key: String, _ s: Shown, view: ProductView, rule: FieldFilter?, to w: inout JSONWriter) {
        let p = s.record
        switch key {
        case "title": w.string(s.title)
        case "id": w.int(Int(p.id))
        case "created_at": APIDate.write(p.createdAt, to: &w)
        case "updated_at": APIDate.write(p.updatedAt, to: &w)
        case "type": w.string(p.type)
        case "status": w.string(p.status)
        // A variable product itself is never downloadable or virtual (`WC_Product_Variable::get_downloadable`).
        case "downloadable": w.bool(p.downloadable && !p.isVariable)
        case "virtual": w.bool(p.virtual && !p.isVariable)
        case "permalink": w.string(permalink(s, publicURL: view.publicURL))
        case "sku": w.string(s.sku)
        case "price": w.string(Money.formatted(s.price))
        case "regular_price": w.string(Money.formatted(s.regularPrice))
        case "sale_price":
            if ProductPrices.isTruthy(s.salePrice) { w.string(Money.formatted(s.salePrice)) } else { w.null() }
        case "price_html": w.string(s.priceHTML)
        case "tax_status": w.string("taxable")
        case "tax_class", "product_url", "button_text", "shipping_class", "purchase_note": w.string("")
        case "taxable", "managing_stock", "backorders_allowed", "backordered", "sold_individually", "featured": w.bool(false)
        case "in_stock": w.bool(true)
        // Variations are posts with comments closed.
        case "reviews_allowed": w.bool(!p.isVariation)
        case "stock_quantity", "weight", "shipping_class_id": w.null()
        case "purchaseable": w.bool(isPurchasable(s, view: view))
        case "visible": w.bool(isVisible(s, view: view))
        case "catalog_visibility": w.string("visible")
        case "on_sale": w.bool(s.onSale)
        case "dimensions": writeDimensions(rule: rule, to: &w)
        case "shipping_required", "shipping_taxable": w.bool(!(p.virtual && !p.isVariable))
        case "description": w.string(TextFilters.autop(p.description))
        case "short_description": w.string(TextFilters.shortDescription(p.shortDescription))
        case "average_rating": w.string("0.00")
        case "rating_count": w.int(0)
        case "parent_id": w.int(Int(p.parentID))
        case "related_ids":
            w.beginArray()
            for id in s.loaded.related { w.int(Int(id)) }
            w.endArray()
        case "categories":
            // Variations have no categories of their own.
            w.beginArray()
            if !p.isVariation { w.string("Uncategorized") }
            w.endArray()
        case "images": writePlaceholder(view, to: &w)
        case "featured_src": w.bool(false)
        case "attributes":
            if p.isVariation { writeValues(s.values, to: &w) } else { writeAttributes(p.attributes, to: &w) }
        case "downloads": writeDownloads(p, to: &w)
        case "download_limit": w.int(Int(p.downloadLimit))
        case "download_expiry": w.int(Int(p.downloadExpiry))
        case "download_type": w.string("standard")
        case "total_sales": w.int(Int(p.totalSales))
        case "product_meta": writeObject([("total_sales", String(p.totalSales))], rule: rule, to: &w)
        case "variations":
            w.beginArray()
            for variation in s.loaded.variations { writeVariation(variation, parent: p, view: view, to: &w) }
            w.endArray()
        case "parent":
            // A variation shows its parent's product object (without the parent's variations), others `[]`.
            if p.isVariation, let parent = s.loaded.parent {
                var loaded = LoadedProduct(record: parent, related: s.loaded.parentRelated)
                loaded.variations = s.loaded.parentVariations
                let parentShown = Shown(loaded)
                w.beginObject()
                for member in keys {
                    w.key(member.name)
                    if member.name == "variations" {
                        w.beginArray()
                        w.endArray()
                    } else {
                        writeValue(member.name, parentShown, view: view, rule: nil, to: &w)
                    }
                }
                w.endObject()
            } else {
                w.beginArray()
                w.endArray()
            }
        default:  // upsell_ids, cross_sell_ids, tags: always empty lists
            w.beginArray()
            w.endArray()
        }
    }

    /// `is_purchasable`: published (or editable by the caller) with a price; a variation must also be visible.
    private static func isPurchasable(_ s: Shown, view: ProductView) -> Bool {
        let p = s.record
        if p.isVariation { return p.status == "publish" && !p.price.isEmpty }
        return (p.status == "publish" || view.canEdit) && !s.price.isEmpty
    }

    /// `is_visible`: not trashed, and published unless the caller may edit it; a variation's parent must be published.
    private static func isVisible(_ s: Shown, view: ProductView) -> Bool {
        let p = s.record
        guard p.status != "trash" && (p.status == "publish" || view.canEdit) else { return false }
        if p.isVariation, let parent = s.loaded.parent, parent.status != "publish" { return false }
        return true
    }

    /// One entry of a variable product's `variations` (`get_variation_data`, products-orders §7.1), in its own key order.
    private static func writeVariation(_ v: ProductRecord, parent: ProductRecord, view: ProductView, to w: inout JSONWriter) {
        let values = ProductAttributes.effectiveValues(v.variationValues, parent: parent.attributes)
        let onSale = ProductPrices.isOnSale(regular: v.regularPrice, sale: v.salePrice)
        let visible = v.status == "publish" && !v.price.isEmpty
        w.beginObject()
        w.key("id"); w.int(Int(v.id))
        w.key("created_at"); APIDate.write(v.createdAt, to: &w)
        w.key("updated_at"); APIDate.write(v.updatedAt, to: &w)
        w.key("downloadable"); w.bool(v.downloadable)
        w.key("virtual"); w.bool(v.virtual)
        w.key("permalink"); w.string(variationPermalink(parent: parent, values: values, publicURL: view.publicURL))
        w.key("sku"); w.string(v.sku.isEmpty ? parent.sku : v.sku)
        w.key("price"); w.string(Money.formatted(v.price))
        w.key("regular_price"); w.string(Money.formatted(v.regularPrice))
        w.key("sale_price")
        if ProductPrices.isTruthy(v.salePrice) { w.string(Money.formatted(v.salePrice)) } else { w.null() }
        w.key("taxable"); w.bool(false)
        w.key("tax_status"); w.string("taxable")
        w.key("tax_class"); w.string("")
        w.key("managing_stock"); w.bool(false)
        // `(int) get_stock_quantity()`: 0, not null, in this list.
        w.key("stock_quantity"); w.int(0)
        w.key("in_stock"); w.bool(true)
        w.key("backordered"); w.bool(false)
        w.key("purchaseable"); w.bool(visible)
        w.key("visible"); w.bool(visible)
        w.key("on_sale"); w.bool(onSale)
        w.key("weight"); w.null()
        w.key("dimensions"); writeDimensions(rule: nil, to: &w)
        w.key("shipping_class"); w.string("")
        w.key("shipping_class_id"); w.null()
        w.key("image"); writePlaceholder(view, to: &w)
        w.key("attributes"); writeValues(values, to: &w)
        w.key("downloads"); writeDownloads(v, to: &w)
        // Fix: the real v2 prints the parent's limit and expiry here; the variation's own are the ones that apply.
        w.key("download_limit"); w.int(Int(v.downloadLimit))
        w.key("download_expiry"); w.int(Int(v.downloadExpiry))
        w.endObject()
    }

    /// A product's attributes (`get_attributes`): the name doubles as the slug of a custom attribute.
    private static func writeAttributes(_ attributes: [ProductAttribute], to w: inout JSONWriter) {
        w.beginArray()
        for a in attributes {
            w.beginObject()
            w.key("name"); w.string(a.name)
            w.key("slug"); w.string(a.name.replacingOccurrences(of: "pa_", with: ""))
            w.key("position"); w.int(Int(a.position))
            w.key("visible"); w.bool(a.visible)
            w.key("variation"); w.bool(a.variation)
            w.key("options")
            w.beginArray()
            for option in a.options { w.string(option) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
    }

    /// A variation's attributes: `{name, slug, option}` per variation attribute of its parent, keyed by its sanitized name.
    private static func writeValues(_ values: [VariationValue], to w: inout JSONWriter) {
        w.beginArray()
        for value in values { w.stringObject("name", value.key, "slug", value.key, "option", value.value) }
        w.endArray()
    }

    /// Files are listed only while the product is downloadable, even when some are stored (products-orders §1.1 #51).
    private static func writeDownloads(_ p: ProductRecord, to w: inout JSONWriter) {
        w.beginArray()
        if p.downloadable && !p.isVariable {
            for file in p.downloads { w.stringObject("id", file.id, "name", file.name, "file", file.file) }
        }
        w.endArray()
    }

    private static func writeDimensions(rule: FieldFilter?, to w: inout JSONWriter) {
        writeObject([("length", ""), ("width", ""), ("height", ""), ("unit", "cm")], rule: rule, to: &w)
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

    /// The one placeholder entry a product without images shows (products-orders §1.2); its dates are the current time.
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

    /// A variation's permalink is its parent's with its chosen values (`WC_Product_Variation::get_permalink`).
    private static func permalink(_ s: Shown, publicURL: String) -> String {
        guard s.record.isVariation else { return permalink(s.record, publicURL: publicURL) }
        guard let parent = s.loaded.parent else { return "\(publicURL)/?post_type=product_variation&p=\(s.record.id)" }
        return variationPermalink(parent: parent, values: s.values, publicURL: publicURL)
    }

    /// `add_query_arg` of `attribute_<key>=<urlencoded value>` for each chosen (non-empty) value.
    static func variationPermalink(parent: ProductRecord, values: [VariationValue], publicURL: String) -> String {
        let base = permalink(parent, publicURL: publicURL)
        let query = values.filter { !$0.value.isEmpty }
            .map { "attribute_" + $0.key + "=" + urlencode($0.value) }.joined(separator: "&")
        if query.isEmpty { return base }
        return base + (base.contains("?") ? "&" : "?") + query
    }

    /// PHP `urlencode`: `rawurlencode` with `+` for a space and `~` encoded.
    static func urlencode(_ text: String) -> String {
        PercentDecoding.encode(text).replacingOccurrences(of: "%20", with: "+").replacingOccurrences(of: "~", with: "%7E")
    }
}

/// A variable product's prices from its visible variations (`read_price_data`, `get_price_html`, products-orders §7.1):
/// variations that are published and have a price count.
struct VariablePrices {
    /// The lowest price (`_price` synced from the children), `""` when none.
    var price = ""
    var onSale = false
    var html = ""

    init(_ variations: [ProductRecord]) {
        let visible = variations.filter { $0.status == "publish" && !$0.price.isEmpty }
        guard !visible.isEmpty else { return }
        let order = { (a: String, b: String) in PHPNumericString.compare(a, b) < 0 }
        let prices = visible.map { Money.formatted($0.price) }.sorted(by: order)
        let regulars = visible.map { Money.formatted($0.regularPrice) }.sorted(by: order)
        price = visible.map(\.price).sorted(by: order)[0]
        onSale = visible.contains { ProductPrices.isOnSale(regular: $0.regularPrice, sale: $0.salePrice) }
        let (minPrice, maxPrice) = (prices.first!, prices.last!)
        if minPrice != maxPrice {
            html = Money.html(minPrice) + " &ndash; " + Money.html(maxPrice)
        } else if onSale && regulars.first! == regulars.last! {
            html = "<del>" + Money.html(regulars.last!) + "</del> <ins>" + Money.html(minPrice) + "</ins>"
        } else {
            html = Money.html(minPrice)
        }
    }
}
