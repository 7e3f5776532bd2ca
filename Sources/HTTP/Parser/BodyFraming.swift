/// How a request's body is delimited (RFC 9112 §6), decided once its head is complete.
///
/// The rules that stop request smuggling live here: Transfer-Encoding with Content-Length is refused, differing
/// Content-Length values are refused, and every size is checked against ``ParserLimits/maxBodyBytes`` before a
/// body byte is buffered.
enum BodyFraming {
    /// No body.
    case none
    /// Exactly this many bytes follow the head.
    case length(Int)
    /// Chunks follow, then trailers.
    case chunked

    /// Reads the framing fields of a complete head.
    static func determine(_ headers: HTTPHeaders, limits: ParserLimits) throws(ParseError) -> BodyFraming {
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

    /// Parses a chunk-size line (`1*HEXDIG [ chunk-ext ]`, RFC 9112 §7.1), given the body bytes received so far.
    static func chunkSize(
        _ line: ArraySlice<UInt8>, bodyBytesSoFar: Int, limits: ParserLimits
    ) throws(ParseError) -> Int {
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
        if bodyBytesSoFar + size > limits.maxBodyBytes { throw .bodyTooLarge }
        return size
    }
}
