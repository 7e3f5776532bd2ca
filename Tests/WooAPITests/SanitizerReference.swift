import Foundation

// The sanitizers as they were before "Instruction diet on the hot paths" (git show 5b899b0^:Sources/WooAPI/Customers/
// CustomerInput.swift), copied verbatim as an oracle. This file imports Foundation and nothing else, like the original,
// so `contains`, `folding` and friends resolve to the same overloads they did there.

enum ReferenceSanitize {
    static func textField(_ text: String) -> String {
        collapseWhitespace(removeOctets(stripTags(text)))
    }

    static func username(_ text: String, strict: Bool) -> String {
        var result = stripTags(text)
        result = result.folding(options: [.diacriticInsensitive], locale: nil)
        result = removeOctets(result)
        result = removeEntities(result)
        if strict {
            result = String(result.unicodeScalars.filter { scalar in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || " _.-@".unicodeScalars.contains(scalar))
            }.map(Character.init))
        }
        return collapseWhitespace(result)
    }

    static func isEmail(_ email: String) -> Bool {
        let bytes = Array(email.utf8)
        guard bytes.count >= 6, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0 else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        let localAllowed = Set("!#$%&'*+/=?^_`{|}~.-".utf8)
        guard local.allSatisfy({ isAlphanumeric($0) || localAllowed.contains($0) }) else { return false }
        let domainText = String(decoding: domain, as: UTF8.self)
        guard !domainText.contains(".."), let first = domain.first, let last = domain.last,
              !isTrimmed(first, extra: "."), !isTrimmed(last, extra: ".") else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard let head = label.first, let tail = label.last, !isTrimmed(head, extra: "-"), !isTrimmed(tail, extra: "-"),
                  label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else { return false }
        }
        return true
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
    }

    private static func isTrimmed(_ byte: UInt8, extra: Character) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x00 || byte == 0x0B || byte == extra.asciiValue!
    }

    static func stripTags(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            output += rest[..<open]
            let afterOpen = rest[rest.index(after: open)...]
            guard let next = afterOpen.first, next.isLetter || next == "/" || next == "!" || next == "?",
                  let close = afterOpen.firstIndex(of: ">") else {
                output.append("<")
                rest = afterOpen
                continue
            }
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        return output + rest
    }

    static func removeOctets(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var output: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) {
                index += 3
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func removeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.firstIndex(of: ";"), semicolon > after.startIndex {
                rest = after[after.index(after: semicolon)...]
            } else {
                output.append("&")
                rest = after
            }
        }
        return output + rest
    }

    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66)
    }
}
