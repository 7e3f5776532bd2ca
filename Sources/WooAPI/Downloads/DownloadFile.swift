import Foundation

/// A product's downloadable file as WooCommerce classifies and names it (`WC_Product_Download`).
enum DownloadFile {
    /// `WC_Product_Download::get_type_of_file_path`: http(s) or scheme-relative URLs with a host are absolute,
    /// `[…]` is a shortcode, everything else is a path on the server.
    enum Kind { case absolute, shortcode, relative }

    /// The kind of a download's file path.
    static func kind(of file: String) -> Kind {
        if let host = URLEncoding.urlParts(file).host, !host.isEmpty {
            let scheme = URLEncoding.urlParts(file).scheme
            if scheme == nil || scheme == "http" || scheme == "https" { return .absolute }
        }
        return file.hasPrefix("[") && file.hasSuffix("]") ? .shortcode : .relative
    }

    /// A new download ID: `wp_generate_uuid4`, a random version-4 UUID in lower case.
    package static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }
}
