import SQLite
import Storage

/// SQL for products. Every value is bound; the only SQL composed at run time is the list's WHERE and ORDER BY,
/// built from fixed fragments chosen by a validated ``ProductQuery``.
package enum ProductRepository {
    static let byID = SQL("SELECT \(ProductColumn.list()) FROM products WHERE id = ?")
    static let downloadsByID = SQL(
        "SELECT download_id, name, file FROM product_downloads WHERE product_id = ? ORDER BY position")
    static let postTypeByID = SQL("SELECT type FROM posts WHERE id = ?")
    static let related = SQL(
        "SELECT id FROM products WHERE status = 'publish' AND type <> 'variation' AND id <> ? ORDER BY id LIMIT 5")
    /// A variable product's variations as `read_children` lists them: publish and private, in menu order.
    static let children = SQL("""
        SELECT id FROM products WHERE parent_id = ? AND type = 'variation' AND status IN ('publish', 'private')
        ORDER BY menu_order, id
        """)
    /// Every variation of a product, whatever its status (delete and trash take them all).
    static let allChildren = SQL("SELECT id FROM products WHERE parent_id = ? AND type = 'variation' ORDER BY id")
    static let skuOwner = SQL("SELECT id FROM products WHERE sku = ? AND status <> 'trash' AND id <> ? LIMIT 1")
    static let slugOwner = SQL("SELECT 1 FROM products WHERE slug = ? AND id <> ? LIMIT 1")
    static let trashedWithSlug = SQL("SELECT id FROM products WHERE slug = ? AND status = 'trash' AND id <> ?")
    static let insertProduct = SQL(
        "INSERT INTO products (\(ProductColumn.list())) VALUES (\(ProductColumn.placeholders))")
    static let updateProduct = SQL(
        "UPDATE products SET \(ProductColumn.assignments(Array(ProductColumn.allCases.dropFirst()))) WHERE id = ?1")
    /// The product an order line names by SKU: trashed and draft ones count, the oldest wins (products-orders §4.3).
    static let orderableBySKU = SQL("SELECT id FROM products WHERE sku = ? AND status <> 'trash' ORDER BY id LIMIT 1")
    static let addSales = SQL("UPDATE products SET total_sales = total_sales + ? WHERE id = ?")
    static let renameSlug = SQL("UPDATE products SET slug = ?, desired_slug = ? WHERE id = ?")
    static let deleteDownloads = SQL("DELETE FROM product_downloads WHERE product_id = ?")
    static let insertDownload = SQL(
        "INSERT INTO product_downloads (product_id, position, download_id, name, file) VALUES (?, ?, ?, ?, ?)")
    static let deleteProduct = SQL("DELETE FROM products WHERE id = ?")
    static let deletePost = SQL("DELETE FROM posts WHERE id = ?")

    // MARK: Reads

    /// The post type of post `id` (`product`, or another object sharing the id sequence), or nil.
    package static func postType(of id: Int64, in db: Database) throws -> String? {
        let statement = try db.cachedStatement(postTypeByID)
        try statement.bind(id, at: 1)
        return try statement.first(nil) { $0.text(at: 0) }
    }

    /// The product with `id` and its files, or nil.
    package static func load(_ id: Int64, in db: Database) throws -> ProductRecord? {
        let statement = try db.cachedStatement(byID)
        try statement.bind(id, at: 1)
        guard var record = try statement.first(nil, Self.record(from:)) else { return nil }
        let files = try db.cachedStatement(downloadsByID)
        try files.bind(id, at: 1)
        record.downloads = try files.map(nil) { ProductDownload(id: $0.text(at: 0), name: $0.text(at: 1), file: $0.text(at: 2)) }
        return record
    }

    private static func record(from row: Statement) -> ProductRecord {
        typealias C = ProductColumn
        var record = ProductRecord(
            id: row.int64(at: C.id.index), title: row.text(at: C.title.index), slug: row.text(at: C.slug.index),
            desiredSlug: row.text(at: C.desiredSlug.index), status: row.text(at: C.status.index),
            sku: row.text(at: C.sku.index), regularPrice: row.text(at: C.regularPrice.index),
            salePrice: row.text(at: C.salePrice.index), price: row.text(at: C.price.index),
            description: row.text(at: C.description.index), shortDescription: row.text(at: C.shortDescription.index),
            virtual: row.int64(at: C.virtual.index) != 0, downloadable: row.int64(at: C.downloadable.index) != 0,
            downloadLimit: row.int64(at: C.downloadLimit.index), downloadExpiry: row.int64(at: C.downloadExpiry.index),
            totalSales: row.int64(at: C.totalSales.index), createdAt: row.int64(at: C.createdAt.index),
            updatedAt: row.int64(at: C.updatedAt.index))
        record.type = row.text(at: C.type.index)
        record.parentID = row.int64(at: C.parentID.index)
        record.menuOrder = row.int64(at: C.menuOrder.index)
        (record.attributes, record.variationValues) = ProductAttributes.decode(row.text(at: C.attributes.index))
        record.trashStatus = row.text(at: C.trashStatus.index)
        return record
    }

    /// The product with what its JSON shows (products-orders §1.1, §7.1): related ids (none for a variation), a variable
    /// product's variations, a variation's parent with the parent's related ids and variations.
    package static func loadTree(_ id: Int64, in db: Database) throws -> LoadedProduct? {
        guard let record = try load(id, in: db) else { return nil }
        return try tree(of: record, in: db)
    }

    /// ``loadTree(_:in:)`` for a record already read.
    package static func tree(of record: ProductRecord, in db: Database) throws -> LoadedProduct {
        var loaded = LoadedProduct(record: record)
        if record.isVariation {
            if record.parentID > 0, let parent = try load(record.parentID, in: db) {
                loaded.parent = parent
                loaded.parentRelated = try relatedIDs(of: parent.id, in: db)
                if parent.isVariable { loaded.parentVariations = try variations(of: parent.id, in: db) }
            }
        } else {
            loaded.related = try relatedIDs(of: record.id, in: db)
            if record.isVariable { loaded.variations = try variations(of: record.id, in: db) }
        }
        return loaded
    }

    /// A product's listed variations (publish and private), in menu order.
    package static func variations(of parentID: Int64, in db: Database) throws -> [ProductRecord] {
        let statement = try db.cachedStatement(children)
        try statement.bind(parentID, at: 1)
        let ids = try statement.map(nil) { $0.int64(at: 0) }
        return try ids.compactMap { try load($0, in: db) }
    }

    /// Every variation id of a product, whatever its status.
    static func allVariationIDs(of parentID: Int64, in db: Database) throws -> [Int64] {
        let statement = try db.cachedStatement(allChildren)
        try statement.bind(parentID, at: 1)
        return try statement.map(nil) { $0.int64(at: 0) }
    }

    /// `related_ids`, made deterministic (products-orders §6 Q1): up to five other published products, lowest ids first.
    /// Every product is in "Uncategorized", so every published product is related.
    package static func relatedIDs(of id: Int64, in db: Database) throws -> [Int64] {
        let statement = try db.cachedStatement(related)
        try statement.bind(id, at: 1)
        return try statement.map(nil) { $0.int64(at: 0) }
    }

    /// Another non-trashed product holding `sku` (case-insensitively, as MySQL compares), if any.
    static func skuOwner(_ sku: String, excluding id: Int64, in db: Database) throws -> Int64? {
        let statement = try db.cachedStatement(skuOwner)
        try statement.bind(sku, at: 1)
        try statement.bind(id, at: 2)
        return try statement.first(nil) { $0.int64(at: 0) }
    }

    /// Whether another product (any status) has the slug.
    static func slugTaken(_ slug: String, excluding id: Int64, in db: Database) throws -> Bool {
        let statement = try db.cachedStatement(slugOwner)
        try statement.bind(slug, at: 1)
        try statement.bind(id, at: 2)
        return try statement.first(nil) { _ in true } ?? false
    }

    static func trashed(withSlug slug: String, excluding id: Int64, in db: Database) throws -> [Int64] {
        let statement = try db.cachedStatement(trashedWithSlug)
        try statement.bind(slug, at: 1)
        try statement.bind(id, at: 2)
        return try statement.map(nil) { $0.int64(at: 0) }
    }

    // MARK: List and count

    /// The ids of one page of products matching `query`, in its order.
    package static func pageIDs(_ query: ProductQuery, in db: Database) throws -> [Int64] {
        var (whereSQL, arguments) = query.whereClause(db.dialect)
        var sql = "SELECT p.id FROM products p WHERE " + whereSQL + " ORDER BY " + query.orderClause()
        if let limit = query.limit {
            sql += " LIMIT ? OFFSET ?"
            arguments += [.integer(Int64(limit)), .integer(Int64(query.offset))]
        }
        return try db.statement(sql, cached: query.hasCommonShape).map(arguments) { $0.int64(at: 0) }
    }

    /// How many products match `query`, ignoring limit and offset.
    package static func count(_ query: ProductQuery, in db: Database) throws -> Int {
        let (whereSQL, arguments) = query.whereClause(db.dialect)
        let sql = "SELECT count(*) FROM products p WHERE " + whereSQL
        return try db.statement(sql, cached: query.hasCommonFilters).first(arguments) { $0.int(at: 0) } ?? 0
    }

    // MARK: Writes (writer thread only)

    /// Takes the next post id (shared with every other post-backed object) and inserts the product under it.
    static func insert(_ record: ProductRecord, in db: Database) throws -> Int64 {
        var stored = record
        stored.id = try PostIDs.next(type: record.isVariation ? "product_variation" : "product", in: db)
        try bindAll(stored, to: db.cachedStatement(insertProduct)).execute()
        return stored.id
    }

    /// Rewrites every column of the product row.
    static func update(_ record: ProductRecord, in db: Database) throws {
        try bindAll(record, to: db.cachedStatement(updateProduct)).execute()
    }

    /// Binds every column of the record, each at its ``ProductColumn`` parameter.
    private static func bindAll(_ r: ProductRecord, to statement: Statement) throws -> Statement {
        try statement.bind(ProductColumn.allCases.map { value(of: $0, in: r) })
        return statement
    }

    /// What column `column` stores of the record.
    private static func value(of column: ProductColumn, in r: ProductRecord) -> SQLValue {
        switch column {
        case .id: .integer(r.id)
        case .title: .text(r.title)
        case .slug: .text(r.slug)
        case .desiredSlug: .text(r.desiredSlug)
        case .status: .text(r.status)
        case .sku: .text(r.sku)
        case .regularPrice: .text(r.regularPrice)
        case .salePrice: .text(r.salePrice)
        case .price: .text(r.price)
        case .description: .text(r.description)
        case .shortDescription: .text(r.shortDescription)
        case .virtual: .integer(r.virtual ? 1 : 0)
        case .downloadable: .integer(r.downloadable ? 1 : 0)
        case .downloadLimit: .integer(r.downloadLimit)
        case .downloadExpiry: .integer(r.downloadExpiry)
        case .totalSales: .integer(r.totalSales)
        case .createdAt: .integer(r.createdAt)
        case .updatedAt: .integer(r.updatedAt)
        case .type: .text(r.type)
        case .parentID: .integer(r.parentID)
        case .menuOrder: .integer(r.menuOrder)
        case .attributes:
            .text(r.isVariation ? ProductAttributes.encode(r.variationValues) : ProductAttributes.encode(r.attributes))
        case .trashStatus: .text(r.trashStatus)
        }
    }

    /// Sets another product's slug (the trashed-suffix dance of WordPress).
    static func rename(_ id: Int64, slug: String, desired: String, in db: Database) throws {
        let statement = try db.cachedStatement(renameSlug)
        try statement.bind(slug, at: 1)
        try statement.bind(desired, at: 2)
        try statement.bind(id, at: 3)
        try statement.execute()
    }

    /// Replaces the product's file list.
    static func replaceDownloads(of id: Int64, with downloads: [ProductDownload], in db: Database) throws {
        let delete = try db.cachedStatement(deleteDownloads)
        try delete.bind(id, at: 1)
        try delete.execute()
        for (position, file) in downloads.enumerated() {
            let insert = try db.cachedStatement(insertDownload)
            try insert.bind([.integer(id), .integer(Int64(position)), .text(file.id), .text(file.name), .text(file.file)])
            try insert.execute()
        }
    }

    /// Deletes the product, its files and its post row. Orders keep their lines: nothing else is touched.
    static func delete(_ id: Int64, in db: Database) throws {
        for sql in [deleteDownloads, deleteProduct, deletePost] {
            let statement = try db.cachedStatement(sql)
            try statement.bind(id, at: 1)
            try statement.execute()
        }
    }

    // MARK: What orders read and write of products

    /// The product an order line names by `sku`, if any (``orderableBySKU``).
    static func orderableID(sku: String, in db: Database) throws -> Int64? {
        let statement = try db.cachedStatement(orderableBySKU)
        try statement.bind(sku, at: 1)
        return try statement.first(nil) { $0.int64(at: 0) }
    }

    /// Adds `quantity` to the product's `total_sales` (an order entering a paid or held status, products-orders §5.2).
    static func recordSales(_ quantity: Int64, of id: Int64, in db: Database) throws {
        let statement = try db.cachedStatement(addSales)
        try statement.bind([.integer(quantity), .integer(id)])
        try statement.execute()
    }
}
