import SQLite
import Storage

/// The post id sequence products, variations, orders and refunds share (WordPress's `wp_posts`): a new object
/// takes its id from a row of `posts`, so ids never repeat across kinds.
enum PostIDs {
    static let insert = SQL("INSERT INTO posts (type) VALUES (?)")
    /// ``insert`` for PostgreSQL, which has no last-insert rowid: the id comes back as the statement's row.
    static let insertReturning = SQL(insert.text + " RETURNING id")

    /// Takes the next post id for an object of `type` (writer thread only). On PostgreSQL an id is taken from the
    /// identity's sequence, which a transaction rolled back does not give back (docs/COMPATIBILITY.md).
    static func next(type: String, in db: Database) throws -> Int64 {
        if db.dialect == .postgres {
            let statement = try db.cachedStatement(insertReturning)
            try statement.bind(type, at: 1)
            return try returnedID(statement)
        }
        let statement = try db.cachedStatement(insert)
        try statement.bind(type, at: 1)
        try statement.execute()
        return try db.lastInsertRowID()
    }

    /// The id an `INSERT … RETURNING id` statement (bound) gives back.
    static func returnedID(_ statement: Statement) throws -> Int64 {
        guard let id = try statement.first(nil, { $0.int64(at: 0) }) else {
            throw StorageError("INSERT … RETURNING id returned no row")
        }
        return id
    }
}
