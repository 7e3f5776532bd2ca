import Foundation
import Postgres
import PostgresTestSupport
import Synchronization
import WooAPI
import XCTest

/// ``ScaleOutTests`` on Citus (issue 12): the same tests, unchanged, with every store a new database on a throw-away
/// Citus cluster (a coordinator and 2 workers for the class). Each database has the citus extension and its nodes
/// and nothing else, so the servers themselves apply the schema and then the distributed layout (schema.citus.sql)
/// under the schema's advisory lock: the migration race test races that too. Where Citus is not installed, every
/// test skips with the reason (``CitusCluster/unavailableReason``).
final class CitusScaleOutTests: ScaleOutTests {
    private static let shared = Mutex<Result<CitusCluster, any Error>?>(nil)
    private static let databases = Atomic<Int>(0)

    override class func setUp() {
        super.setUp()
        guard CitusCluster.unavailableReason == nil else { return }
        let started = Result<CitusCluster, any Error> { try CitusCluster.start() }
        shared.withLock { $0 = started }
    }

    override class func tearDown() {
        let cluster = shared.withLock { state -> CitusCluster? in
            defer { state = nil }
            return try? state?.get()
        }
        cluster?.stop()
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let reason = CitusCluster.unavailableReason { throw XCTSkip("Citus scale-out tests skipped: \(reason)") }
        try super.setUpWithError()
    }

    /// A new database with the citus extension on every node and the workers added; no schema yet.
    override func makeDatabase() throws -> String {
        guard let state = Self.shared.withLock({ $0 }) else {
            throw ClusterUnavailable("the Citus test cluster was not started")
        }
        return try state.get().makeDatabase("scale_\(Self.databases.add(1, ordering: .relaxed).newValue)")
    }

    /// The version in the database's `schema_version` row; and the layout must be the distributed one.
    override func schemaVersion(of database: String) throws -> Int {
        let connection = try PostgresConnection(conninfo: database)
        defer { connection.close() }
        XCTAssertTrue(try PostgresSchema.isDistributed(connection), "the servers did not distribute the database")
        return Int(try connection.execute("SELECT version FROM schema_version").int64(row: 0, column: 0) ?? -1)
    }

    /// Declared again because test discovery on Linux finds a subclass only by a test method of its own.
    override func testConcurrentOrdersForOneCustomerGiveExactFiguresOnEveryServer() throws {
        try super.testConcurrentOrdersForOneCustomerGiveExactFiguresOnEveryServer()
    }
}
