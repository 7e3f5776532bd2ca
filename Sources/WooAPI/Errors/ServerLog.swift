import Glibc

/// The one place the server writes diagnostics: standard error, each message in a single `write(2)` so lines
/// from several threads never interleave. Messages are `@autoclosure`s, so a message nobody writes costs nothing.
package struct ServerLog: Sendable {
    /// Put before every line.
    package let prefix: String

    /// The API's log: failures a client only sees as a 500, state that could not be saved.
    package static let api = ServerLog(prefix: "wc-api: ")
    /// The command line's messages (usage errors, progress), without a prefix.
    package static let console = ServerLog(prefix: "")

    /// Writes `message` as one line.
    package func error(_ message: @autoclosure () -> String) {
        raw(prefix + message() + "\n")
    }

    /// Writes `text` exactly as given, no prefix or newline (a progress bar redraws its line with `\r`).
    package func raw(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
