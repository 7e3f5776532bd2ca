import SQLite
import Storage
import Synchronization

/// Encoded customer objects, reused while the row's `version` (bumped by a trigger on every change, from any
/// process) is unchanged. A read then costs one primary-key probe and a copy instead of reading 32 columns and
/// writing ~900 bytes of JSON. Only unfiltered objects are cached; `fields=` requests encode afresh.
package final class CustomerCache: Sendable {
    private struct Entry {
        var version: Int64
        var json: [UInt8]
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    /// Most customers kept; past it the cache starts over (about 1 KiB each).
    private let capacity: Int

    package init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    static let versionSQL = SQL("SELECT version FROM users WHERE id = ?")

    /// Writes customer `id` as an object; false when there is no such user. `knownVersion` is the row's version
    /// when the caller has just read it in the same transaction (a list page), sparing the probe.
    package func write(id: Int64, knownVersion: Int64? = nil, in db: Database, to writer: inout JSONWriter) throws -> Bool {
        let version: Int64
        if let knownVersion {
            version = knownVersion
        } else {
            let probe = try db.cachedStatement(Self.versionSQL)
            try probe.bind(id, at: 1)
            guard let found = try probe.first(nil, { $0.int64(at: 0) }) else { return false }
            version = found
        }
        if let cached = entries.withLock({ $0[id] }), cached.version == version {
            writer.raw(cached.json)
            return true
        }
        // Encode once, then both keep and write it. The version read with the row is the one stored, so an
        // entry never outlives the data it was made from.
        var fresh = JSONWriter(capacity: 1024)
        let statement = try db.cachedStatement(CustomerRepository.byID)
        try statement.bind(id, at: 1)
        guard let rowVersion = try statement.first(nil, { row -> Int64 in
            CustomerJSON.write(row: row, to: &fresh)
            return row.int64(at: CustomerJSON.Column.version)
        }) else { return false }
        let json = fresh.bytes
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = Entry(version: rowVersion, json: json)
        }
        writer.raw(json)
        return true
    }
}
