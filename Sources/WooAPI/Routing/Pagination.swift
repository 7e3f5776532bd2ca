/// `X-WC-Total`, `X-WC-TotalPages` and `Link` for a list (spec §6.4, with DECISIONS #12's fixes).
///
/// Totals match the real store (0 rows → 0 pages; `filter[limit]=-1` → 1 page). Links differ on purpose: they
/// keep the public URL's scheme, host and port; they are percent-encoded; they never carry credentials or
/// `oauth_*`; pages are integers (an offset is reported as the page it falls in); and a link is present whenever
/// the page it points to exists, including when the current page holds one row.
package struct Pagination: Equatable, Sendable {
    package var total: Int
    package var totalPages: Int
    package var page: Int

    /// Computes the figures for `total` rows shown `limit` at a time from `offset` (nil limit = all rows).
    package init(total: Int, limit: Int?, offset: Int) {
        self.total = total
        if let limit, limit > 0 {
            totalPages = (total + limit - 1) / limit
            page = offset / limit + 1
        } else {
            totalPages = 1
            page = 1
        }
    }

    /// The pages to link, in header order.
    package func links() -> [(rel: String, page: Int)] {
        var links: [(String, Int)] = []
        if page > 1 && totalPages >= 1 {
            links.append(("first", 1))
            if page - 1 <= totalPages { links.append(("prev", page - 1)) }
        }
        if page + 1 <= totalPages { links.append(("next", page + 1)) }
        if totalPages >= 1 && page != totalPages { links.append(("last", totalPages)) }
        return links
    }

    /// Adds the headers. `baseURL` is the public URL, `path` the request path as sent.
    package func headers(baseURL: String, path: String, query: QueryParameters) -> [(String, String)] {
        var result: [(String, String)] = []
        let kept = query.rawPairs.filter { pair in
            let name = (PercentDecoding.decode(pair.name, plusIsSpace: true) ?? pair.name).lowercased()
            return name != "page" && name != "consumer_key" && name != "consumer_secret" && !name.hasPrefix("oauth_")
        }
        let prefix = kept.map { pair -> String in
            let name = PercentDecoding.encode(PercentDecoding.decode(pair.name, plusIsSpace: true) ?? "")
            guard let value = pair.value else { return name }
            return name + "=" + PercentDecoding.encode(PercentDecoding.decode(value, plusIsSpace: true) ?? "")
        }
        for link in links() {
            let query = (prefix + ["page=\(link.page)"]).joined(separator: "&")
            result.append(("Link", "<\(baseURL)\(path)?\(query)>; rel=\"\(link.rel)\""))
        }
        result.append(("X-WC-Total", String(total)))
        result.append(("X-WC-TotalPages", String(totalPages)))
        return result
    }
}
