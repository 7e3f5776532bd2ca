import CSQLite

/// A SQLite result code, primary (`constraint`) or extended (`constraintUnique`).
///
/// `==` compares exactly. Pattern matching is hierarchical (GRDB style): a *primary* code used
/// as a pattern matches every extended code in its family, so `case .constraint:` matches
/// `.constraintUnique`, while an extended pattern such as `case .constraintUnique:` matches only itself.
package struct ResultCode: RawRepresentable, Hashable, Sendable {
    /// The raw SQLite integer code.
    package let rawValue: Int32

    /// Wraps a raw SQLite result code.
    package init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The primary code (low 8 bits), e.g. `.constraint` for `.constraintUnique`.
    package var primaryResultCode: ResultCode {
        ResultCode(rawValue: rawValue & 0xFF)
    }

    /// True when this is a primary code rather than an extended one.
    package var isPrimary: Bool {
        rawValue & ~0xFF == 0
    }

    /// Hierarchical match: a primary pattern matches its whole family, an extended pattern matches exactly.
    package static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern.isPrimary ? pattern == code.primaryResultCode : pattern == code
    }

    // MARK: Primary codes

    package static let ok = ResultCode(rawValue: SQLITE_OK)
    package static let error = ResultCode(rawValue: SQLITE_ERROR)
    package static let `internal` = ResultCode(rawValue: SQLITE_INTERNAL)
    package static let perm = ResultCode(rawValue: SQLITE_PERM)
    package static let abort = ResultCode(rawValue: SQLITE_ABORT)
    package static let busy = ResultCode(rawValue: SQLITE_BUSY)
    package static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    package static let nomem = ResultCode(rawValue: SQLITE_NOMEM)
    package static let readonly = ResultCode(rawValue: SQLITE_READONLY)
    package static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    package static let ioerr = ResultCode(rawValue: SQLITE_IOERR)
    package static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    package static let notFound = ResultCode(rawValue: SQLITE_NOTFOUND)
    package static let full = ResultCode(rawValue: SQLITE_FULL)
    package static let cantOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    package static let `protocol` = ResultCode(rawValue: SQLITE_PROTOCOL)
    package static let schema = ResultCode(rawValue: SQLITE_SCHEMA)
    package static let tooBig = ResultCode(rawValue: SQLITE_TOOBIG)
    package static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    package static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
    package static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    package static let auth = ResultCode(rawValue: SQLITE_AUTH)
    package static let range = ResultCode(rawValue: SQLITE_RANGE)
    package static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    package static let row = ResultCode(rawValue: SQLITE_ROW)
    package static let done = ResultCode(rawValue: SQLITE_DONE)

    // MARK: Extended codes (Swift cannot import SQLite's `(PRIMARY | (n<<8))` macros, so they are spelled out)

    /// Builds the extended code `primary | (n << 8)`.
    private static func extended(_ primary: Int32, _ n: Int32) -> ResultCode {
        ResultCode(rawValue: primary | (n << 8))
    }


    package static let constraintCheck = extended(SQLITE_CONSTRAINT, 1)
    package static let constraintForeignKey = extended(SQLITE_CONSTRAINT, 3)
    package static let constraintNotNull = extended(SQLITE_CONSTRAINT, 5)
    package static let constraintPrimaryKey = extended(SQLITE_CONSTRAINT, 6)
    package static let constraintTrigger = extended(SQLITE_CONSTRAINT, 7)
    package static let constraintUnique = extended(SQLITE_CONSTRAINT, 8)
    package static let constraintRowID = extended(SQLITE_CONSTRAINT, 10)
    package static let busyRecovery = extended(SQLITE_BUSY, 1)
    package static let busySnapshot = extended(SQLITE_BUSY, 2)
    package static let lockedSharedCache = extended(SQLITE_LOCKED, 1)
    package static let readonlyDatabaseMoved = extended(SQLITE_READONLY, 4)
    package static let ioerrShortRead = extended(SQLITE_IOERR, 2)
    package static let ioerrWrite = extended(SQLITE_IOERR, 3)
    package static let ioerrFsync = extended(SQLITE_IOERR, 4)
    package static let abortRollback = extended(SQLITE_ABORT, 2)
}

extension ResultCode: CustomStringConvertible {
    /// `SQLITE_NAME (raw)` for known codes, otherwise SQLite's generic text for the primary code.
    package var description: String {
        if let name = Self.names[rawValue] { return "\(name) (\(rawValue))" }
        let text = sqlite3_errstr(rawValue).map { String(cString: $0) } ?? "unknown"
        return "SQLITE code \(rawValue): \(text)"
    }

    private static let names: [Int32: String] = [
        SQLITE_OK: "SQLITE_OK", SQLITE_ERROR: "SQLITE_ERROR", SQLITE_INTERNAL: "SQLITE_INTERNAL",
        SQLITE_PERM: "SQLITE_PERM", SQLITE_ABORT: "SQLITE_ABORT", SQLITE_BUSY: "SQLITE_BUSY",
        SQLITE_LOCKED: "SQLITE_LOCKED", SQLITE_NOMEM: "SQLITE_NOMEM", SQLITE_READONLY: "SQLITE_READONLY",
        SQLITE_INTERRUPT: "SQLITE_INTERRUPT", SQLITE_IOERR: "SQLITE_IOERR", SQLITE_CORRUPT: "SQLITE_CORRUPT",
        SQLITE_NOTFOUND: "SQLITE_NOTFOUND", SQLITE_FULL: "SQLITE_FULL", SQLITE_CANTOPEN: "SQLITE_CANTOPEN",
        SQLITE_PROTOCOL: "SQLITE_PROTOCOL", SQLITE_SCHEMA: "SQLITE_SCHEMA", SQLITE_TOOBIG: "SQLITE_TOOBIG",
        SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT", SQLITE_MISMATCH: "SQLITE_MISMATCH",
        SQLITE_MISUSE: "SQLITE_MISUSE", SQLITE_AUTH: "SQLITE_AUTH", SQLITE_RANGE: "SQLITE_RANGE",
        SQLITE_NOTADB: "SQLITE_NOTADB", SQLITE_ROW: "SQLITE_ROW", SQLITE_DONE: "SQLITE_DONE",
        constraintCheck.rawValue: "SQLITE_CONSTRAINT_CHECK",
        constraintForeignKey.rawValue: "SQLITE_CONSTRAINT_FOREIGNKEY",
        constraintNotNull.rawValue: "SQLITE_CONSTRAINT_NOTNULL",
        constraintPrimaryKey.rawValue: "SQLITE_CONSTRAINT_PRIMARYKEY",
        constraintTrigger.rawValue: "SQLITE_CONSTRAINT_TRIGGER",
        constraintUnique.rawValue: "SQLITE_CONSTRAINT_UNIQUE",
        constraintRowID.rawValue: "SQLITE_CONSTRAINT_ROWID",
        busyRecovery.rawValue: "SQLITE_BUSY_RECOVERY", busySnapshot.rawValue: "SQLITE_BUSY_SNAPSHOT",
        lockedSharedCache.rawValue: "SQLITE_LOCKED_SHAREDCACHE",
        readonlyDatabaseMoved.rawValue: "SQLITE_READONLY_DBMOVED",
        ioerrShortRead.rawValue: "SQLITE_IOERR_SHORT_READ", ioerrWrite.rawValue: "SQLITE_IOERR_WRITE",
        ioerrFsync.rawValue: "SQLITE_IOERR_FSYNC", abortRollback.rawValue: "SQLITE_ABORT_ROLLBACK",
    ]
}
