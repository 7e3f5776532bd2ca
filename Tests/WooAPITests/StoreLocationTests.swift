import WooAPI
import XCTest

/// `--database` read as a file or a PostgreSQL database (issue 12), and shown without a password.
final class StoreLocationTests: XCTestCase {
    func testURLsAndConninfosArePostgreSQLAndEverythingElseIsAFile() {
        XCTAssertEqual(StoreLocation("postgresql://u@db:5432/wc"), .postgres(conninfo: "postgresql://u@db:5432/wc"))
        XCTAssertEqual(StoreLocation("postgres://db/wc"), .postgres(conninfo: "postgres://db/wc"))
        XCTAssertEqual(StoreLocation("host=db dbname=wc"), .postgres(conninfo: "host=db dbname=wc"))
        XCTAssertEqual(StoreLocation("  dbname = wc"), .postgres(conninfo: "  dbname = wc"))
        XCTAssertEqual(StoreLocation("wc-api.sqlite"), .sqlite(path: "wc-api.sqlite"))
        XCTAssertEqual(StoreLocation("/var/lib/wc/store.sqlite"), .sqlite(path: "/var/lib/wc/store.sqlite"))
        XCTAssertEqual(StoreLocation("./a=b.sqlite"), .sqlite(path: "./a=b.sqlite"))
        XCTAssertEqual(StoreLocation("data/x=1"), .sqlite(path: "data/x=1"))
        XCTAssertEqual(StoreLocation(":memory:"), .sqlite(path: ":memory:"))
        XCTAssertEqual(StoreLocation("postgresql.sqlite"), .sqlite(path: "postgresql.sqlite"))
        XCTAssertTrue(StoreLocation("host=db").isPostgres)
        XCTAssertFalse(StoreLocation("store.sqlite").isPostgres)
    }

    func testTheDescriptionHasNoPassword() {
        XCTAssertEqual(StoreLocation("postgresql://wc:s3cret@db:5432/wc").description, "postgresql://wc:***@db:5432/wc")
        XCTAssertEqual(StoreLocation("postgresql://wc@db/wc").description, "postgresql://wc@db/wc")
        XCTAssertEqual(StoreLocation("postgres://db/wc?sslmode=require").description,
                       "postgres://db/wc?sslmode=require")
        XCTAssertEqual(StoreLocation("host=db password=s3cret dbname=wc").description, "host=db password=*** dbname=wc")
        XCTAssertEqual(StoreLocation("host=db password = 'a b\\'c' dbname=wc").description,
                       "host=db password=*** dbname=wc")
        XCTAssertEqual(StoreLocation("store.sqlite").description, "store.sqlite")
    }
}
