import CSQLite

extension Database {
    /// SQLite's data version of the main database as this connection sees it (`SQLITE_FCNTL_DATA_VERSION`): it
    /// changes whenever a transaction commits to the file, from this connection or any other, in any process.
    /// Read inside a read transaction, equal values mean the connection reads the same data as before.
    package var dataVersion: UInt32 {
        var version: UInt32 = 0
        sqlite3_file_control(handle, "main", SQLITE_FCNTL_DATA_VERSION, &version)
        return version
    }

    /// The first row of `sql` (two integer columns, no parameters), run only when the database changed since this
    /// connection last ran it: a read that depends on nothing but the data is answered from memory while
    /// ``dataVersion`` stays the same. Call inside a read transaction, so the answer belongs to its snapshot.
    /// Outside a read transaction (autocommit, or a deferred BEGIN before its first read) the version is the last
    /// snapshot's, not the next one's, so the statement runs.
    package func unchangedOrRead(_ sql: SQL) throws -> (Int64, Int64) {
        if sqlite3_txn_state(handle, "main") != SQLITE_TXN_NONE,
           let memo = dataMemo[ObjectIdentifier(sql)], memo.version == dataVersion {
            return memo.values
        }
        var values: (Int64, Int64) = (0, 0)
        try cachedStatement(sql).forEach(nil) { row in values = (row.int64(at: 0), row.int64(at: 1)) }
        if dataMemo.count >= 16 { dataMemo.removeAll() }
        // The version of the snapshot the statement read (it changes only when this connection starts a read).
        dataMemo[ObjectIdentifier(sql)] = DataMemo(sql: sql, version: dataVersion, values: values)
        return values
    }
}

/// A read remembered with the data version it was read at (``Database/unchangedOrRead(_:)``).
struct DataMemo {
    /// Held so its identity, the memo's key, cannot be reused by another object while the memo exists.
    let sql: SQL
    var version: UInt32
    var values: (Int64, Int64)
}
