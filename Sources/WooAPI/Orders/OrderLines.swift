import SQLite
import Storage

/// An order's lines (products-orders §4.3, §7.5): created, changed or deleted in the real store's order, each product line
/// resolved to what it sells.
extension OrderWrites {
    /// The input's line arrays in the order the real store applies them: products, shipping, fees, coupons.
    private static func lineArrays(_ input: OrderInput) -> [(OrderItem.Kind, [LineInput]?)] {
        [(.lineItem, input.lineItems), (.shipping, input.shippingLines), (.fee, input.feeLines), (.coupon, input.couponLines)]
    }

    /// Applies every given line array in the real store's order: products, shipping, fees, coupons. New items are
    /// written once every entry has been checked, in their order, so a refused edit takes no item id: on PostgreSQL
    /// a sequence does not give back the ids of a transaction rolled back (SQLite's AUTOINCREMENT counter does).
    static func applyLines(_ input: OrderInput, to order: inout OrderRecord, in db: Database) throws {
        for (kind, lines) in lineArrays(input) {
            for line in lines ?? [] {
                guard let id = line.id else {
                    order.items.append(try newItem(kind, line, in: db))  // id 0 until written below
                    continue
                }
                // Fix of products-orders §6 Q9: an item must belong to this order (and be of this kind) to be changed or deleted.
                guard let index = order.items.firstIndex(where: { $0.id == id && $0.kind == kind }) else {
                    throw OrderErrors.invalidItemID
                }
                if line.delete {
                    try OrderRepository.deleteItem(id, in: db)
                    order.items.remove(at: index)
                    continue
                }
                try change(&order.items[index], line, in: db)
                try OrderRepository.updateItem(order.items[index], in: db)
            }
        }
        for index in order.items.indices where order.items[index].id == 0 {
            order.items[index].id = try OrderRepository.insertItem(order.items[index], orderID: order.id, in: db)
        }
    }

    /// A new order's lines (products-orders §4.3), in the real store's order (products, shipping, fees, coupons),
    /// checked but not yet written: a new order has no item an entry could name by id.
    static func newLines(_ input: OrderInput, in db: Database) throws -> [OrderItem] {
var items: [OrderItem] = []
        for (kind, lines) in lineArrays(input) {
            for line in lines ?? [] {
                guard line.id == nil else { throw OrderErrors.invalidItemID }
                items.append(try newItem(kind, line, in: db))
            }
        }
        return items
    }

    /// A new item from a create entry (products-orders §4.3), checked in the real store's order.
    static func newItem(_ kind: OrderItem.Kind, _ line: LineInput, in db: Database) throws -> OrderItem {
        var item = OrderItem(kind: kind)
        switch kind {
        case .lineItem:
            let sold = try resolveProduct(line, in: db)
            guard let quantity = line.quantity else { throw OrderErrors.quantityRequired }
            item.quantity = try checkedQuantity(quantity)
            sold.apply(to: &item)
            let lineTotal = (PHPNumericString.value(sold.price) ?? 0) * Double(item.quantity)
            item.total = line.total ?? lineTotal
            item.subtotal = line.subtotal ?? (line.total.map { max(lineTotal, $0) } ?? lineTotal)
        case .shipping:
            guard let methodID = line.methodID, !methodID.isEmpty else { throw OrderErrors.shippingMethodRequired }
            item.methodID = methodID
            item.name = line.methodTitle ?? ""
            item.total = line.total ?? 0
        case .fee:
            guard let title = line.title else { throw OrderErrors.feeTitleRequired }
            item.name = title
            item.taxClass = line.taxClass ?? ""
            item.total = line.total ?? 0
        case .coupon:
            guard let code = line.code, !code.isEmpty else { throw OrderErrors.couponCodeRequired }
            item.name = code
            item.total = line.amount ?? 0
        }
        return item
    }

    /// Applies an update entry to an existing item: only the given keys change (products-orders §4.3, §4.7).
    static func change(_ item: inout OrderItem, _ line: LineInput, in db: Database) throws {
        switch item.kind {
        case .lineItem:
            // As on create, the product is required, and it must be this line's by `product_id` (an `sku` alone
            // does not match); the line is then written from it again, taking its current name (products-orders §4.3).
            guard line.productID != nil || line.sku != nil else { throw OrderErrors.productIDRequired }
            guard line.productID == item.productID || (item.variationID != 0 && line.productID == item.variationID) else {
                throw OrderErrors.productIDMismatch
            }
            try resolveProduct(line, in: db).apply(to: &item)
            if let quantity = line.quantity { item.quantity = try checkedQuantity(quantity) }
            // Omitting `total` keeps the old total even when the quantity changed (products-orders §6 Q8, matched).
            if let total = line.total { item.total = total }
            if let subtotal = line.subtotal { item.subtotal = subtotal }
        case .shipping:
            if let methodID = line.methodID { item.methodID = methodID }
            if let title = line.methodTitle { item.name = title }
            if let total = line.total { item.total = total }
        case .fee:
            if let title = line.title { item.name = title }
            if let taxClass = line.taxClass { item.taxClass = taxClass }
            if let total = line.total { item.total = total }
        case .coupon:
            if let code = line.code { item.name = code }
            if let amount = line.amount { item.total = amount }
        }
    }

    /// The line's product (products-orders §4.3, §7.5): `product_id` wins over `sku` (either may name a variation); with
    /// `variations`, the first of a variable product's variations whose values match them all (keys with or without
    /// `attribute_`/`pa_`, values in any case). Trashed and draft products are accepted.
    static func resolveProduct(_ line: LineInput, in db: Database) throws -> SoldProduct {
        guard line.productID != nil || line.sku != nil else { throw OrderErrors.productIDRequired }
        var id = line.productID
        if id == nil, let sku = line.sku { id = try ProductRepository.orderableID(sku: sku, in: db) }
        if line.variationsInvalid { throw OrderErrors.invalidVariation }
        guard let id, var product = try ProductRepository.load(id, in: db) else { throw OrderErrors.invalidProduct }
        // A variable product's variations, read once: the `variations` lookup and its lowest price both need them.
        let children = product.isVariable ? try ProductRepository.variations(of: product.id, in: db) : []
        var chosen: [(key: String, value: String)] = []
        if let wanted = line.variations, product.isVariable, !(children.isEmpty && wanted.isEmpty) {
            // Fix: a combination no variation has is refused; the real store would sell the parent at its lowest price.
            guard let match = children.first(where: { matches(wanted, $0) }) else { throw OrderErrors.invalidVariation }
            product = match
            chosen = wanted
        }
        if let quantity = line.quantity, quantity <= 0 { throw OrderErrors.quantityNotPositive }
        var sold = SoldProduct(product: product)
        if product.isVariation {
            let parent = try ProductRepository.load(product.parentID, in: db)
            let values = ProductAttributes.effectiveValues(product.variationValues, parent: parent?.attributes ?? [])
            if let parent { sold.name = ProductAttributes.variationTitle(parentTitle: parent.title, values: values) }
            sold.meta = values
            // `set_variation`: the client's own keys (less `attribute_`) and values replace the variation's.
            for (key, value) in chosen {
                let metaKey = key.hasPrefix("attribute_") ? String(key.dropFirst(10)) : key
                sold.meta.removeAll { $0.key == metaKey }
                sold.meta.append(VariationValue(key: metaKey, value: value))
            }
        } else if product.isVariable {
            sold.price = VariablePrices(children).price
        }
        return sold
    }

    /// `get_variation_id`'s test: every wanted key (less `attribute_` and `pa_`) has the wanted value, compared
    /// lower-cased, among the variation's values.
    private static func matches(_ wanted: [(key: String, value: String)], _ variation: ProductRecord) -> Bool {
        wanted.allSatisfy { key, value in
            let normalized = key.replacingOccurrences(of: "pa_", with: "").replacingOccurrences(of: "attribute_", with: "")
            return variation.variationValues.contains { $0.key == normalized && $0.value.lowercased() == value.lowercased() }
        }
    }

    /// A positive quantity stored as an integer; fix of products-orders §6 Q10: one that truncates to 0 (`0.5`) is refused.
    static func checkedQuantity(_ quantity: Double) throws(APIError) -> Int64 {
        guard quantity > 0 else { throw OrderErrors.quantityNotPositive }
        let stored = PHPInt.clamp(quantity)
        guard stored > 0 else { throw OrderErrors.quantityNotPositive }
        return stored
    }
}

/// What a product line sells (`WC_Order_Item_Product::set_product`, products-orders §7.5): the product or variation, its name
/// and price now, and for a variation its parent and attribute meta.
struct SoldProduct {
    var product: ProductRecord
    var name: String
    var price: String
    var meta: [VariationValue] = []

    init(product: ProductRecord) {
        self.product = product
        name = product.title
        price = product.price
    }

    /// Writes the product into a line: a variation keeps its parent in `product_id` (the real `_product_id`).
    func apply(to item: inout OrderItem) {
        if product.isVariation {
            item.productID = product.parentID
            item.variationID = product.id
        } else {
            item.productID = product.id
        }
        item.name = name
        item.meta = meta
        // What the payment-complete status depends on (products-orders §4.6): known now, not only once the order is re-read.
        item.downloadableAndVirtual = product.downloadable && product.virtual && !product.isVariable
    }
}
