/// Size limits the request parser enforces; each answers with its own status when exceeded.
package struct ParserLimits: Sendable {
    /// Longest request line, without its line ending. Default 8 KiB; beyond it → 414.
    package var maxRequestLineBytes = 8 * 1024
    /// Largest header section (every field line with its line ending). Default 32 KiB; beyond it → 431.
    package var maxHeaderBytes = 32 * 1024
    /// Most header fields. Default 200; beyond it → 431. Browsers, proxies and tracing add many fields (nginx
    /// counts none, only bytes), so 100 custom fields plus the usual ones must pass; the byte limit still binds.
    package var maxHeaderCount = 200
    /// Largest request body. Default 1 MiB; a larger `Content-Length` → 413 before any body byte is read.
    package var maxBodyBytes = 1024 * 1024
    /// Longest chunk-size line (size plus extensions). Default 4 KiB; beyond it → 400.
    package var maxChunkLineBytes = 4 * 1024
    /// Methods served; any other → 501. `nil` passes every syntactically valid method to the handler.
    package var allowedMethods: Set<HTTPMethod>? = HTTPMethod.standard

    package init() {}
}
