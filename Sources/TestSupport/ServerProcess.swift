import Foundation
import Glibc
import Synchronization

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
///
/// Its standard error is read to the end by a thread of its own once it is listening, so a server that logs a lot
/// (every 500 is logged) never blocks on a full pipe, and a test can show what it said (``errorOutput``).
package final class ServerProcess {
    package let process = Process()
    package private(set) var port: UInt16 = 0
    private let stderr = Pipe()
    private let output = CollectedText()

    /// Starts `serve --port 0 --database path` and waits (up to 10 s) for `listening on http://127.0.0.1:PORT`.
    package convenience init(database: String, extraArguments: [String] = []) throws {
        try self.init(launching: database, extraArguments: extraArguments)
        try waitUntilListening()
    }

    /// Starts `count` servers on one store as close to the same instant as process creation allows (all launched
    /// before any is waited for: servers starting together, as behind one port), then waits for each to listen.
    package static func startTogether(
        _ count: Int, database: String, extraArguments: [String] = []
    ) throws -> [ServerProcess] {
        let servers = try (0..<count).map { _ in
            try ServerProcess(launching: database, extraArguments: extraArguments)
        }
        for server in servers { try server.waitUntilListening() }
        return servers
    }

    private init(launching database: String, extraArguments: [String]) throws {
        process.executableURL = builtProductsDirectory().appendingPathComponent("wc-api-server")
        process.arguments = ["serve", "--port", "0", "--database", database, "--no-access-log"] + extraArguments
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Reads standard error until the listening line, for at most `timeout` seconds in all (a server that neither
    /// listens nor exits is killed, not waited for forever); then hands the pipe to a draining thread.
    private func waitUntilListening(timeout: Double = 10) throws {
        let handle = stderr.fileHandleForReading
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while true {
            let left = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            var ready = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard left > 0, poll(&ready, 1, left) > 0 else { break }
            let data = handle.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = UInt16(digits), text[range.upperBound...].dropFirst(digits.count).first != nil {
                    self.port = port
                    output.append(text)
                    drainStandardError()
                    return
                }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw RawClientError("server did not start: \(text)")
    }

    private func drainStandardError() {
        let handle = stderr.fileHandleForReading, output = self.output
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                output.append(String(decoding: data, as: UTF8.self))
            }
        }
    }

    /// Everything the server wrote to standard error so far (its listening line, then any logged failure).
    package var errorOutput: String { output.text }

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

/// Text appended by one thread and read by another.
private final class CollectedText: Sendable {
    private let storage = Mutex<String>("")
    var text: String { storage.withLock { $0 } }
    func append(_ more: String) { storage.withLock { $0 += more } }
}
