import Postgres
import SQLite
import WooAPI
import XCTest

/// Text behaves the same on both engines: ordering (byte-wise, C locale), case folding (ASCII letters only) in
/// `=`, `LIKE` and unique indexes, and the customers search, whose trigram index serves `LIKE '%term%'` and
/// indexes the text SQLite's FTS5 index does.
final class SearchAndCollationTests: SchemaTestCase {
    /// Mixed case, ASCII punctuation around the letters (`_` sorts between upper and lower case), and UTF-8:
    /// accented Latin letters in both cases, a German sharp s, Greek, Japanese, an empty string.
    private static let strings = [
        "apple", "Apple", "APPLE", "banana", "Banana", "_under", "[bracket", "Zebra", "zebra", "a", "A", "ab", "aB",
        "", " space", "~tilde", "éclair", "Éclair", "Ärger", "ärger", "straße", "STRASSE", "Ω", "ω", "日本", "z9",
        "Z10",
    ]

    private func sessions() throws -> [any EngineSession] {
        let sqlite = SQLiteSession(database: try makeSQLiteStore())
        try sqlite.run("CREATE TABLE words (plain TEXT NOT NULL, folded TEXT NOT NULL COLLATE NOCASE)")
        let postgres = PostgresSession(connection: try makePostgresStore())
        try postgres.run("CREATE TABLE words (plain text NOT NULL, folded citext NOT NULL)")
        for db in [sqlite, postgres] as [any EngineSession] {
            for word in Self.strings {
                try db.run("INSERT INTO words (plain, folded) VALUES ($1, $2)", [.text(word), .text(word)])
            }
        }
        return [sqlite, postgres]
    }

    func testTextOrdersTheSameOnBothEngines() throws {
        let databases = try sessions()
        for query in [
            "SELECT plain FROM words ORDER BY plain",
            "SELECT folded FROM words ORDER BY folded, plain",
            "SELECT folded FROM words ORDER BY folded DESC, plain DESC",
            "SELECT min(folded), max(folded), count(DISTINCT folded) FROM words",
        ] {
            XCTAssertEqual(try databases[0].rows(query), try databases[1].rows(query), query)
        }
        // Byte order: upper case, then `[` and `_`, then lower case, then UTF-8 sequences.
        XCTAssertEqual(try databases[1].rows("SELECT plain FROM words WHERE plain IN ('Zebra', '_under', 'apple', "
                                             + "'éclair', '[bracket') ORDER BY plain").map { $0[0] },
                       ["Zebra", "[bracket", "_under", "apple", "éclair"])
    }

    func testCaseFoldingIsASCIIOnlyOnBothEngines() throws {
        let databases = try sessions()
        let cases: [(String, [ScenarioValue])] = [
            ("SELECT plain FROM words WHERE folded = $1 ORDER BY plain", [.text("APPLE")]),
            ("SELECT plain FROM words WHERE folded = $1 ORDER BY plain", [.text("ÉCLAIR")]),
            ("SELECT plain FROM words WHERE folded = $1 ORDER BY plain", [.text("strasse")]),
            ("SELECT plain FROM words WHERE folded LIKE $1 ORDER BY plain", [.text("%A%")]),
            ("SELECT plain FROM words WHERE folded LIKE $1 ORDER BY plain", [.text("é%")]),
            ("SELECT plain FROM words WHERE folded LIKE $1 ORDER BY plain", [.text("Ä%")]),
            ("SELECT plain FROM words WHERE folded LIKE $1 ESCAPE '\\' ORDER BY plain", [.text("\\_%")]),
        ]
        for (query, values) in cases {
            XCTAssertEqual(try databases[0].rows(query, values), try databases[1].rows(query, values),
                           "\(query) \(values)")
        }
        XCTAssertEqual(try databases[1].rows("SELECT plain FROM words WHERE folded = 'ÉCLAIR'"), [["Éclair"]],
                       "É is not folded to é, C to c is")
        XCTAssertEqual(try databases[1].rows("SELECT plain FROM words WHERE folded = 'APPLE' ORDER BY plain"),
                       [["APPLE"], ["Apple"], ["apple"]])
    }

    private static let users: [(String, String)] = [
        ("jane", "Jane.Doe@example.com"), ("JaneDoe", "janedoe@example.com"), ("bob_smith", "bob@smith.test"),
        ("Émile", "emile@example.fr"), ("zoë", "zoe@example.net"), ("nomail", ""), ("O'Brien", "obrien@example.ie"),
        ("user42", "mail42@example.com"), ("x", "x@x.x"),
    ]

    private func searchSessions() throws -> (SQLiteSession, PostgresSession) {
        let sqlite = SQLiteSession(database: try makeSQLiteStore())
        let postgres = PostgresSession(connection: try makePostgresStore())
        for db in [sqlite, postgres] as [any EngineSession] {
            for (index, (name, email)) in Self.users.enumerated() {
                try db.run("""
                    INSERT INTO users (username, email, password_hash, created_at, updated_at) \
                    VALUES ($1, $2, '!', $3, $3)
                    """, [.text(name), .text(email), .integer(Int64(index))])
            }
        }
        return (sqlite, postgres)
    }

    /// users_search_text is SearchIndex.textSQL: the email alone when it holds the login, else login and email.
    func testTheSearchTextIsSQLitesIndexText() throws {
        let (sqlite, postgres) = try searchSessions()
        let sqliteText = try sqlite.rows("SELECT id, \(SearchIndex.textSQL) FROM users ORDER BY id")
        XCTAssertEqual(try postgres.rows("SELECT id, users_search_text(username, email) FROM users ORDER BY id"),
                       sqliteText)
        XCTAssertTrue(sqliteText.contains(["2", "Jane.Doe@example.com"]), "\(sqliteText)")
        XCTAssertTrue(sqliteText.contains(["4", "bob_smith\nbob@smith.test"]), "\(sqliteText)")
    }

    /// The index query plus the exact test finds what SQLite's LIKE finds, and the planner can answer it from the
    /// trigram index.
    func testTheTrigramIndexServesLikeOnLoginAndEmail() throws {
        let (sqlite, postgres) = try searchSessions()
        let exact = "username LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\'"
        let indexed = "users_search_text(username, email) ILIKE $1 ESCAPE '\\' AND (\(exact))"
        for term in ["jane", "JANE", "doe", "example.com", "smith", "mile", "ÉMILE", "zoë", "O'B", "42", "x@x",
                     "\\_sm", "h\nb", "nomatch"] {
            let pattern = ScenarioValue.text("%\(term)%")
            let expected = try sqlite.rows("SELECT id FROM users WHERE \(exact) ORDER BY id", [pattern])
            XCTAssertEqual(try postgres.rows("SELECT id FROM users WHERE \(indexed) ORDER BY id", [pattern]), expected,
                           term)
        }
        XCTAssertEqual(try sqlite.rows("SELECT id FROM users WHERE \(exact) ORDER BY id", [.text("%JANE%")]),
                       [["2"], ["3"]])
        try postgres.run("SET enable_seqscan = off")
        let plan = try postgres.rows("EXPLAIN SELECT id FROM users WHERE \(indexed)", [.text("%smith%")])
            .map { $0[0] }.joined(separator: "\n")
        XCTAssertTrue(plan.contains("Bitmap Index Scan on users_search"), plan)
    }
}
