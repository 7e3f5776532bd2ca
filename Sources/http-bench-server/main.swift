// A WooCommerce-free server for the engine benchmark: serves one fixed ~1 KiB JSON body on every GET.
//
//   http-bench-server [--host 127.0.0.1] [--port 8081] [--threads N] [--no-access-log] [--body FILE] [--max-connections N]
import Foundation
import Glibc
import HTTP

var configuration = ServerConfiguration()
configuration.port = 8081
var bodyPath: String?
var arguments = CommandLine.arguments.dropFirst()
@MainActor func value(_ flag: String) -> String {
    guard let next = arguments.popFirst() else {
        FileHandle.standardError.write(Data("\(flag) needs a value\n".utf8))
        exit(2)
    }
    return next
}
while let argument = arguments.popFirst() {
    switch argument {
    case "--host": configuration.host = value(argument)
    case "--port": configuration.port = UInt16(value(argument)) ?? 8081
    case "--threads": configuration.eventLoops = max(1, Int(value(argument)) ?? 1)
    case "--no-access-log": configuration.accessLog = false
    case "--body": bodyPath = value(argument)
    case "--max-connections": configuration.maxConnections = max(1, Int(value(argument)) ?? 10_000)
    case "--help", "-h":
        print("usage: http-bench-server [--host H] [--port P] [--threads N] [--no-access-log] [--body FILE] [--max-connections N]")
        exit(0)
    default:
        FileHandle.standardError.write(Data("unknown option \(argument)\n".utf8))
        exit(2)
    }
}

let body: [UInt8]
if let bodyPath, let data = FileManager.default.contents(atPath: bodyPath) {
    body = Array(data)
} else {
    body = Array(#"{"customer":{"id":2,"created_at":"2026-11-29T00:00:00Z","email":"john.doe@example.com","first_name":"John","last_name":"Doe","username":"john.doe","role":"customer","last_order_id":null,"last_order_date":null,"orders_count":0,"total_spent":"0.00","avatar_url":"https://secure.gravatar.com/avatar/00000000000000000000000000000000?s=96&d=mm&r=g","billing_address":{"first_name":"John","last_name":"Doe","company":"","address_1":"969 Market","address_2":"","city":"San Francisco","state":"CA","postcode":"94103","country":"US","email":"john.doe@example.com","phone":"(555) 555-5555"},"shipping_address":{"first_name":"John","last_name":"Doe","company":"","address_1":"969 Market","address_2":"","city":"San Francisco","state":"CA","postcode":"94103","country":"US"}}}"#.utf8)
}
let response = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json; charset=UTF-8"], body: body)
let server = HTTPServer(configuration: configuration) { _ in .response(response) }
let port = try server.start()
FileHandle.standardError.write(Data("http-bench-server listening on \(configuration.host):\(port) with \(configuration.eventLoops) loop(s)\n".utf8))

signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let sources = [SIGINT, SIGTERM].map { signalNumber in
    let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
    source.setEventHandler { server.shutdown() }
    source.resume()
    return source
}
DispatchQueue.global().async {
    server.waitUntilStopped()
    exit(0)
}
dispatchMain()
