import Glibc

/// What the parser produced from the bytes so far.
package enum ParseEvent {
    /// The buffer holds no complete request yet.
    case needMoreData
    /// The head asked for `Expect: 100-continue` and its body has not arrived: the connection should send
    /// `100 Continue` now, then call ``RequestParser/parse(_:)`` again as bytes arrive.
    case expectContinue
    /// A whole request, head and body.
    case request(HTTPRequest)
}

/// An incremental HTTP/1.1 request parser (RFC 9112) over a buffer the connection owns.
///
/// Feed it with ``parse(_:)`` after every read; it consumes what it can, keeps its place across calls, and
/// never assumes a request arrived in one read. Lines end in CRLF or a bare LF (RFC 9112 §2.2); a bare CR
/// anywhere is an error. Every limit of ``ParserLimits`` is checked while bytes arrive, so an oversized line
/// or section is refused before it is buffered whole. After a thrown ``ParseError`` framing is lost: the
/// connection must answer and close.
package struct RequestParser {
    private enum State {
        case requestLine
        case headers
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
    }

    private enum Framing { case none, length(Int), chunked }

    package let limits: ParserLimits
    private var state = State.requestLine
    /// Bytes after the reader index already searched for a line feed.
    private var scanned = 0
    private var method = HTTPMethod.get
    private var target = ""
    private var version = HTTPVersion.http1_1
    private var headers = HTTPHeaders()
    private var headerBytes = 0
    private var body: [UInt8] = []
    private var expectsContinue = false
    /// Empty lines were skipped before the request line: the next request has begun, for its deadline.
    private var skippedEmptyLine = false
    /// Leading bytes of the pending request line that ``RequestLineStart`` passed; nil once its method ended.
    private var methodChecked: Int? = 0

    package init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    /// Whether the parser is between requests with nothing partial held.
    ///
    /// Empty lines skipped before a request line count as the start of a request, so a client trickling only
    /// line endings meets the request deadline instead of keeping an "idle" connection open forever.
    package var isIdle: Bool {
        if case .requestLine = state { return scanned == 0 && !skippedEmptyLine }
        return false
    }

    /// Consumes bytes from `buffer` and reports the next event.
    package mutating func parse(_ buffer: inout ByteBuffer) throws(ParseError) -> ParseEvent {
        while true {
            switch state {
            case .requestLine:
                // Refuses what cannot be HTTP (a TLS handshake, binary) now, not when a line feed or the deadline comes.
                if let checked = methodChecked { methodChecked = try RequestLineStart.check(buffer, from: checked) }
                guard let line = nextLine(buffer, limit: limits.maxRequestLineBytes, overflow: .uriTooLong) else {
                    return .needMoreData
                }
                let (start, end, length) = try line.get()
                buffer.moveReaderIndex(by: length)
                methodChecked = 0
                if start == end {  // RFC 9112 §2.2: ignore empty lines before a request line
                    skippedEmptyLine = true
                    continue
                }
                try parseRequestLine(buffer.storage[start..<end])
                state = .headers

            case .headers, .trailers:
                let isTrailer: Bool
                if case .trailers = state { isTrailer = true } else { isTrailer = false }
                let room = limits.maxHeaderBytes - headerBytes
                guard let line = nextLine(buffer, limit: max(room, 0), overflow: .headersTooLarge) else {
                    return .needMoreData
                }
                let (start, end, length) = try line.get()
                if start != end {  // the limit counts field lines; the blank line ending the section is free
                    headerBytes += length
                    if headerBytes > limits.maxHeaderBytes { throw .headersTooLarge }
                }
                buffer.moveReaderIndex(by: length)
                if start == end {
                    if isTrailer { return .request(finish()) }
                    if let event = try headComplete() { return event }
                    continue
                }
                if !isTrailer && headers.count >= limits.maxHeaderCount { throw .tooManyHeaders }
                let field = try parseField(buffer.storage[start..<end])
                if !isTrailer { headers.add(field.name, field.value) }  // trailers are accepted and ignored

            case .body(let remaining):
                let available = min(remaining, buffer.readableBytes)
                if available > 0 {
                    body.append(contentsOf: buffer.storage[buffer.readerIndex..<buffer.readerIndex + available])
                    buffer.moveReaderIndex(by: available)
                }
                if available == remaining { return .request(finish()) }
                state = .body(remaining: remaining - available)
                return .needMoreData

            case .chunkSize:
                guard let line = nextLine(buffer, limit: limits.maxChunkLineBytes,
                                          overflow: .badRequest("The chunk extension is too long.")) else {
                    return .needMoreData
                }
                let (start, end, length) = try line.get()
                let size = try parseChunkSize(buffer.storage[start..<end])
                buffer.moveReaderIndex(by: length)
                if size == 0 {
                    headerBytes = 0
                    state = .trailers
                } else {
                    state = .chunkData(remaining: size)
                }

            case .chunkData(let remaining):
                let available = min(remaining, buffer.readableBytes)
                if available > 0 {
                    body.append(contentsOf: buffer.storage[buffer.readerIndex..<buffer.readerIndex + available])
                    buffer.moveReaderIndex(by: available)
                }
                if available < remaining {
                    state = .chunkData(remaining: remaining - available)
                    return .needMoreData
                }
                state = .chunkDataEnd

            case .chunkDataEnd:
                guard let line = nextLine(buffer, limit: 0, overflow: .badRequest("Chunk data is longer than its size.")) else {
                    return .needMoreData
                }
                let (start, end, length) = try line.get()
                if start != end { throw .badRequest("Chunk data is longer than its size.") }
                buffer.moveReaderIndex(by: length)
                state = .chunkSize
            }
        }
    }

    // MARK: Lines

    /// Finds the next line: its content range (line ending excluded) and its length with the ending.
    ///
    /// Returns nil when no line feed has arrived yet and the partial line is still within `limit`.
    private mutating func nextLine(
        _ buffer: ByteBuffer, limit: Int, overflow: ParseError
    ) -> Result<(Int, Int, Int), ParseError>? {
        let start = buffer.readerIndex
        let readable = buffer.readableBytes
        let found: Int? = buffer.storage.withUnsafeBytes { raw in
            let base = raw.baseAddress! + start
            guard let hit = memchr(base + scanned, 0x0A, readable - scanned) else { return nil }
            return UnsafeRawPointer(hit) - base
        }
        guard let newline = found else {
            scanned = readable
            // The partial line may still end in the CR of its CRLF.
            if readable - 1 > limit { return .failure(overflow) }
            return nil
        }
        scanned = 0
        var end = start + newline
        if newline > 0 && buffer.storage[end - 1] == 0x0D { end -= 1 }
        if end - start > limit { return .failure(overflow) }
        return .success((start, end, newline + 1))
    }

    // MARK: Request line

    private mutating func parseRequestLine(_ line: ArraySlice<UInt8>) throws(ParseError) {
        var failure: ParseError?
        line.withUnsafeBufferPointer { bytes in
            do throws(ParseError) { try parseRequestLine(bytes: bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private mutating func parseRequestLine(bytes line: UnsafeBufferPointer<UInt8>) throws(ParseError) {
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
        version = try parseVersion(versionBytes)
        method = Self.makeMethod(methodBytes)
        if let allowed = limits.allowedMethods, !allowed.contains(method) { throw .methodNotImplemented }
        target = String(decoding: targetBytes, as: UTF8.self)
        guard isValidTarget(target, method: method) else { throw .badRequest("Malformed request target.") }
    }

    private func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> HTTPVersion {
        // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3)
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
              bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/") else { throw .badRequest("Malformed HTTP version.") }
        let major = bytes[5], dot = bytes[6], minor = bytes[7]
        guard isDigit(major), dot == UInt8(ascii: "."), isDigit(minor) else { throw .badRequest("Malformed HTTP version.") }
        guard major == UInt8(ascii: "1") else { throw .versionNotSupported }
        // A higher 1.x minor version is served as 1.1 (RFC 9110 §6.2).
        return minor == UInt8(ascii: "0") ? .http1_0 : .http1_1
    }

    private func isValidTarget(_ target: String, method: HTTPMethod) -> Bool {
        if target.hasPrefix("/") { return true }  // origin-form
        if target == "*" { return method == .options }  // asterisk-form
        if method == .connect { return !target.contains("/") }  // authority-form
        // absolute-form: scheme "://" …
        guard let range = target.firstRange(of: "://") else { return false }
        let scheme = target[..<range.lowerBound]
        return !scheme.isEmpty && scheme.utf8.allSatisfy { isAlpha($0) || isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }
    }

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

    private func parseField(_ line: ArraySlice<UInt8>) throws(ParseError) -> (name: String, value: String) {
        var result: Result<(name: String, value: String), ParseError> = .failure(.badRequest("Malformed header field."))
        line.withUnsafeBufferPointer { bytes in
            do throws(ParseError) { result = .success(try parseField(bytes: bytes)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    private func parseField(bytes line: UnsafeBufferPointer<UInt8>) throws(ParseError) -> (name: String, value: String) {
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

    /// Decides the body framing once the head is complete (RFC 9112 §6).
    private mutating func headComplete() throws(ParseError) -> ParseEvent? {
        let framing = try determineFraming()
        if version == .http1_1 {
            let hosts = headers.count(of: "Host")
            guard hosts == 1, let host = headers["Host"], isValidHost(host) else {
                throw .badRequest(hosts == 0 ? "An HTTP/1.1 request needs a Host header." : "Invalid or repeated Host header.")
            }
        } else if headers.count(of: "Host") > 1 {
            throw .badRequest("Invalid or repeated Host header.")
        }
        expectsContinue = version == .http1_1 && headers.hasToken("100-continue", in: "Expect")
        switch framing {
        case .none:
            return .request(finish())
        case .length(let length):
            if length == 0 { return .request(finish()) }
            body.reserveCapacity(length)
            state = .body(remaining: length)
        case .chunked:
            state = .chunkSize
        }
        return expectsContinue ? .expectContinue : nil
    }

    private func determineFraming() throws(ParseError) -> Framing {
        if headers.count(of: "Transfer-Encoding") == 0 && headers.count(of: "Content-Length") == 0 { return .none }
        let encodings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !encodings.isEmpty {
            // RFC 9112 §6.1: both present is a smuggling attempt; refuse rather than guess.
            if !lengths.isEmpty { throw .badRequest("Both Transfer-Encoding and Content-Length were sent.") }
            let codings = encodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces }
            guard codings.count == 1, HTTPHeaders.equal(codings[0], "chunked") else {
                if codings.contains(where: { $0.isEmpty }) { throw .badRequest("Malformed Transfer-Encoding.") }
                throw .unsupportedTransferEncoding
            }
            return .chunked
        }
        guard !lengths.isEmpty else { return .none }
        // RFC 9112 §6.3: a list of identical values may be treated as one; anything else is fatal.
        var length: Int?
        for field in lengths {
            for part in field.split(separator: ",", omittingEmptySubsequences: false) {
                let text = part.trimmingSpaces
                guard !text.isEmpty, text.utf8.allSatisfy(isDigit) else { throw .badRequest("Malformed Content-Length.") }
                let significant = text.drop { $0 == "0" }
                let value = significant.utf8.count > 18 ? Int.max : (Int(significant) ?? 0)
                if let previous = length, previous != value { throw .badRequest("Conflicting Content-Length values.") }
                length = value
            }
        }
        if length! > limits.maxBodyBytes { throw .bodyTooLarge }
        return .length(length!)
    }

    private func parseChunkSize(_ line: ArraySlice<UInt8>) throws(ParseError) -> Int {
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = hexValue(line[index]) {
            // Checked before shifting, so no limit (not even Int.max) can overflow.
            if size > limits.maxBodyBytes || size > (Int.max >> 4) { throw .bodyTooLarge }
            size = size << 4 | digit
            index += 1
        }
        guard index > line.startIndex else { throw .badRequest("Malformed chunk size.") }
        // Anything after the size must be chunk extensions: BWS ";" …  — accepted and ignored.
        while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        if index < line.endIndex {
            guard line[index] == UInt8(ascii: ";") else { throw .badRequest("Malformed chunk size.") }
            for byte in line[index...] where (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                throw .badRequest("Control character in a chunk extension.")
            }
        }
        if body.count + size > limits.maxBodyBytes { throw .bodyTooLarge }
        return size
    }

    /// Hands out the finished request and resets for the next one.
    private mutating func finish() -> HTTPRequest {
        let request = HTTPRequest(method: method, target: target, version: version, headers: headers, body: body)
        state = .requestLine
        headers = HTTPHeaders()
        body = []
        headerBytes = 0
        expectsContinue = false
        skippedEmptyLine = false
        return request
    }
}

// MARK: Character classes (RFC 9110 §5.6.2)

@inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
@inline(__always) private func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

@inline(__always) private func hexValue(_ byte: UInt8) -> Int? {
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

/// Host = uri-host [ ":" port ]; uri-host is an IP-literal in brackets or a reg-name (RFC 3986 §3.2.2).
private func isValidHost(_ host: String) -> Bool {
    host.withUTF8Buffer { isValidHost(bytes: $0[...]) }
}

private func isValidHost(bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
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
@inline(__always) private func isRegNameByte(_ byte: UInt8) -> Bool {
    if isAlpha(byte) || isDigit(byte) { return true }
    switch byte {
    case 0x2D, 0x2E, 0x5F, 0x7E, 0x25, 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: return true
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
