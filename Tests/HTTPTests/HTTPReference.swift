import HTTP

// Routines as they were before the byte-level rewrites, copied as oracles (renamed, otherwise verbatim):
// - HTTPHeaders.equal and hasToken: git show 5b899b0^:Sources/HTTP/Message/Headers.swift
// - HTTPRequest.split(target:): git show 6c40bb2^:Sources/HTTP/Message/Request.swift
// - ResponseEncoder.appendDecimal (non-negative values only): git show 9e3a2e7^:Sources/HTTP/Server/ResponseEncoder.swift
// Like the originals, this file does not import Foundation.

enum ReferenceHTTP {
    static func equal<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            guard p | 0x20 == q | 0x20, (p | 0x20) >= UInt8(ascii: "a"), (p | 0x20) <= UInt8(ascii: "z") else { return false }
        }
        return true
    }

    static func values(_ fields: [(name: String, value: String)], _ name: String) -> [String] {
        fields.compactMap { equal($0.name, name) ? $0.value : nil }
    }

    static func hasToken(_ fields: [(name: String, value: String)], _ token: String, in name: String) -> Bool {
        for value in values(fields, name) {
            for part in value.split(separator: ",") where equal(trimmed(part), token) { return true }
        }
        return false
    }

    private static func trimmed(_ s: Substring) -> Substring {
        var s = s
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }

    static func split(target: String) -> (path: String, query: String?) {
        var utf8 = Substring(target).utf8
        if utf8.first != UInt8(ascii: "/"), let schemeEnd = utf8.firstRange(of: "://".utf8) {
            utf8 = utf8[schemeEnd.upperBound...]
            guard let slash = utf8.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) else {
                return ("/", nil)
            }
            utf8 = utf8[slash...]
            if utf8.first == UInt8(ascii: "?") {
                return ("/", String(Substring(utf8.dropFirst())))
            }
        }
        guard let mark = utf8.firstIndex(of: UInt8(ascii: "?")) else { return (String(Substring(utf8)), nil) }
        return (String(Substring(utf8[..<mark])), String(Substring(utf8[utf8.index(after: mark)...])))
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 10 { out.append(UInt8(truncatingIfNeeded: 0x30 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0 {
                raw[19 - count] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
                count += 1
            }
            out.append(contentsOf: raw[(20 - count)...])
        }
    }
}
