import Foundation
import WooAPI

/// A command-line usage error: printed with the command's help hint, exit status 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Flags of one subcommand: `--name value`, `--name=value` and boolean `--flag`, each optionally defaulted from
/// an environment variable. Unknown flags are an error.
struct Arguments {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []
    private(set) var positional: [String] = []

    /// Parses `arguments` knowing which names take a value and which are booleans.
    init(_ arguments: [String], options: Set<String>, booleans: Set<String> = []) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else {
                positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inline: String?
            if let equals = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if booleans.contains(name) {
                guard inline == nil else { throw UsageError("--\(name) takes no value") }
                flags.insert(name)
            } else if options.contains(name) {
                guard let value = inline ?? rest.popFirst() else { throw UsageError("--\(name) needs a value") }
                values[name] = value
            } else {
                throw UsageError("unknown option --\(name)")
            }
        }
    }

    /// The value of `--name`, else the environment variable `environment`, else nil.
    func value(_ name: String, environment: String? = nil) -> String? {
        if let value = values[name] { return value }
        if let environment, let value = ProcessInfo.processInfo.environment[environment], !value.isEmpty { return value }
        return nil
    }

    /// Whether the boolean `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// A duration option given in seconds (or, with `scale` 1,000, milliseconds), fractions allowed, in `range`
    /// (of the given unit): `--query-timeout 0.2`.
    func seconds(_ name: String, environment: String? = nil, default fallback: Double, in range: ClosedRange<Double>,
                 scale: Double = 1) throws -> Duration {
        var number = fallback
        if let text = value(name, environment: environment) {
            guard let parsed = Double(text), parsed.isFinite, range.contains(parsed) else {
                throw UsageError("--\(name) must be a number in \(range.lowerBound)...\(range.upperBound), got \(text)")
            }
            number = parsed
        }
        return .nanoseconds(Int64((number / scale * 1e9).rounded()))
    }

    /// An integer option in `range`.
    func integer(_ name: String, environment: String? = nil, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = value(name, environment: environment) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got \(text)")
        }
        return number
    }
}

/// Writes to standard error.
func printError(_ message: String) {
    ServerLog.console.error(message)
}
