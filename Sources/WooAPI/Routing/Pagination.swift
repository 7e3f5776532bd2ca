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

    /// The headers. `baseURL` is the public URL, `path` the request path as sent.
    package func headers(baseURL: String, path: String, query: QueryParameters) -> [(String, String)] {
        var result: [(String, String)] = []
        let links = links()
        if !links.isEmpty {
            // `<base><path>?<kept parameters, re-encoded>&page=` once; each link appends its page number.
            var prefix = "<" + baseURL + path + "?"
            for pair in query.rawPairs {
                let name = PercentDecoding.decode(pair.name, plusIsSpace: true) ?? ""
                if Self.isDropped(name) { continue }
                prefix += Self.reencoded(pair.name, decoded: name)
                if let value = pair.value {
                    prefix += "=" + Self.reencoded(value, decoded: nil)
                }
                prefix += "&"
            }
            prefix += "page="
            for link in links {
                result.append(("Link", prefix + String(link.page) + ">; rel=\"" + link.rel + "\""))
            }
        }
        result.append(("X-WC-Total", String(total)))
        result.append(("X-WC-TotalPages", String(totalPages)))
        return result
    }

    /// `raw` decoded once and percent-encoded again; text already in that form (unreserved bytes and upper-case
    /// `%XX` of reserved ones, as clients send `filter%5Blimit%5D=10`) is returned as it is, without the round trip.
    static func reencoded(_ raw: String, decoded: String?) -> String {
        if isCanonical(raw) { return raw }
        return PercentDecoding.encode(decoded ?? PercentDecoding.decode(raw, plusIsSpace: true) ?? "")
    }

    private static func isCanonical(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if PercentDecoding.isUnreserved(byte) { continue }
            guard byte == UInt8(ascii: "%"), let high = utf8.next(), let low = utf8.next(),
                  let h = upperHex(high), let l = upperHex(low), !PercentDecoding.isUnreserved(h << 4 | l) else { return false }
        }
        return true
    }

    private static func upperHex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `page` is replaced; credentials and OAuth parameters never appear in links (DECISIONS #12).
    private static func isDropped(_ name: String) -> Bool {
        let lower = name.utf8.allSatisfy({ $0 < 0x80 }) ? name.lowercased() : name
        return lower == "page" || lower == "consumer_key" || lower == "consumer_secret" || lower.hasPrefix("oauth_")
    }
}
