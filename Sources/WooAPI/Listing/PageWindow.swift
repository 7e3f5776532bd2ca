/// The page a list request asks for: `filter[limit]`, `page` and `filter[offset]` (customers §6.1), validated as
/// Decisions #23/#24 require — a value PHP would crash or mis-page on is a 400, never a 500 or a silent default.
package struct PageWindow: Sendable, Equatable {
    /// Page size; nil means all rows (`filter[limit]=-1`).
    package var limit: Int? = 10
    package var offset = 0
    package var page = 1

    package init() {}

    /// Reads the raw values (nil or empty: not given). An empty or `0` limit is the default 10; a non-zero
    /// `filter[offset]` overrides the offset the page implies.
    package init(limit limitText: String?, page pageText: String?, offset offsetText: String?) throws(APIError) {
        if let text = limitText, !text.isEmpty {
            guard let number = Int(text), number >= -1 else {
                throw APIError.invalidParameter("filter[limit] must be -1 (all), 0 (default) or a positive integer.")
            }
            limit = number == -1 ? nil : (number == 0 ? 10 : number)
        }
        if let text = pageText, !text.isEmpty {
            guard let number = Int(text), number >= 1, number <= Int(Int32.max) else {
                throw APIError.invalidParameter("page must be a positive integer.")
            }
            page = number
        }
        if let limit { offset = limit * (page - 1) }
        if let text = offsetText, !text.isEmpty, text != "0" {
            guard let number = Int(text), number >= 0 else {
                throw APIError.invalidParameter("filter[offset] must be a non-negative integer.")
            }
            offset = number
        }
    }
}
