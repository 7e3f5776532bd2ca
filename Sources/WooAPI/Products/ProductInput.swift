/// One entry of a `downloads` list, sanitized as `WC_Product_Download` stores it (products-orders §1.3).
struct DownloadInput: Sendable, Equatable {
    /// The client's file id (`wc_clean`ed), or nil to keep or make one.
    var id: String?
    var name: String
    var file: String
    var kind: DownloadFile.Kind
}

/// The writable fields of a `product` body (products-orders §2.3–§2.5), type-checked and sanitized; nil means "not given".
///
/// Checked without the database, in the real store's order; what needs the database (SKU uniqueness) and what
/// the real store checks after it (download files) is left to ``ProductWrites``.
struct ProductInput: Sendable {
    var title: String?
    /// `name`: the slug (edit only).
    var slug: String?
    var status: String?
    var description: String?
    var shortDescription: String?
    var sku: String?
    var regularPrice: String?
    var salePrice: String?
    var virtual: Bool?
    var downloadable: Bool?
    var downloads: [DownloadInput]?
    var downloadLimit: Int64?
    var downloadExpiry: Int64?
    /// `type` as given (checked); on create it chooses the product's type, on edit it is ignored (products-orders §2.5).
    var type: String?
    /// `attributes`: replaces the whole list when given.
    var attributes: [ProductAttribute]?
    /// `variations` when it is a list: entries with an `id` update that variation, others create one.
    var variations: [VariationInput]?

    /// The statuses WordPress registers for posts (`future` is stored as `publish`: the date is now).
    static let statuses: Set<String> = ["publish", "draft", "pending", "private", "trash"]
    static let realTypes: Set<String> = ["simple", "grouped", "external", "variable"]

    init() {}

    /// Reads `wrapper` (the value of `product`). On create a non-object has no title; on edit it changes nothing.
    init(_ wrapper: JSONValue, create: Bool) throws(APIError) {
        guard let object = wrapper.objectValue else {
            if create { throw ProductErrors.missingTitle }
            return
        }
        func given(_ key: String) -> JSONValue? {
            guard let value = object[key], !value.isNull else { return nil }
            return value
        }
        func clean(_ key: String) throws(APIError) -> String? {
            try CustomerInput.text(given(key), key).map(Sanitize.textField)
        }
        title = try clean("title")
        if create && title == nil { throw ProductErrors.missingTitle }
        if create { type = try Self.checkType(given("type"), create: true) }
        if !create { slug = try clean("name") }
        if let status = try clean("status") {
            let effective = status.isEmpty || status == "future" ? "publish" : status
            guard Self.statuses.contains(effective) else { throw ProductErrors.invalidStatus }
            self.status = effective
        }
        shortDescription = try clean("short_description")
        description = try clean("description")
        if !create { type = try Self.checkType(given("type"), create: false) }

        if let value = given("virtual") { virtual = try Self.stringToBool(value, "virtual") }
        sku = try clean("sku")
        regularPrice = try Self.price(given("regular_price"), "regular_price")
        salePrice = try Self.price(given("sale_price"), "sale_price")
        // Only JSON `true` makes a product downloadable (products-orders §2.4).
        if let value = given("downloadable") { downloadable = value == .bool(true) }
        downloads = try Self.downloadList(given("downloads"))
        downloadLimit = try Self.limit(given("download_limit"), "download_limit")
        downloadExpiry = try Self.limit(given("download_expiry"), "download_expiry")
        if let value = given("attributes") { attributes = try ProductAttributes.parse(value) }
        switch given("variations") {
        case .array(let items)?: variations = try items.map(VariationInput.init)
        case .object(let members)?: variations = try members.members.map { member throws(APIError) in try VariationInput(member.value) }
        default: break
        }
    }

    /// The type, `wc_clean`ed, must be a real product type; on create only `simple` and `variable` are served.
    private static func checkType(_ value: JSONValue?, create: Bool) throws(APIError) -> String? {
        guard let value else { return nil }
        guard let text = try? CustomerInput.text(value, "type").map(Sanitize.textField), realTypes.contains(text) else {
            throw ProductErrors.invalidType
        }
        if create && text != "simple" && text != "variable" { throw ProductErrors.unsupportedType(text) }
        return text
    }

    /// `wc_string_to_bool`: `true`, `1`, `"1"`, `"yes"`, `"true"` (any case) are true.
    static func stringToBool(_ value: JSONValue, _ name: String) throws(APIError) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .number: return value.intValue == 1
        case .string(let text): return ["yes", "true", "1"].contains(text.lowercased())
        default: throw APIError.invalidData("\(name) must be a boolean.")
        }
    }

    static func price(_ value: JSONValue?, _ name: String) throws(APIError) -> String? {
        guard let value else { return nil }
        guard let stored = Money.stored(from: value) else { throw APIError.invalidData("\(name) must be a string.") }
        return stored
    }

    static func limit(_ value: JSONValue?, _ name: String) throws(APIError) -> Int64? {
        guard let value else { return nil }
        guard let limit = PHPInt.limit(value) else { throw APIError.invalidData("\(name) must be an integer.") }
        return limit
    }

    /// `save_downloadable_files`: `url` overrides `file`; entries without a file are skipped; `name` defaults
    /// to the file name of the URL; absolute URLs go through `esc_url_raw`, anything else through `wc_clean`.
    /// `downloads` when it is a list (or an object, whose values are the entries); nil otherwise (not changed).
    static func downloadList(_ value: JSONValue?) throws(APIError) -> [DownloadInput]? {
        switch value {
        case .array(let items)?: try downloads(items)
        case .object(let members)?: try downloads(members.members.map(\.value))
        default: nil
        }
    }

    static func downloads(_ items: [JSONValue]) throws(APIError) -> [DownloadInput] {
        var result: [DownloadInput] = []
        for item in items {
            guard let entry = item.objectValue else { continue }
            let fileValue = entry["url"].flatMap { $0.isNull ? nil : $0 } ?? entry["file"]
            guard let raw = try CustomerInput.text(fileValue, "downloads.file"), isTruthy(raw, fileValue) else { continue }
            var id: String?
            if let idValue = entry["id"], let text = try CustomerInput.text(idValue, "downloads.id"), isTruthy(text, idValue) {
                let cleaned = Sanitize.textField(text)
                id = cleaned.isEmpty ? nil : cleaned
            }
            var name = ""
            if let nameValue = entry["name"], let text = try CustomerInput.text(nameValue, "downloads.name"), isTruthy(text, nameValue) {
                name = text
            } else {
                name = URLEncoding.filename(fromURL: raw)
            }
            let file = DownloadFile.kind(of: raw) == .absolute ? URLEncoding.escapeURL(raw) : Sanitize.textField(raw)
            result.append(DownloadInput(id: id, name: Sanitize.textField(name), file: file, kind: DownloadFile.kind(of: file)))
        }
        return result
    }

    /// PHP truthiness of a scalar already turned into text: `""`, `"0"` (and the number 0, `false`) are false.
    private static func isTruthy(_ text: String, _ value: JSONValue?) -> Bool {
        if case .number(let number)? = value { return number != 0 }
        return !text.isEmpty && text != "0"
    }
}

/// One entry of a variable product's `variations` (`save_variations`, products-orders §7.3); nil means "not given".
struct VariationInput: Sendable {
    /// The variation to update (`absint`); nil or 0 creates one.
    var id: Int64?
    /// `visible`: JSON `false` makes the variation private, anything else publishes it.
    var visible: Bool?
    var sku: String?
    var virtual: Bool?
    var downloadable: Bool?
    var downloads: [DownloadInput]?
    var downloadLimit: Int64?
    var downloadExpiry: Int64?
    var regularPrice: String?
    var salePrice: String?
    /// The named options, resolved against the parent's attributes when saved.
    var attributes: [(name: String, option: String)]?

    init(_ value: JSONValue) throws(APIError) {
        guard let object = value.objectValue else { throw APIError.invalidData("variations entries must be objects.") }
        func given(_ key: String) -> JSONValue? {
            guard let value = object[key], !value.isNull else { return nil }
            return value
        }
        if let value = given("id") {
            guard let number = PHPInt.intval(value) else { throw APIError.invalidData("variations.id must be an integer.") }
            let id = number == .min ? Int64.max : abs(number)
            self.id = id == 0 ? nil : id
        }
        if let value = given("visible") { visible = value != .bool(false) }
        sku = try CustomerInput.text(given("sku"), "variations.sku").map(Sanitize.textField)
        if let value = given("virtual") { virtual = try ProductInput.stringToBool(value, "variations.virtual") }
        if let value = given("downloadable") { downloadable = try ProductInput.stringToBool(value, "variations.downloadable") }
        downloads = try ProductInput.downloadList(given("downloads"))
        downloadLimit = try ProductInput.limit(given("download_limit"), "variations.download_limit")
        downloadExpiry = try ProductInput.limit(given("download_expiry"), "variations.download_expiry")
        regularPrice = try ProductInput.price(given("regular_price"), "variations.regular_price")
        salePrice = try ProductInput.price(given("sale_price"), "variations.sale_price")
        if let value = given("attributes") { attributes = try ProductAttributes.parseValues(value) }
    }
}
