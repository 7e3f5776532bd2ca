import CSQLite

extension Statement {
    /// Binds `values` to parameters 1...n; the count must equal `parameterCount`.
    package func bind(_ values: [SQLiteValue]) throws {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw SQLiteError(code: .range,
                              message: "wrong number of arguments: expected \(expected), got \(values.count)", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Binds one value of any storage class at a 1-based parameter index (`nil` binds NULL).
    package func bind(_ value: SQLiteValue, at index: Int) throws {
        switch value {
        case .integer(let integer): try bind(integer, at: index)
        case .real(let real): try bind(real, at: index)
        case .text(let text): try bind(text, at: index)
        case .blob(let bytes): try bind(bytes, at: index)
        case .null: try bindNull(at: index)
        }
    }

    /// Binds a 64-bit integer.
    @inline(__always)
    package func bind(_ value: Int64, at index: Int) throws {
        try check(sqlite3_bind_int64(handle, Int32(index), value))
    }

    /// Binds an `Int` as a 64-bit integer.
    @inline(__always)
    package func bind(_ value: Int, at index: Int) throws {
        try check(sqlite3_bind_int64(handle, Int32(index), Int64(value)))
    }

    /// Binds a double.
    @inline(__always)
    package func bind(_ value: Double, at index: Int) throws {
        try check(sqlite3_bind_double(handle, Int32(index), value))
    }

    /// Binds a `Bool` as integer 1 or 0.
    @inline(__always)
    package func bind(_ value: Bool, at index: Int) throws {
        try check(sqlite3_bind_int64(handle, Int32(index), value ? 1 : 0))
    }

    /// Binds TEXT from the string's UTF-8 bytes with an explicit length (embedded NUL safe), copied by SQLite.
    package func bind(_ value: String, at index: Int) throws {
        var value = value
        let rc = value.withUTF8 { utf8 -> Int32 in
            // A NULL data pointer would bind SQL NULL, so an empty string gets a valid empty pointer.
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                return sqlite3_bind_text(handle, Int32(index), "", 0, csqlite_transient())
            }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
                sqlite3_bind_text64(handle, Int32(index), chars, sqlite3_uint64(utf8.count),
                                    csqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
        try check(rc)
    }

    /// Binds a BLOB, copied by SQLite (an empty array binds an empty blob, not NULL).
    package func bind(_ value: [UInt8], at index: Int) throws {
        let rc = value.withUnsafeBytes { bytes -> Int32 in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_zeroblob(handle, Int32(index), 0)
            }
            return sqlite3_bind_blob64(handle, Int32(index), base, sqlite3_uint64(bytes.count), csqlite_transient())
        }
        try check(rc)
    }

    /// Binds NULL.
    @inline(__always)
    package func bindNull(at index: Int) throws {
        try check(sqlite3_bind_null(handle, Int32(index)))
    }

    /// Binds an optional value, NULL when nil.
    package func bind(_ value: (some SQLiteValueConvertible)?, at index: Int) throws {
        try bind(value.sqliteValue, at: index)
    }

    /// The 1-based index of a named parameter such as `:id`, or nil if absent.
    package func parameterIndex(named name: String) -> Int? {
        let index = sqlite3_bind_parameter_index(handle, name)
        return index == 0 ? nil : Int(index)
    }
}
