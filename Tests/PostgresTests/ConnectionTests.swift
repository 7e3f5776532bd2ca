import Foundation
import Glibc
import Postgres
import PostgresTestSupport
import XCTest

/// Connecting (URL and conninfo), failing to connect, and losing the connection, against a real server.
final class ConnectionTests: PostgresTestCase {
    func testConnectsByURL() throws {
        let connection = try PostgresConnection(conninfo: cluster.url())
        XCTAssertTrue(connection.isConnected)
        XCTAssertGreaterThanOrEqual(connection.serverVersion, 150_000)
        let result = try connection.execute("SELECT current_database() AS name, current_user AS who")
        XCTAssertEqual(result.columnNames, ["name", "who"])
        XCTAssertEqual(result.value(row: 0, column: 0), TestCluster.database)
        XCTAssertEqual(result.value(row: 0, column: 1), "postgres")
    }

    func testConnectsByKeyValueConninfo() throws {
        let connection = try PostgresConnection(conninfo: cluster.conninfo())
        XCTAssertEqual(try connection.execute("SELECT current_database()").value(row: 0, column: 0),
                       TestCluster.database)
    }

    func testConnectsWithPostgresSchemeAndTheConninfoOverridesTheDefaults() throws {
        // `postgres://` is accepted as well as `postgresql://`; application_name in the URL wins over the fallback.
        let url = "postgres://postgres@127.0.0.1:\(try cluster.port)/\(TestCluster.database)?application_name=probe"
        let connection = try PostgresConnection(conninfo: url)
        XCTAssertEqual(try connection.execute("SHOW application_name").value(row: 0, column: 0), "probe")
        let plain = try makeConnection()
        XCTAssertEqual(try plain.execute("SHOW application_name").value(row: 0, column: 0), "wc-api-server")
    }

    func testUnknownDatabaseIsAClearConnectionError() throws {
        XCTAssertThrowsError(try PostgresConnection(conninfo: cluster.url(database: "no_such_db"))) { error in
            let error = error as? PostgresError
            XCTAssertEqual(error?.isConnectionFailure, true)
            let message = error?.message ?? ""
            XCTAssertTrue(message.contains("\"no_such_db\" does not exist"), message)
        }
    }

    func testMalformedConninfoIsAnErrorNotACrash() {
        let malformed = ["host=127.0.0.1 port=notanumber", "postgresql://[::1", "nonsense_key=1", "host='unterminated"]
        for conninfo in malformed {
            XCTAssertThrowsError(try PostgresConnection(conninfo: conninfo), conninfo) { error in
                XCTAssertEqual((error as? PostgresError)?.isConnectionFailure, true, "\(error)")
                XCTAssertFalse((error as? PostgresError)?.message.isEmpty ?? true)
            }
        }
    }

    func testNothingListeningFailsQuickly() throws {
        let port = try freeLoopbackPort()
        let started = Date()
        XCTAssertThrowsError(try PostgresConnection(
            conninfo: "host=127.0.0.1 port=\(port) user=postgres connect_timeout=2")) { error in
            XCTAssertEqual((error as? PostgresError)?.isConnectionFailure, true)
            XCTAssertTrue("\(error)".contains("refused"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }

    func testServerThatNeverAnswersTimesOutInsteadOfHanging() throws {
        // A listener that accepts TCP (the kernel completes the handshake) but never speaks the protocol.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { Glibc.close(fd) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        XCTAssertTrue(listening)
        let port = UInt16(bigEndian: address.sin_port)
        let started = Date()
        XCTAssertThrowsError(try PostgresConnection(
            conninfo: "postgresql://postgres@127.0.0.1:\(port)/x?connect_timeout=2")) { error in
            XCTAssertEqual((error as? PostgresError)?.isConnectionFailure, true)
            XCTAssertTrue("\(error)".contains("timeout"), "\(error)")
        }
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(elapsed, 1.5)
        XCTAssertLessThan(elapsed, 6)
    }

    func testTerminatedSessionReportsAConnectionFailureAndResetReconnects() throws {
        let victim = try makeConnection()
        let pid = try XCTUnwrap(victim.execute("SELECT pg_backend_pid()").int64(row: 0, column: 0))
        try victim.executeCached("SELECT $1::int8 + 1", [.integer(1)])
        let admin = try makeConnection()
        try admin.execute("SELECT pg_terminate_backend($1::int)", [.integer(pid)])

        XCTAssertThrowsError(try victim.execute("SELECT 1")) { error in
            XCTAssertEqual((error as? PostgresError)?.isConnectionFailure, true, "\(error)")
        }
        XCTAssertFalse(victim.isConnected)

        try victim.reset()
        XCTAssertTrue(victim.isConnected)
        XCTAssertEqual(victim.cachedStatementCount, 0)
        XCTAssertEqual(try victim.executeCached("SELECT $1::int8 + 1", [.integer(1)]).int64(row: 0, column: 0), 2)
    }

    func testStoppedServerFailsTheOpenConnectionAndNewOnesQuickly() throws {
        // A cluster of its own, so stopping it leaves the class's cluster running for the other tests.
        let own = try TestCluster.start()
        defer { own.stop() }
        let connection = try PostgresConnection(conninfo: own.conninfo(database: "postgres"))
        XCTAssertEqual(try connection.execute("SELECT 1").value(row: 0, column: 0), "1")
        own.stop()

        let started = Date()
        XCTAssertThrowsError(try connection.execute("SELECT $1::int8", [1])) { error in
            XCTAssertEqual((error as? PostgresError)?.isConnectionFailure, true, "\(error)")
            XCTAssertEqual((error as? PostgresError)?.sql, "SELECT $1::int8")
        }
        XCTAssertThrowsError(try PostgresConnection(conninfo: own.url(database: "postgres"))) { error in
            XCTAssertEqual((error as? PostgresError)?.isConnectionFailure, true, "\(error)")
            XCTAssertTrue("\(error)".contains("refused"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }

    func testClosedConnectionThrows() throws {
        let connection = try makeConnection()
        connection.close()
        connection.close()
        XCTAssertFalse(connection.isConnected)
        XCTAssertThrowsError(try connection.execute("SELECT 1")) { error in
            XCTAssertEqual((error as? PostgresError)?.isConnectionFailure, true)
            XCTAssertEqual((error as? PostgresError)?.message, "the connection is closed")
        }
    }
}
