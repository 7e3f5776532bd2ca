import SQLite
import Storage

// The API's repositories talk to the store's seam (issue 12), which works over SQLite or PostgreSQL: these names
// are the seam's inside WooAPI (and to whoever calls its package API), not the SQLite wrapper's of the same names
// underneath it. SQLite-only code (the writer's pragmas, the seeder, the migrator) reaches the wrapper through
// `Database.sqlite`.

/// A connection to the store's database (``Storage/Database``).
package typealias Database = Storage.Database
/// A prepared statement of a store connection (``Storage/Statement``).
package typealias Statement = Storage.Statement
/// A long-lived SQL text found again by identity.
package typealias SQL = Storage.SQL
