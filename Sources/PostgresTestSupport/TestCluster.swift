import Foundation
import Glibc
import Postgres
import Synchronization
import XCTest

/// A throw-away PostgreSQL cluster for one test class: `initdb` into a temporary directory, `pg_ctl start` on a
/// free loopback port, a `wc_test` database, and `pg_ctl stop -m fast` plus removal of the directory in ``stop()``.
///
/// PostgreSQL refuses to run as root, so as root every server binary runs as the `postgres` user
/// (`runuser -u postgres --`) in a directory chowned to it. The server runs with fsync off: tests only.
/// A library target rather than a file of PostgresTests, so every test target that needs a server (PostgresTests,
/// PostgresSchemaTests) shares it: one test target cannot import another.
package final class TestCluster: Sendable {
    /// The directory holding the cluster (`data/`), its log, the Unix socket and the tools' output.
    package let directory: String
    /// The TCP port on 127.0.0.1.
    package let port: Int
    /// The directory of `initdb` and `pg_ctl`.
    package let binDirectory: String
    /// The database the tests use (created at start).
    package static let database = "wc_test"
    /// Server settings beyond the test defaults, as `-c name=value` words (a Citus node's preload, for one).
    let settings: String

    /// A URL for `database` on this cluster.
    package func url(database: String = TestCluster.database) -> String {
        "postgresql://postgres@127.0.0.1:\(port)/\(database)?connect_timeout=2"
    }

    /// A key=value conninfo for `database` on this cluster.
    package func conninfo(database: String = TestCluster.database) -> String {
        "host=127.0.0.1 port=\(port) user=postgres dbname=\(database) connect_timeout=2"
    }

    private init(directory: String, port: Int, binDirectory: String, settings: [String: String] = [:]) {
        self.directory = directory
        self.port = port
        self.binDirectory = binDirectory
        self.settings = settings.sorted { $0.key < $1.key }.map { " -c \($0.key)=\($0.value)" }.joined()
    }

    /// Creates and starts a cluster, and creates the test database. Throws with the tool's output when a step fails,
    /// and with installation advice when the PostgreSQL server binaries are missing.
    ///
    /// `settings` are server settings beyond the test defaults (fsync and synchronous commits off), e.g.
    /// `["shared_preload_libraries": "citus"]`.
    package static func start(settings: [String: String] = [:]) throws -> TestCluster {
        let binDirectory = try findBinDirectory()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("PostgresTests-\(UUID().uuidString)", isDirectory: true).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory)
        }
        var cluster = TestCluster(directory: directory, port: 0, binDirectory: binDirectory, settings: settings)
        do {
            try cluster.run("initdb", ["-D", "\(directory)/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                       "--locale=C", "--no-sync"])
            // A port that was free a moment ago can be taken before the server binds it; try a few.
            var attempt = 0
            while true {
                attempt += 1
                cluster = TestCluster(directory: directory, port: try freeLoopbackPort(), binDirectory: binDirectory,
                                      settings: settings)
                do {
                    try cluster.startServer()
                    break
                } catch where attempt < 3 {
                    continue
                }
            }
            let admin = try PostgresConnection(conninfo: cluster.conninfo(database: "postgres"))
            try admin.execute("CREATE DATABASE \(database)")
            admin.close()
        } catch {
            cluster.stop()
            throw error
        }
        return cluster
    }

    /// Stops the server (`pg_ctl stop -m fast`) if it runs, and deletes the directory.
    package func stop() {
        if FileManager.default.fileExists(atPath: "\(directory)/data/postmaster.pid") {
            try? pgctl(["stop", "-m", "fast", "-w", "-t", "30"])
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts the cluster's server (again, after ``stopServer()``) on its port, waiting until it accepts connections.
    package func startServer() throws {
        try pgctl(["start", "-w", "-t", "30", "-l", "\(directory)/server.log", "-o",
                   "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 "
                   + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" + settings])
    }

    /// Stops the server (`pg_ctl stop -m fast`: open sessions are ended) and keeps the cluster, so a test can see
    /// what clients of a database that went away do, then ``startServer()`` it again.
    package func stopServer() throws {
        try pgctl(["stop", "-m", "fast", "-w", "-t", "30"])
    }

    private func pgctl(_ arguments: [String]) throws {
        try run("pg_ctl", ["-D", "\(directory)/data"] + arguments)
    }

    /// Runs a PostgreSQL tool (as `postgres` when we are root) and waits for it, its output going to a file.
    ///
    /// posix_spawn + waitpid rather than Foundation's `Process`: `pg_ctl start` leaves a daemon behind, and
    /// `Process.waitUntilExit` was seen never to return once it had (the exited `runuser` stayed a zombie).
    /// The child reads /dev/null; stdout and stderr go to `<tool>.out` in the cluster directory.
    private func run(_ tool: String, _ arguments: [String]) throws {
        let outputPath = "\(directory)/\(tool).out"
        let executable = "\(binDirectory)/\(tool)"
        let argv = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments
                                 : [executable] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw ClusterError(message: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        let exitedNormally = status & 0x7F == 0
        let exitCode = (status >> 8) & 0xFF
        guard exitedNormally && exitCode == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            let log = (try? String(contentsOfFile: "\(directory)/server.log", encoding: .utf8)) ?? ""
            throw ClusterError(message: "\(tool) \(arguments.joined(separator: " ")) failed (wait status \(status)):\n"
                               + "\(text)\(log.isEmpty ? "" : "\nserver log:\n\(log)")")
        }
    }

    /// `$PG_BIN` when set, else the newest `/usr/lib/postgresql/N/bin` (Debian's layout) holding `initdb` and `pg_ctl`.
    package static func findBinDirectory() throws -> String {
        let candidates: [String]
        if let override = ProcessInfo.processInfo.environment["PG_BIN"] {
            candidates = [override]
        } else {
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
            candidates = versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }
                .map { "/usr/lib/postgresql/\($0)/bin" }
        }
        for directory in candidates where FileManager.default.isExecutableFile(atPath: "\(directory)/initdb")
            && FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl") {
            return directory
        }
        throw ClusterError(message: """
            PostgreSQL server binaries not found (looked for initdb and pg_ctl in \
            \(candidates.isEmpty ? "/usr/lib/postgresql/*/bin" : candidates.joined(separator: ", "))). \
            PostgresTests start their own throw-away server: install it with \
            `apt-get install -y postgresql libpq-dev` (or `make deps`), or set PG_BIN to a directory holding them.
            """)
    }
}

/// A step of starting or stopping the test cluster failed; the message says which and why.
package struct ClusterError: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }

    package init(message: String) {
        self.message = message
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now (bind to port 0, read it back, close).
package func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ClusterError(message: "socket: \(String(cString: strerror(errno)))") }
    defer { Glibc.close(fd) }
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw ClusterError(message: "bind: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// `127.0.0.1:port` as a `sockaddr_in`.
package func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}

/// Base class: one cluster per test class, started in `class func setUp` and stopped in `class func tearDown`;
/// every test starts with an empty `public` schema in the `wc_test` database. `open` so other modules' test classes
/// can subclass it.
open class PostgresTestCase: XCTestCase {
    /// The class's cluster, or why it could not start (every test then fails with that message).
    private static let shared = Mutex<Result<TestCluster, ClusterError>?>(nil)

    override open class func setUp() {
        super.setUp()
        let started: Result<TestCluster, ClusterError> = Result {
            try TestCluster.start()
        }.mapError { $0 as? ClusterError ?? ClusterError(message: "\($0)") }
        shared.withLock { $0 = started }
    }

    override open class func tearDown() {
        let cluster = shared.withLock { state -> TestCluster? in
            defer { state = nil }
            return try? state?.get()
        }
        cluster?.stop()
        super.tearDown()
    }

    /// This class's running cluster; throws (failing the test) with the start error when there is none.
    package var cluster: TestCluster {
        get throws {
            guard let state = Self.shared.withLock({ $0 }) else {
                throw ClusterError(message: "the test cluster was not started")
            }
            return try state.get()
        }
    }

    override open func setUpWithError() throws {
        try super.setUpWithError()
        let connection = try makeConnection()
        try connection.executeScript("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    }

    /// A new connection to the test database (by URL).
    package func makeConnection() throws -> PostgresConnection {
        try PostgresConnection(conninfo: cluster.url())
    }
}
