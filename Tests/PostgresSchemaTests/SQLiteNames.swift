import SQLite

/// These tests read the SQLite side through the SQLite wrapper itself (its catalog, `sqlite_master`), not through
/// WooAPI's store seam of the same name.
typealias Database = SQLite.Database
