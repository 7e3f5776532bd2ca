import Foundation
import Glibc
import SQLite
import WooAPI

/// `wc-api-server seed --customers N`: realistic demo customers, written in large transactions.
enum SeedCommand {
    static let help = """
        usage: wc-api-server seed [--database PATH] --customers N

          --database PATH   SQLite store, created if missing (env WC_API_DATABASE, default ./wc-api.sqlite)
          --customers N     how many customers to add (1...10000000)

        Customers get unique emails and usernames, names, and US billing/shipping addresses; passwords are random
        and never printed. A progress bar is shown when standard error is a terminal.
        """

    private static let firstNames = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
        "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
        "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret",
        "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle"]
    private static let lastNames = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
        "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson"]
    private static let cities: [(String, String, String)] = [("San Francisco", "CA", "94103"), ("New York", "NY", "10001"),
        ("Austin", "TX", "73301"), ("Seattle", "WA", "98101"), ("Chicago", "IL", "60601"), ("Boston", "MA", "02108"),
        ("Denver", "CO", "80202"), ("Miami", "FL", "33101"), ("Portland", "OR", "97201"), ("Atlanta", "GA", "30301")]
    private static let streets = ["Market", "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill"]

    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help)
            return
        }
        let options = try Arguments(arguments, options: ["database", "customers"])
        guard options.positional.isEmpty else { throw UsageError("unexpected argument \(options.positional[0])") }
        guard options.value("customers") != nil else { throw UsageError("--customers N is required") }
        let count = try options.integer("customers", default: 0, in: 1...10_000_000)
        let path = options.value("database", environment: "WC_API_DATABASE") ?? "wc-api.sqlite"
        let database = try Database(path: path)
        try Store.prepare(database)
        let showProgress = isatty(2) == 1
        let started = Date()
        let now = Int64(time(nil))
        let batch = 2_000
        var done = 0
        // A run tag keeps emails unique when a store is seeded twice.
        let tag = Crypto.hex(Crypto.randomBytes(3))
        while done < count {
            let size = min(batch, count - done)
            try database.transaction { db in
                for offset in 0..<size {
                    let n = done + offset
                    let first = firstNames[n % firstNames.count]
                    let last = lastNames[(n / firstNames.count) % lastNames.count]
                    let (city, state, postcode) = cities[n % cities.count]
                    let email = "\(first.lowercased()).\(last.lowercased()).\(tag)\(n)@example.com"
                    let address = "\(100 + n % 9900) \(streets[n % streets.count]) St"
                    let phone = "(555) \(String(format: "%03d", n % 1000))-\(String(format: "%04d", n % 10000))"
                    let customer = NewCustomer(
                        username: "\(first.lowercased()).\(last.lowercased()).\(tag)\(n)", email: email,
                        passwordHash: PasswordHasher.hashGenerated(PasswordHasher.generatePassword()),
                        firstName: first, lastName: last,
                        billing: [first, last, "", address, "", city, state, postcode, "US", email, phone],
                        shipping: [first, last, "", address, "", city, state, postcode, "US"])
                    // Registration times spread over the past year, oldest first.
                    _ = try CustomerRepository.insert(customer, now: now - Int64(count - n) * 31_536_000 / Int64(max(count, 1)), in: db)
                }
            }
            done += size
            if showProgress { drawProgress(done: done, total: count, since: started) }
        }
        if showProgress { ServerLog.console.raw("\n") }
        let seconds = Date().timeIntervalSince(started)
        print("seeded \(count) customers into \(path) in \(String(format: "%.1f", seconds)) s")
    }

    private static func drawProgress(done: Int, total: Int, since started: Date) {
        let width = 40
        let filled = width * done / max(total, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = Double(done) / max(Date().timeIntervalSince(started), 0.001)
        let line = "\r  \(bar) \(done)/\(total) (\(Int(rate))/s)"
        ServerLog.console.raw(line)
    }
}
