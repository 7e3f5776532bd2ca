/// The grammar of a request head (RFC 9112 §3, §5; RFC 9110 §5.6.2, §7.2): request line, field lines, Host.
///
/// Pure functions over one complete line: ``RequestParser`` finds the lines and keeps the state, these decide
/// what a line means or why it is refused. Nothing here buffers or looks past the line it is given.
enum RequestSyntax {
    /// The three parts of a request line.
    struct RequestLine {
        var method: HTTPMethod
        var target: String
        var version: HTTPVersion
    }

    /// Parses `method SP request-target SP HTTP-version`; a method outside `allowedMethods` is 501.
    static func requestLine(
        _ line: ArraySlice<UInt8>, allowedMethods: Set<HTTPMethod>?
    ) throws(ParseError) -> RequestLine {
        var result: Result<RequestLine, ParseError> = .failure(.badRequest("Malformed request line."))
        line.withUnsafeBufferPointer { bytes in
            do throws(ParseError) {
                result = .success(try requestLine(bytes: bytes, allowedMethods: allowedMethods))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    private static func requestLine(
        bytes line: UnsafeBufferPointer<UInt8>, allowedMethods: Set<HTTPMethod>?
    ) throws(ParseError) -> RequestLine {
        guard let firstSpace = line.firstIndex(of: 0x20) else { throw .badRequest("Malformed request line.") }
        let afterMethod = firstSpace + 1
        guard let secondSpace = line[afterMethod...].firstIndex(of: 0x20) else {
            throw .badRequest("HTTP/0.9 requests are not supported.")
        }
        let methodBytes = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let targetBytes = UnsafeBufferPointer(rebasing: line[afterMethod..<secondSpace])
        let versionBytes = UnsafeBufferPointer(rebasing: line[(secondSpace + 1)...])

        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else { throw .badRequest("Malformed request method.") }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .badRequest("Malformed request target.")
        }
        let version = try parseVersion(versionBytes)
        let method = makeMethod(methodBytes)
        if let allowed = allowedMethods, !allowed.contains(method) { throw .methodNotImplemented }
        let target = String(decoding: targetBytes, as: UTF8.self)
        guard isValidTarget(target, method: method) else { throw .badRequest("Malformed request target.") }
        return RequestLine(method: method, target: target, version: version)
    }

    private static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> HTTPVersion {
        // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3)
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
              bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/") else { throw .badRequest("Malformed HTTP version.") }
        let major = bytes[5], dot = bytes[6], minor = bytes[7]
        guard isDigit(major), dot == UInt8(ascii: "."), isDigit(minor) else { throw .badRequest("Malformed HTTP version.") }
        guard major == UInt8(ascii: "1") else { throw .versionNotSupported }
        // A higher 1.x minor version is served as 1.1 (RFC 9110 §6.2).
        return minor == UInt8(ascii: "0") ? .http1_0 : .http1_1
    }

    private static func isValidTarget(_ target: String, method: HTTPMethod) -> Bool {
        if target.hasPrefix("/") { return true }  // origin-form
        if target == "*" { return method == .options }  // asterisk-form
        if method == .connect { return !target.contains("/") }  // authority-form
        // absolute-form: scheme "://" …
        guard let range = target.firstRange(of: "://") else { return false }
        let scheme = target[..<range.lowerBound]
        return !scheme.isEmpty && scheme.utf8.allSatisfy { isAlpha($0) || isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }
    }

    /// The common methods without a `String` allocation; anything else keeps its spelling.
    private static func makeMethod(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod {
        func equals(_ literal: StaticString) -> Bool {
            bytes.count == literal.utf8CodeUnitCount
                && bytes.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }
        switch bytes.count {
        case 3 where equals("GET"): return .get
        case 3 where equals("PUT"): return .put
        case 4 where equals("POST"): return .post
        case 4 where equals("HEAD"): return .head
        default: return HTTPMethod(String(decoding: bytes, as: UTF8.self))
        }
    }

    // MARK: Fields

    /// Parses `field-name ":" OWS field-value OWS`, refusing obs-fold, space before the colon and control bytes.
    static func field(_ line: ArraySlice<UInt8>) throws(ParseError) -> (name: String, value: String) {
        var result: Result<(name: String, value: String), ParseError> = .failure(.badRequest("Malformed header field."))
        line.withUnsafeBufferPointer { bytes in
            do throws(ParseError) { result = .success(try field(bytes: bytes)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    private static func field(bytes line: UnsafeBufferPointer<UInt8>) throws(ParseError) -> (name: String, value: String) {
        let first = line[0]
        if first == 0x20 || first == 0x09 { throw .badRequest("Obsolete line folding is not allowed.") }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .badRequest("Malformed header field.") }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        if let last = name.last, last == 0x20 || last == 0x09 {
            throw .badRequest("Whitespace between a header field name and its colon is not allowed.")
        }
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else { throw .badRequest("Malformed header field name.") }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09 { valueEnd -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
        for byte in value where (byte < 0x20 && byte != 0x09) || byte == 0x7F {
            throw .badRequest(byte == 0 ? "NUL in a header field." : byte == 0x0D ? "Bare CR in a header field." : "Control character in a header field.")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    // MARK: Host

    /// An HTTP/1.1 request needs exactly one valid Host (RFC 9112 §3.2); an HTTP/1.0 one may omit it, not repeat it.
    static func checkHost(_ headers: HTTPHeaders, version: HTTPVersion) throws(ParseError) {
        if version == .http1_1 {
            let hosts = headers.count(of: "Host")
            guard hosts == 1, let host = headers["Host"], isValidHost(host) else {
                throw .badRequest(hosts == 0 ? "An HTTP/1.1 request needs a Host header." : "Invalid or repeated Host header.")
            }
        } else if headers.count(of: "Host") > 1 {
            throw .badRequest("Invalid or repeated Host header.")
        }
    }

    /// Host = uri-host [ ":" port ]; uri-host is an IP-literal in brackets or a reg-name (RFC 3986 §3.2.2).
    private static func isValidHost(_ host: String) -> Bool {
        host.withUTF8Buffer { isValidHost(bytes: $0[...]) }
    }

    private static func isValidHost(bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var bytes = bytes
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = bytes[bytes.index(after: bytes.startIndex)..<close]
            guard !literal.isEmpty, literal.allSatisfy({ hexValue($0) != nil || $0 == 0x3A || $0 == 0x2E }) else { return false }
            bytes = bytes[bytes.index(after: close)...]
            if bytes.isEmpty { return true }
            guard bytes.first == UInt8(ascii: ":") else { return false }
            return bytes.dropFirst().allSatisfy(isDigit)
        }
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")) {
            guard bytes[bytes.index(after: colon)...].allSatisfy(isDigit) else { return false }
            bytes = bytes[..<colon]
        }
        return bytes.allSatisfy(isRegNameByte)
    }

    /// reg-name = *( unreserved / pct-encoded / sub-delims )
    @inline(__always) private static func isRegNameByte(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        switch byte {
        case 0x2D, 0x2E, 0x5F, 0x7E, 0x25, 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: return true
        default: return false
        }
    }
}

// MARK: Character classes (RFC 9110 §5.6.2)

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
@inline(__always) func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

/// The value of a hexadecimal digit, or nil.
@inline(__always) func hexValue(_ byte: UInt8) -> Int? {
    switch byte {
    case 0x30...0x39: Int(byte - 0x30)
    case 0x41...0x46: Int(byte - 0x41 + 10)
    case 0x61...0x66: Int(byte - 0x61 + 10)
    default: nil
    }
}

/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
@inline(__always) func isTokenByte(_ byte: UInt8) -> Bool {
    if isAlpha(byte) || isDigit(byte) { return true }
    switch byte {
    case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
    default: return false
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces or tabs.
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}
