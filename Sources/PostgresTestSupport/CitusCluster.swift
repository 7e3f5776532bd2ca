import Foundation
import Postgres

/// A throw-away Citus cluster for tests (issue 12): a coordinator and `workers` worker nodes, each a
/// ``TestCluster`` started with the citus library preloaded, on loopback ports. The store's servers connect to the
/// coordinator only, as an application does.
///
/// Citus is not a Debian package: `../shared/citus/citus.sh install` builds it into the system PostgreSQL (CI does
/// that first). Where it is not installed, ``unavailableReason`` says so and the Citus tests skip with that message.
package final class CitusCluster: Sendable {
    /// The node that holds the metadata and plans every query.
    package let coordinator: TestCluster
    /// The nodes that hold the shards.
    package let workers: [TestCluster]

    private init(coordinator: TestCluster, workers: [TestCluster]) {
        self.coordinator = coordinator
        self.workers = workers
    }

    /// Why Citus tests cannot run here (no `citus.so` beside the PostgreSQL server found), or nil when they can.
    package static var unavailableReason: String? {
        guard let bin = try? TestCluster.findBinDirectory() else { return "PostgreSQL's server binaries are missing" }
        let library = URL(fileURLWithPath: bin).deletingLastPathComponent().appendingPathComponent("lib/citus.so").path
        if FileManager.default.fileExists(atPath: library) { return nil }
        return "Citus is not installed (no \(library)); `bash ../shared/citus/citus.sh install` builds it into the "
            + "system PostgreSQL, as .ci/run does"
    }

    /// Starts the coordinator and `workers` workers. Connections fan out from the coordinator to every worker (a
    /// multi-shard query may open several per worker), so each node allows more than PostgreSQL's default 100.
    package static func start(workers count: Int = 2) throws -> CitusCluster {
        if let reason = unavailableReason { throw ClusterError(message: reason) }
        let settings = ["shared_preload_libraries": "citus", "max_connections": "300"]
        var started: [TestCluster] = []
        do {
            for _ in 0...count { started.append(try TestCluster.start(settings: settings)) }
        } catch {
            started.forEach { $0.stop() }
            throw error
        }
        let cluster = CitusCluster(coordinator: started[0], workers: Array(started.dropFirst()))
        do {
            // The `postgres` database is a Citus cluster too: a CREATE DATABASE there reaches the workers only when
            // the coordinator knows them in the database it runs in.
            try cluster.join("postgres")
        } catch {
            cluster.stop()
            throw error
        }
        return cluster
    }

    /// Creates the citus extension in database `name` on every node, then tells the coordinator's copy about itself
    /// and the workers (Citus keeps the node list per database).
    private func join(_ name: String) throws {
        for node in workers + [coordinator] {
            let connection = try PostgresConnection(conninfo: node.conninfo(database: name))
            defer { connection.close() }
            try connection.execute("CREATE EXTENSION IF NOT EXISTS citus")
        }
        let database = try PostgresConnection(conninfo: coordinator.conninfo(database: name))
        defer { database.close() }
        try database.execute("SELECT citus_set_coordinator_host('127.0.0.1', $1)", [.integer(Int64(coordinator.port))])
        for worker in workers {
            try database.execute("SELECT citus_add_node('127.0.0.1', $1)", [.integer(Int64(worker.port))])
        }
    }

    /// Stops every node and deletes their directories.
    package func stop() {
        coordinator.stop()
        workers.forEach { $0.stop() }
    }

    /// Creates database `name` on every node with the citus extension, and makes it one Citus cluster: the
    /// coordinator knows itself and the workers (Citus keeps that metadata per database). Returns the coordinator's
    /// URL of it. The database holds no schema yet: the store's server applies schema.postgres.sql and the Citus
    /// layout itself.
    package func makeDatabase(_ name: String) throws -> String {
        let admin = try PostgresConnection(conninfo: coordinator.conninfo(database: "postgres"))
        defer { admin.close() }
        // Citus creates the database on the workers too when told to propagate it.
        try admin.execute("SET citus.enable_create_database_propagation = on")
        try admin.execute("CREATE DATABASE \(name)")
        try join(name)
        return coordinator.url(database: name)
    }
}
