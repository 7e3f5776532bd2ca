/// Refuses the first bytes of a request line as soon as no request line can begin with them.
///
/// The line itself is parsed only once its line feed arrives; without this check, bytes that are plainly not
/// HTTP (above all a TLS ClientHello sent to the plain port: `curl https://…:8080`) would sit in the buffer
/// until the request deadline. A request line starts with a method token (RFC 9112 §3, RFC 9110 §5.6.2), so
/// every byte before its first space must be a `tchar`; line endings are left to the line parser, which
/// skips empty lines before a request (RFC 9112 §2.2).
enum RequestLineStart {
    /// Checks the method of the request line starting at `buffer`'s reader index, from byte `checked` on.
    ///
    /// - Returns: how many leading bytes are known good (resume there on the next call), or nil once the method
    ///   ended with its space or the line ended: from there on the whole line is checked when it is complete.
    /// - Throws: 400 saying what was seen, for a TLS handshake or a byte no method can contain.
    static func check(_ buffer: ByteBuffer, from checked: Int) throws(ParseError) -> Int? {
        let start = buffer.readerIndex, end = buffer.storage.count
        if checked == 0, start < end, buffer.storage[start] == 0x16 {
            switch tlsRecordHeader(buffer) {
            case true?: throw .tlsOnPlainPort
            case nil: return 0  // wait for three bytes, so the verdict never depends on how they were split
            case false?: break
            }
        }
        var index = start + checked
        while index < end {
            let byte = buffer.storage[index]
            if isTokenByte(byte) {
                index += 1
                continue
            }
            if byte == 0x20 || byte == 0x0A { return nil }
            if byte == 0x0D {
                guard index + 1 < end else { return index - start }  // the LF of a CRLF may still come
                if buffer.storage[index + 1] == 0x0A { return nil }
            }
            throw unexpected(byte, first: index == start)
        }
        return index - start
    }

    /// Whether the bytes at the reader index are a TLS record header: a handshake record (0x16) of record version
    /// 3.0–3.4 (`16 03 00`…`16 03 04`, SSL 3.0 to TLS 1.3). Nil while fewer than three bytes leave it open.
    private static func tlsRecordHeader(_ buffer: ByteBuffer) -> Bool? {
        let start = buffer.readerIndex, count = buffer.readableBytes
        if count > 1 && buffer.storage[start + 1] != 0x03 { return false }
        if count > 2 && buffer.storage[start + 2] > 0x04 { return false }
        return count > 2 ? true : nil
    }

    /// A 400 naming the byte in hex: the message reaches the access log, which must never carry raw binary.
    private static func unexpected(_ byte: UInt8, first: Bool) -> ParseError {
        let digits = String(byte, radix: 16, uppercase: true)
        let hex = "0x" + (digits.count == 1 ? "0" + digits : digits)
        return .badRequest(
            first ? "Byte \(hex) cannot start a request line." : "Byte \(hex) cannot be part of a request method.")
    }
}
