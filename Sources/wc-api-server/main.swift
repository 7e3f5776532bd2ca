// wc-api-server: a WooCommerce legacy REST API v2 server on SQLite (or PostgreSQL).
import Foundation

let usage = """
    usage: wc-api-server <command> [options]

    commands:
      serve   run the API server
      keys    create, list or revoke API keys
      seed    fill a store with demo customers, products and orders
      copy-store  copy a whole store between SQLite and PostgreSQL

    Run `wc-api-server <command> --help` for a command's options.
    """

let arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.first ?? "--help"
let rest = Array(arguments.dropFirst())
do {
    switch command {
    case "serve": try ServeCommand.run(rest)
    case "keys": try KeysCommand.run(rest)
    case "seed": try SeedCommand.run(rest)
    case "copy-store": try CopyStoreCommand.run(rest)
    case "--help", "-h", "help":
        print(usage)
    default:
        throw UsageError("unknown command \(command)")
    }
} catch let error as UsageError {
    let hint = ["serve", "keys", "seed", "copy-store"].contains(command) ? "wc-api-server \(command) --help" : "wc-api-server --help"
    printError("wc-api-server: \(error)\nRun `\(hint)` for usage.")
    exit(2)
} catch {
    printError("wc-api-server: \(error)")
    exit(1)
}
