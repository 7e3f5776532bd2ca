import Foundation
import Postgres
import PostgresTestSupport
import Synchronization
import XCTest

/// ``ScaleOutTests`` on PostgreSQL: the same tests, unchanged, with every store a new database on a throw-away
/// cluster (one cluster for the class). Tests of what the PostgreSQL store does not do yet skip, saying why (none
/// today).
final class PostgresScaleOutTests: ScaleOutTests {
    private static let shared = Mutex<Result<TestCluster, any Error>?>(nil)
    private static let databases = Atomic<Int>(0)

    override class func setUp() {
        super.setUp()
        let started = Result<TestCluster, any Error> { try TestCluster.start() }
        shared.withLock { $0 = started }
    }

    override class func tearDown() {
        let cluster = shared.withLock { state -> TestCluster? in
            defer { state = nil }
            return try? state?.get()
        }
        cluster?.stop()
        super.tearDown()
    }

    private var cluster: TestCluster {
        get throws {
            guard let state = Self.shared.withLock({ $0 }) else {
                throw ClusterUnavailable("the test cluster was not started")
            }
            return try state.get()
        }
    }

    /// A new, empty database (C locale, as the cluster's): nothing has initialised it yet.
    override func makeDatabase() throws -> String {
        let cluster = try cluster
        let name = "scale_\(Self.databases.add(1, ordering: .relaxed).newValue)"
        let admin = try PostgresConnection(conninfo: cluster.conninfo(database: "postgres"))
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name)")
        return cluster.url(database: name)
    }

    /// The version in the database's `schema_version` row.
    override func schemaVersion(of database: String) throws -> Int {
        let connection = try PostgresConnection(conninfo: database)
        defer { connection.close() }
        return Int(try connection.execute("SELECT version FROM schema_version").int64(row: 0, column: 0) ?? -1)
    }

    /// The inherited test, declared again because test discovery on Linux finds a subclass only by a test method
    /// of its own (without one this class, and every inherited test with it, would not run).
    override func testConcurrentOrdersForOneCustomerGiveExactFiguresOnEveryServer() throws {
        try super.testConcurrentOrdersForOneCustomerGiveExactFiguresOnEveryServer()
    }
}

/// Why a test's PostgreSQL set-up failed.
struct ClusterUnavailable: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
