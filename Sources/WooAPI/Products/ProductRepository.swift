import SQLite

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

/// SQL for products. Every value is bound; the only SQL composed at run time is the list's WHERE and ORDER BY,
/// built from fixed fragments chosen by a validated ``ProductQuery``.
package enum ProductRepository {
    static let columns = """
        id, title, slug, desired_slug, status, sku, regular_price, sale_price, price, description, short_description,
        virtual, downloadable, download_limit, download_expiry, total_sales, created_at, updated_at, type, parent_id,
        menu_order, attributes, trash_status
        """
    static let byID = SQL("SELECT \(columns) FROM products WHERE id = ?")
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
    static let insertPost = SQL("INSERT INTO posts (type) VALUES (?)")
    static let insertProduct = SQL("INSERT INTO products (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    static let updateProduct = SQL("""
        UPDATE products SET title = ?2, slug = ?3, desired_slug = ?4, status = ?5, sku = ?6, regular_price = ?7,
          sale_price = ?8, price = ?9, description = ?10, short_description = ?11, virtual = ?12, downloadable = ?13,
          download_limit = ?14, download_expiry = ?15, total_sales = ?16, created_at = ?17, updated_at = ?18,
          type = ?19, parent_id = ?20, menu_order = ?21, attributes = ?22, trash_status = ?23
        WHERE id = ?1
        """)
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
        var record = ProductRecord(
            id: row.int64(at: 0), title: row.text(at: 1), slug: row.text(at: 2), desiredSlug: row.text(at: 3),
            status: row.text(at: 4), sku: row.text(at: 5), regularPrice: row.text(at: 6), salePrice: row.text(at: 7),
            price: row.text(at: 8), description: row.text(at: 9), shortDescription: row.text(at: 10),
            virtual: row.int64(at: 11) != 0, downloadable: row.int64(at: 12) != 0, downloadLimit: row.int64(at: 13),
            downloadExpiry: row.int64(at: 14), totalSales: row.int64(at: 15), createdAt: row.int64(at: 16),
            updatedAt: row.int64(at: 17))
        record.type = row.text(at: 18)
        record.parentID = row.int64(at: 19)
        record.menuOrder = row.int64(at: 20)
        (record.attributes, record.variationValues) = ProductAttributes.decode(row.text(at: 21))
        record.trashStatus = row.text(at: 22)
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
        var (whereSQL, arguments) = query.whereClause()
        var sql = "SELECT p.id FROM products p WHERE " + whereSQL + " ORDER BY " + query.orderClause()
        if let limit = query.limit {
            sql += " LIMIT ? OFFSET ?"
            arguments += [.integer(Int64(limit)), .integer(Int64(query.offset))]
        }
        return try db.statement(sql, cached: query.hasCommonShape).map(arguments) { $0.int64(at: 0) }
    }

    /// How many products match `query`, ignoring limit and offset.
    package static func count(_ query: ProductQuery, in db: Database) throws -> Int {
        let (whereSQL, arguments) = query.whereClause()
        let sql = "SELECT count(*) FROM products p WHERE " + whereSQL
        return try db.statement(sql, cached: query.hasCommonFilters).first(arguments) { $0.int(at: 0) } ?? 0
    }

    // MARK: Writes (writer thread only)

    /// Takes the next post id (shared with every other post-backed object) and inserts the product under it.
    static func insert(_ record: ProductRecord, in db: Database) throws -> Int64 {
        let post = try db.cachedStatement(insertPost)
        try post.bind(record.isVariation ? "product_variation" : "product", at: 1)
        try post.execute()
        var stored = record
        stored.id = db.lastInsertRowID
        try bindAll(stored, to: db.cachedStatement(insertProduct)).execute()
        return stored.id
    }

    /// Rewrites every column of the product row.
    static func update(_ record: ProductRecord, in db: Database) throws {
        try bindAll(record, to: db.cachedStatement(updateProduct)).execute()
    }

    private static func bindAll(_ r: ProductRecord, to statement: Statement) throws -> Statement {
        let values: [SQLiteValue] = [
            .integer(r.id), .text(r.title), .text(r.slug), .text(r.desiredSlug), .text(r.status), .text(r.sku),
            .text(r.regularPrice), .text(r.salePrice), .text(r.price), .text(r.description), .text(r.shortDescription),
            .integer(r.virtual ? 1 : 0), .integer(r.downloadable ? 1 : 0), .integer(r.downloadLimit),
            .integer(r.downloadExpiry), .integer(r.totalSales), .integer(r.createdAt), .integer(r.updatedAt),
            .text(r.type), .integer(r.parentID), .integer(r.menuOrder),
            .text(r.isVariation ? ProductAttributes.encode(r.variationValues) : ProductAttributes.encode(r.attributes)),
            .text(r.trashStatus),
        ]
        try statement.bind(values)
        return statement
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
}
