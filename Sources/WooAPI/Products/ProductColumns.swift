/// The `products` columns a product row is read and written with (see ``TableColumns``).
enum ProductColumn: Int, TableColumns {
    case id, title, slug, desiredSlug, status, sku, regularPrice, salePrice, price, description, shortDescription
    case virtual, downloadable, downloadLimit, downloadExpiry, totalSales, createdAt, updatedAt, type, parentID
    case menuOrder, attributes, trashStatus
}
