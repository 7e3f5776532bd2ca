import SQLite
import Storage

/// Create, update and delete on the writer's connection, in the real store's order of checks, with decisions #10:
/// everything is checked before anything is written, so a 4xx leaves no trace (not even a used-up post id).
enum ProductWrites {
    /// Statuses under which WordPress keeps no slug (`wp_insert_post`, `wp_unique_post_slug`).
    static let unsluggedStatuses: Set<String> = ["draft", "pending", "auto-draft"]
    /// Flat slugs WordPress refuses (feeds and `embed`), so they get a `-2` suffix.
    static let badSlugs: Set<String> = ["feed", "rdf", "rss", "rss2", "atom", "embed"]

    /// Creates a product from a checked body (products-orders §2.3) and returns its id.
    static func create(_ input: ProductInput, now: Int64, in db: Database) throws -> Int64 {
        try RowLocks.lockCatalog(in: db)
        var record = ProductRecord()
        record.title = input.title ?? ""
        // An empty title is accepted; the post title then becomes "Product" (products-orders §2.3 step 3).
        if record.title.isEmpty { record.title = "Product" }
        record.status = input.status ?? "publish"
        record.type = input.type == "variable" ? "variable" : "simple"
        record.createdAt = now
        record.updatedAt = now
        try apply(input, to: &record, in: db)
        if db.dialect == .postgres, record.isVariable, let variations = input.variations {
            try checkNewVariations(variations, parent: record, in: db)
        }
        // The id is taken only now: every check has passed.
        record.id = try ProductRepository.insert(record, in: db)
        try assignSlug(&record, requested: nil, previousStatus: nil, in: db)
        try ProductRepository.update(record, in: db)
        try ProductRepository.replaceDownloads(of: record.id, with: record.downloads, in: db)
        // Variations are saved after their parent, which gives them their attributes (products-orders §7.3).
        if record.isVariable, let variations = input.variations {
            try saveVariations(variations, parent: record, now: now, in: db)
        }
        return record.id
    }

    /// Updates product `id` (products-orders §2.5): the product is looked up and the caller checked first (404/401), then the
    /// body's own errors are reported. Only keys present change; `updated_at` moves on every save.
    static func update(id: Int64, _ parsed: Result<ProductInput, APIError>, canEdit: Bool, now: Int64, in db: Database) throws {
        try RowLocks.lockProduct(id, in: db)
        var record = try existing(id, in: db)
        guard canEdit else { throw ProductErrors.cannot("edit") }
        let input = try parsed.get()
        let previousStatus = record.status
        let previousDownloads = record.downloads
        if let title = input.title { record.title = title }
        if let status = input.status { record.status = status }
        try apply(input, to: &record, in: db)
        record.updatedAt = now
        // A variation has no slug of its own: its permalink is its parent's.
        if !record.isVariation {
            try assignSlug(&record, requested: input.slug, previousStatus: previousStatus, in: db)
        }
        try ProductRepository.update(record, in: db)
        if record.downloads != previousDownloads {
            try ProductRepository.replaceDownloads(of: id, with: record.downloads, in: db)
        }
        if record.isVariable {
            // Restoring a trashed variable product restores the variations trashed with it.
            if previousStatus == "trash" && record.status != "trash" { try restoreVariations(of: id, now: now, in: db) }
            if let variations = input.variations { try saveVariations(variations, parent: record, now: now, in: db) }
        }
    }

    /// Deletes product `id` (products-orders §2.6): permanently when `force`, else moves it to the trash.
    static func delete(id: Int64, force: Bool, canDelete: Bool, now: Int64, in db: Database) throws {
        try RowLocks.lockProduct(id, in: db)
        var record = try existing(id, in: db)
        guard canDelete else { throw ProductErrors.cannot("delete") }
        // A variable product takes its variations with it, to the trash or for good (products-orders §2.6, §7.4).
        let variationIDs = record.isVariable ? try ProductRepository.allVariationIDs(of: id, in: db) : []
        if force {
            for variationID in variationIDs { try ProductRepository.delete(variationID, in: db) }
            try ProductRepository.delete(id, in: db)
        } else if record.status != "trash" {
            let previousStatus = record.status
            record.status = "trash"
            record.updatedAt = now
            if record.isVariation {
                record.trashStatus = previousStatus
            } else {
                try assignSlug(&record, requested: nil, previousStatus: previousStatus, in: db)
            }
            try ProductRepository.update(record, in: db)
            for variationID in variationIDs {
                guard var variation = try ProductRepository.load(variationID, in: db), variation.status != "trash" else { continue }
                variation.trashStatus = variation.status
                variation.status = "trash"
                variation.updatedAt = now
                try ProductRepository.update(variation, in: db)
            }
        }
    }

    /// `untrash_variations`: the variations trashed with their parent get their earlier status back.
    private static func restoreVariations(of parentID: Int64, now: Int64, in db: Database) throws {
        for variationID in try ProductRepository.allVariationIDs(of: parentID, in: db) {
            guard var variation = try ProductRepository.load(variationID, in: db), variation.status == "trash" else { continue }
            variation.status = variation.trashStatus.isEmpty ? "publish" : variation.trashStatus
            variation.trashStatus = ""
            variation.updatedAt = now
            try ProductRepository.update(variation, in: db)
        }
    }

    /// `save_variations` (products-orders §7.3): each entry updates the variation its `id` names (which must be one of this
    /// product's) or creates one; its index becomes its menu order. Variations not named are kept.
    static func saveVariations(_ inputs: [VariationInput], parent: ProductRecord, now: Int64, in db: Database) throws {
        for (menuOrder, input) in inputs.enumerated() {
            var variation: ProductRecord
            if let id = input.id {
                guard let found = try ProductRepository.load(id, in: db), found.isVariation, found.parentID == parent.id else {
                    throw ProductErrors.notAVariation(id)
                }
                variation = found
            } else {
                variation = ProductRecord()
                variation.type = "variation"
                variation.status = input.visible == false ? "private" : "publish"
                variation.createdAt = now
            }
            let previousDownloads = variation.downloads
            variation.parentID = parent.id
            variation.menuOrder = Int64(menuOrder)
            if let visible = input.visible { variation.status = visible ? "publish" : "private" }
            if let sku = input.sku {
                // `WC_Product::set_sku`: a SKU another non-trashed product or variation holds is a data error.
                if !sku.isEmpty, try ProductRepository.skuOwner(sku, excluding: variation.id, in: db) != nil {
                    throw ProductErrors.invalidSKU
                }
                variation.sku = sku
            }
            if let virtual = input.virtual { variation.virtual = virtual }
            try applyDownloads(input.downloadable, files: input.downloads, limit: input.downloadLimit,
                               expiry: input.downloadExpiry, to: &variation)
            if let regular = input.regularPrice { variation.regularPrice = regular }
            if let sale = input.salePrice { variation.salePrice = sale }
            settlePrice(&variation)
            if let attributes = input.attributes {
                variation.variationValues = ProductAttributes.values(attributes, parent: parent.attributes)
            }
            variation.title = ProductAttributes.variationTitle(
                parentTitle: parent.title,
                values: ProductAttributes.effectiveValues(variation.variationValues, parent: parent.attributes))
            variation.updatedAt = now
            if variation.id == 0 {
                variation.id = try ProductRepository.insert(variation, in: db)
                try ProductRepository.replaceDownloads(of: variation.id, with: variation.downloads, in: db)
            } else {
                try ProductRepository.update(variation, in: db)
                if variation.downloads != previousDownloads {
                    try ProductRepository.replaceDownloads(of: variation.id, with: variation.downloads, in: db)
                }
            }
        }
    }

    /// The checks ``saveVariations(_:parent:now:in:)`` makes of a new product's variations, entry by entry in the
    /// same order, run before the product takes its id: over PostgreSQL a sequence does not give back the ids of a
    /// rolled-back transaction, so a variation refused after its parent (and earlier variations) were inserted
    /// would use up post ids, which decisions #10 rules out and SQLite's rolled-back `sqlite_sequence` never does.
    /// A new product owns no variation yet, so any `id` is not one of its variations; a SKU is taken when another
    /// non-trashed product holds it, or the product itself or an earlier entry does (ASCII case folded, as
    /// `citext` in the C locale and `NOCASE` compare).
    private static func checkNewVariations(_ inputs: [VariationInput], parent: ProductRecord, in db: Database) throws {
        var claimed: Set<String> = parent.sku.isEmpty || parent.status == "trash" ? [] : [asciiFolded(parent.sku)]
        for input in inputs {
            if let id = input.id { throw ProductErrors.notAVariation(id) }
            if let sku = input.sku, !sku.isEmpty {
                let folded = asciiFolded(sku)
                let owned = claimed.contains(folded)
                    ? true : try ProductRepository.skuOwner(sku, excluding: 0, in: db) != nil
                if owned { throw ProductErrors.invalidSKU }
                claimed.insert(folded)
            }
            var scratch = ProductRecord()
            scratch.type = "variation"
            try applyDownloads(input.downloadable, files: input.downloads, limit: input.downloadLimit,
                               expiry: input.downloadExpiry, to: &scratch)
        }
    }

    /// `text` with ASCII letters in lower case and every other character as it is.
    private static func asciiFolded(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// A sale price not below the regular price is cleared; the price is the sale price while on sale.
    private static func settlePrice(_ record: inout ProductRecord) {
        if PHPNumericString.compare(record.salePrice, record.regularPrice) >= 0 { record.salePrice = "" }
        record.price = ProductPrices.isOnSale(regular: record.regularPrice, sale: record.salePrice)
            ? record.salePrice : record.regularPrice
    }

    /// `validate_request` for a product (products-orders §2.2): no post → 404, another kind of post → 404.
    static func existing(_ id: Int64, in db: Database) throws -> ProductRecord {
        guard let type = try ProductRepository.postType(of: id, in: db) else { throw ProductErrors.notFound(id) }
        guard type == "product" || type == "product_variation",
              let record = try ProductRepository.load(id, in: db) else { throw ProductErrors.invalidProduct }
        return record
    }

    /// `save_product_meta` for the modelled fields, in the real order: descriptions, SKU, prices, files.
    private static func apply(_ input: ProductInput, to record: inout ProductRecord, in db: Database) throws {
        if let text = input.description { record.description = text }
        if let text = input.shortDescription { record.shortDescription = text }
        if let virtual = input.virtual { record.virtual = virtual }

        // SKU: `""` clears it; a change to one another non-trashed product holds is refused. A SKU of "0" is kept
        // (the real store clears it, losing it).
        if let sku = input.sku {
            if !sku.isEmpty, sku != record.sku, try ProductRepository.skuOwner(sku, excluding: record.id, in: db) != nil {
                throw ProductErrors.skuExists
            }
            record.sku = sku
        }

        try applyDownloads(input.downloadable, files: input.downloads, limit: input.downloadLimit,
                           expiry: input.downloadExpiry, to: &record)

        if let attributes = input.attributes { record.attributes = attributes }

        // Prices: a sale price not below the regular price is cleared; the price is the sale price while on sale.
        // A variable product has no prices of its own: they come from its variations (products-orders §7.1).
        if record.isVariable {
            (record.regularPrice, record.salePrice, record.price) = ("", "", "")
        } else {
            if let regular = input.regularPrice { record.regularPrice = regular }
            if let sale = input.salePrice { record.salePrice = sale }
            settlePrice(&record)
        }
    }

    /// The downloadable flag and, while it holds, the files, limit and expiry (products-orders §2.4, §7.3); for
    /// products and variations alike. A path on the server is refused: it must exist, and this store serves no
    /// files of its own.
    private static func applyDownloads(
        _ downloadable: Bool?, files: [DownloadInput]?, limit: Int64?, expiry: Int64?, to record: inout ProductRecord
    ) throws(APIError) {
        let downloadable = downloadable ?? record.downloadable
        record.downloadable = downloadable
        guard downloadable else { return }
        if let files {
            if let missing = files.first(where: { $0.kind == .relative }) { throw ProductErrors.missingFile(missing.file) }
            record.downloads = assignIDs(files, previous: record.downloads)
        }
        if let limit { record.downloadLimit = limit }
        if let expiry { record.downloadExpiry = expiry }
    }

    /// The file list that replaces the old one. A file keeps the id the client sends; without one it keeps the id
    /// it had while its URL is unchanged (each old id at most once), else it gets a new UUID v4. As in PHP's keyed
    /// array, a repeated id keeps its first position and takes the later entry's values.
    static func assignIDs(_ files: [DownloadInput], previous: [ProductDownload]) -> [ProductDownload] {
        let claimed = Set(files.compactMap(\.id))
        var reusable = previous.filter { !claimed.contains($0.id) }
        var result: [ProductDownload] = []
        for file in files {
            var id = file.id
            if id == nil, let index = reusable.firstIndex(where: { $0.file == file.file }) {
                id = reusable.remove(at: index).id
            }
            let download = ProductDownload(id: id ?? DownloadFile.newID(), name: file.name, file: file.file)
            if let index = result.firstIndex(where: { $0.id == download.id }) {
                result[index] = download
            } else {
                result.append(download)
            }
        }
        return result
    }

    /// The slug WordPress gives the post on this save (`wp_insert_post`, `wp_unique_post_slug`, and the
    /// `__trashed` suffix of trashed posts, which a restore takes back off).
    static func assignSlug(_ record: inout ProductRecord, requested: String?, previousStatus: String?, in db: Database) throws {
        let status = record.status
        var slug = requested.map(Sanitize.title) ?? record.slug
        if slug.isEmpty && !unsluggedStatuses.contains(status) {
            slug = Sanitize.title(record.title)
            if slug.isEmpty { slug = String(record.id) }
        }
        if previousStatus == "trash" && status != "trash" && !record.desiredSlug.isEmpty {
            slug = record.desiredSlug
            record.desiredSlug = ""
        }
        if status != "trash" && !slug.isEmpty {
            // A trashed product holding the wanted slug gives it up.
            for other in try ProductRepository.trashed(withSlug: slug, excluding: record.id, in: db) {
                try ProductRepository.rename(other, slug: Sanitize.truncateSlug(slug, 191) + "__trashed", desired: slug, in: db)
            }
        }
        if status == "trash", let previousStatus, previousStatus != "trash" {
            if record.slug.hasSuffix("__trashed") {
                slug = record.slug
            } else {
                record.desiredSlug = record.slug
                slug = Sanitize.truncateSlug(record.slug, 191) + "__trashed"
            }
        }
        record.slug = try unique(slug, id: record.id, status: status, in: db)
    }

    private static func unique(_ slug: String, id: Int64, status: String, in db: Database) throws -> String {
        guard !unsluggedStatuses.contains(status), !slug.isEmpty else { return slug }
        guard try ProductRepository.slugTaken(slug, excluding: id, in: db) || badSlugs.contains(slug) else { return slug }
        var suffix = 2
        while true {
            let candidate = Sanitize.truncateSlug(slug, 200 - (String(suffix).count + 1)) + "-\(suffix)"
            if try !ProductRepository.slugTaken(candidate, excluding: id, in: db) { return candidate }
            suffix += 1
        }
    }
}
