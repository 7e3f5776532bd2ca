import WooAPI

/// The store's connection type (the seam over SQLite or PostgreSQL), not the SQLite wrapper's of the same name.
typealias Database = WooAPI.Database
