import HTTP

/// `X-WC-Total`, `X-WC-TotalPages` and `Link` for a list (listing §3, with decisions #12's fixes).
///
/// Totals match the real store (0 rows → 0 pages; `filter[limit]=-1` → 1 page). Links differ on purpose: they
/// keep the public URL's scheme, host and port; they are percent-encoded; they never carry credentials or
/// `oauth_*`; pages are integers (an offset is reported as the page it falls in); and a link is present whenever
/// the page it points to exists, including when the current page holds one row. A repeated parameter appears
/// once, with its last value, as PHP's `$_GET` holds it (issue 9: the official Python client sends each twice).
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
        forEachLink { rel, page in links.append((rel.description, page)) }
        return links
    }

    /// Calls `body` with each page to link, in header order.
    private func forEachLink(_ body: (StaticString, Int) -> Void) {
        if page > 1 && totalPages >= 1 {
            body("first", 1)
            if page - 1 <= totalPages { body("prev", page - 1) }
        }
        if page + 1 <= totalPages { body("next", page + 1) }
        if totalPages >= 1 && page != totalPages { body("last", totalPages) }
    }

    private var hasLinks: Bool {
        (page > 1 && totalPages >= 1) || page + 1 <= totalPages || (totalPages >= 1 && page != totalPages)
    }

    /// The headers. `baseURL` is the public URL, `path` the request path as sent.
    package func headers(baseURL: String, path: String, query: QueryParameters) -> [(String, String)] {
        var result: [(String, String)] = []
        result.reserveCapacity(6)
        if hasLinks {
            // `<base><path>?<kept parameters, re-encoded>&page=` once, as bytes; each link appends its page number.
            // A repeated parameter appears once, with the value PHP would read (the last).
            var prefix: [UInt8] = []
            prefix.reserveCapacity(baseURL.utf8.count + path.utf8.count + 64)
            prefix.append(UInt8(ascii: "<"))
            prefix.appendUTF8(baseURL)
            prefix.appendUTF8(path)
            prefix.append(UInt8(ascii: "?"))
            for pair in query.uniqueRawPairs {
                let name = PercentDecoding.decode(pair.name, plusIsSpace: true) ?? ""
                if Self.isDropped(name) { continue }
                prefix.appendUTF8(Self.reencoded(pair.name, decoded: name))
                if let value = pair.value {
                    prefix.append(UInt8(ascii: "="))
                    prefix.appendUTF8(Self.reencoded(value, decoded: nil))
                }
                prefix.append(UInt8(ascii: "&"))
            }
            prefix.appendLiteral("page=")
            forEachLink { rel, page in
                var bytes = prefix
                bytes.appendDecimal(page)
                bytes.appendLiteral(">; rel=\"")
                bytes.appendLiteral(rel)
                bytes.append(UInt8(ascii: "\""))
                result.append(("Link", String(decoding: bytes, as: UTF8.self)))
            }
        }
        result.append(("X-WC-Total", Self.decimal(total)))
        result.append(("X-WC-TotalPages", Self.decimal(totalPages)))
        return result
    }

    private static func decimal(_ value: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        bytes.appendDecimal(value)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `raw` decoded once and percent-encoded again; text already in that form (unreserved bytes and upper-case
    /// `%XX` of reserved ones, as clients send `filter%5Blimit%5D=10`) is returned as it is, without the round trip.
    static func reencoded(_ raw: String, decoded: String?) -> String {
        if isCanonical(raw) { return raw }
        return PercentDecoding.encode(decoded ?? PercentDecoding.decode(raw, plusIsSpace: true) ?? "")
    }

    private static func isCanonical(_ text: String) -> Bool {
        text.withUTF8Buffer { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if PercentDecoding.isUnreserved(byte) { continue }
                guard byte == UInt8(ascii: "%"), index + 1 < bytes.count, let h = upperHex(bytes[index]),
                      let l = upperHex(bytes[index + 1]), !PercentDecoding.isUnreserved(h << 4 | l) else { return false }
                index += 2
            }
            return true
        }
    }

    private static func upperHex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `page` is replaced; credentials and OAuth parameters never appear in links (decisions #12).
    private static func isDropped(_ name: String) -> Bool {
        // ASCII names compare case-insensitively; others exactly (they cannot equal these ASCII names anyway).
        name.withUTF8Buffer { bytes in
            let ascii = bytes.allSatisfy { $0 < 0x80 }
            func equal(_ literal: [UInt8], prefix: Bool) -> Bool {
                guard prefix ? bytes.count >= literal.count : bytes.count == literal.count else { return false }
                for index in 0..<literal.count {
                    let byte = bytes[index]
                    let folded = ascii && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    if folded != literal[index] { return false }
                }
                return true
            }
            return equal(droppedPage, prefix: false) || equal(droppedKey, prefix: false)
                || equal(droppedSecret, prefix: false) || equal(droppedOAuth, prefix: true)
        }
    }

    private static let droppedPage = Array("page".utf8)
    private static let droppedKey = Array("consumer_key".utf8)
    private static let droppedSecret = Array("consumer_secret".utf8)
    private static let droppedOAuth = Array("oauth_".utf8)
}
