import Foundation
import Glibc

/// The result of running the built `wc-api-server` to completion.
package struct CommandResult {
    package var status: Int32
    package var stdout: String
    package var stderr: String
}

/// Runs `wc-api-server` with `arguments` and waits for it.
package func runServerBinary(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = builtProductsDirectory().appendingPathComponent("wc-api-server")
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}

/// A `wc-api-server serve` child process on an ephemeral port, ready once it printed its listening line.
package final class ServerProcess {
    package let process = Process()
    package private(set) var port: UInt16 = 0
    private let stderr = Pipe()

    /// Starts `serve --port 0 --database path` and waits (up to 10 s) for `listening on http://127.0.0.1:PORT`.
    package init(database: String, extraArguments: [String] = []) throws {
        process.executableURL = builtProductsDirectory().appendingPathComponent("wc-api-server")
        process.arguments = ["serve", "--port", "0", "--database", database, "--no-access-log"] + extraArguments
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        let handle = stderr.fileHandleForReading
        while Date() < deadline {
            let data = handle.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = UInt16(digits), text[range.upperBound...].dropFirst(digits.count).first != nil {
                    self.port = port
                    return
                }
            }
        }
        process.terminate()
        throw RawClientError("server did not start: \(text)")
    }

    /// The process's resident set size in bytes (`VmRSS` of `/proc/<pid>/status`), or nil once it has exited.
    package func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// Sends a signal (SIGKILL for a crash, SIGTERM for a graceful stop).
    package func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit and returns its status.
    package func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits up to `timeout` seconds for the process to exit: its status, or nil if it is still running.
    package func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
