import Postgres
import SQLite
import WooAPI
import XCTest

/// schema.postgres.sql describes the same store as schema.sql: tables, columns (in order), types under the
/// documented mapping, nullability, defaults, primary keys, unique constraints, indexes (keys, expressions,
/// uniqueness, predicates), foreign keys and CHECK constraints, except the commented allow-list
/// (``SchemaParity/allowances``). And the comparison bites: a change to one side alone is reported by name.
final class SchemaParityTests: SchemaTestCase {
    private func facts() throws -> (sqlite: Set<SchemaFact>, postgres: Set<SchemaFact>, PostgresConnection, Database) {
        let sqlite = try makeSQLiteStore(), postgres = try makePostgresStore()
        return (try SQLiteSchemaReader.facts(sqlite), try PostgresSchemaReader.facts(postgres), postgres, sqlite)
    }

    func testTheTwoSchemasDescribeTheSameStore() throws {
        let (sqlite, postgres, _, _) = try facts()
        let problems = SchemaParity.problems(sqlite: sqlite, postgres: postgres)
        XCTAssertEqual(problems, [], "schema.sql and schema.postgres.sql differ:\n" + problems.joined(separator: "\n"))
    }

    /// The readers see what matters (not two empty sets that trivially agree): a few facts spelled out.
    func testTheReadersSeeTheSchemasDetails() throws {
        let (sqlite, postgres, _, _) = try facts()
        let expected = [
            SchemaFact(table: "users", detail: "column username citext not null"),
            SchemaFact(table: "users", detail: "unique (username)"),
            SchemaFact(table: "users", detail: "column role text not null default 'customer'"),
            SchemaFact(table: "users", detail: "column last_order_id bigint"),
            SchemaFact(table: "users", detail: "primary key (id)"),
            SchemaFact(table: "users", detail: "index users_email unique (email, casewhenemail=''thenidelse0end)"),
            SchemaFact(table: "users", detail: "index users_staff_email (role, email) where role<>'customer'"),
            SchemaFact(table: "products", detail: "column download_limit bigint not null default -1"),
            SchemaFact(table: "products", detail: "column sku citext not null default ''"),
            SchemaFact(table: "products", detail: "foreign key (id) references posts (id)"),
            SchemaFact(table: "orders", detail: "column total double precision not null default 0"),
            SchemaFact(table: "order_items", detail: "foreign key (order_id) references orders (id) on delete cascade"),
            SchemaFact(table: "order_items", detail: "check type in ('line_item', 'shipping', 'fee', 'coupon')"),
            SchemaFact(table: "api_keys", detail: "check permissions in ('read', 'write', 'read_write')"),
            SchemaFact(table: "product_downloads", detail: "primary key (product_id, position)"),
            SchemaFact(table: "oauth_nonces", detail: "primary key (key_id, nonce)"),
        ]
        for fact in expected {
            XCTAssertTrue(sqlite.contains(fact), "SQLite reader missed \(fact)")
            XCTAssertTrue(postgres.contains(fact), "PostgreSQL reader missed \(fact)")
        }
        XCTAssertGreaterThan(sqlite.count, 200)
    }

    func testAColumnAddedToOneSideOnlyIsReported() throws {
        let (_, postgres, _, sqliteDatabase) = try facts()
        try sqliteDatabase.execute("ALTER TABLE users ADD COLUMN nickname TEXT NOT NULL DEFAULT ''")
        let problems = SchemaParity.problems(sqlite: try SQLiteSchemaReader.facts(sqliteDatabase), postgres: postgres)
        XCTAssertTrue(problems.contains("only in schema.sql: users: column nickname text not null default ''"),
                      "\(problems)")
        XCTAssertEqual(problems.count, 3, "the column, and the column order as each side has it: \(problems)")
    }

    func testAChangedNullabilityDefaultOrTypeOnPostgreSQLIsReported() throws {
        let (sqlite, _, connection, _) = try facts()
        try connection.executeScript("""
            ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;
            ALTER TABLE orders ALTER COLUMN currency SET DEFAULT 'EUR';
            ALTER TABLE user_list_changes ALTER COLUMN email TYPE text
            """)
        let problems = SchemaParity.problems(sqlite: sqlite, postgres: try PostgresSchemaReader.facts(connection))
        for expected in [
            "only in schema.sql: orders: column note text not null default ''",
            "only in schema.postgres.sql: orders: column note text default ''",
            "only in schema.postgres.sql: orders: column currency text not null default 'EUR'",
            "only in schema.postgres.sql: user_list_changes: column email text not null",
        ] {
            XCTAssertTrue(problems.contains(expected), "missing \(expected) in \(problems)")
        }
    }

    func testAnIndexThatLostItsPredicateOrChangedItsKeysIsReported() throws {
        let (sqlite, _, connection, _) = try facts()
        try connection.executeScript("""
            DROP INDEX products_sku; CREATE INDEX products_sku ON products (sku);
            DROP INDEX users_email; CREATE UNIQUE INDEX users_email ON users (email);
            CREATE INDEX orders_extra ON orders (note)
            """)
        let problems = SchemaParity.problems(sqlite: sqlite, postgres: try PostgresSchemaReader.facts(connection))
        for expected in [
            "only in schema.sql: products: index products_sku (sku) where sku<>''",
            "only in schema.postgres.sql: products: index products_sku (sku)",
            "only in schema.postgres.sql: users: index users_email unique (email)",
            "only in schema.postgres.sql: orders: index orders_extra (note)",
        ] {
            XCTAssertTrue(problems.contains(expected), "missing \(expected) in \(problems)")
        }
    }

    func testAForeignKeyOrCheckThatDiffersIsReported() throws {
        let (sqlite, _, connection, _) = try facts()
        try connection.executeScript("""
            ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_fkey;
            ALTER TABLE order_items ADD FOREIGN KEY (order_id) REFERENCES orders (id);
            ALTER TABLE api_keys DROP CONSTRAINT api_keys_permissions_check;
            ALTER TABLE api_keys ADD CHECK (permissions IN ('read', 'write'))
            """)
        let problems = SchemaParity.problems(sqlite: sqlite, postgres: try PostgresSchemaReader.facts(connection))
        for expected in [
            "only in schema.postgres.sql: order_items: foreign key (order_id) references orders (id)",
            "only in schema.postgres.sql: api_keys: check permissions in ('read', 'write')",
        ] {
            XCTAssertTrue(problems.contains(expected), "missing \(expected) in \(problems)")
        }
    }

    func testAnAllowanceThatNoLongerMatchesIsReported() throws {
        let (sqlite, _, connection, _) = try facts()
        try connection.execute("DROP TABLE schema_version")
        let problems = SchemaParity.problems(sqlite: sqlite, postgres: try PostgresSchemaReader.facts(connection))
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems.first?.hasPrefix("allowed difference no longer seen") == true, "\(problems)")
        XCTAssertTrue(problems.first?.contains("schema_version") == true, "\(problems)")
    }

    func testATableOnOnlyOneSideIsReported() throws {
        let (_, postgres, _, sqliteDatabase) = try facts()
        try sqliteDatabase.execute("CREATE TABLE coupons (id INTEGER PRIMARY KEY, code TEXT NOT NULL)")
        let problems = SchemaParity.problems(sqlite: try SQLiteSchemaReader.facts(sqliteDatabase), postgres: postgres)
        XCTAssertTrue(problems.contains("only in schema.sql: coupons: table"), "\(problems)")
        XCTAssertTrue(problems.contains("only in schema.sql: coupons: column code text not null"), "\(problems)")
    }
}
