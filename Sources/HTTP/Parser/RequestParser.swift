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
/// This file is the state machine: where a line starts and ends, which part of a request comes next, and the
/// limits on lines and sections. What a line means is ``RequestSyntax``; how the body is delimited is ``BodyFraming``.
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
                let requestLine = try RequestSyntax.requestLine(
                    buffer.storage[start..<end], allowedMethods: limits.allowedMethods)
                method = requestLine.method
                target = requestLine.target
                version = requestLine.version
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
                let field = try RequestSyntax.field(buffer.storage[start..<end])
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
                let size = try BodyFraming.chunkSize(
                    buffer.storage[start..<end], bodyBytesSoFar: body.count, limits: limits)
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

    /// Decides the body framing once the head is complete (RFC 9112 §6).
    private mutating func headComplete() throws(ParseError) -> ParseEvent? {
        let framing = try BodyFraming.determine(headers, limits: limits)
        try RequestSyntax.checkHost(headers, version: version)
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
