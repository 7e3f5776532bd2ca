import SQLite
import Synchronization

/// Page anchors for the default customer list order (`role`, then `created_at`, `id` ascending): the sort key of
/// every 16th customer, so `page=N` starts from the nearest anchor instead of stepping over every earlier row
/// (SQLite walks an OFFSET one index entry at a time: ~36 ns each, 180 µs at offset 5,000).
///
/// Anchors are built from, and used within, one read transaction, and are tagged with `list_generation`, which
/// triggers bump whenever a user leaves a list or lands inside it (see schema.sql). Creating customers appends
/// to the order and bumps nothing: the anchors stay valid and are extended on demand past the old end.
package final class PageAnchors: Sendable {
    /// Rows between anchors: the most a page query steps over (~36 ns each).
    package static let spacing = 16

    private struct Anchors {
        var generation: Int64
        /// `keys[j]` is the sort key at position `j * spacing`.
        var keys: [(createdAt: Int64, id: Int64)]
    }

    private let byRole = Mutex<[String: Anchors]>([:])

    package init() {}

    /// How many roles have anchors (for tests and diagnostics).
    package var rememberedRoles: Int { byRole.withLock { $0.count } }

    static let generationSQL = SQL("SELECT value FROM list_generation WHERE id = 1")
    static let scanSQL = SQL("""
        SELECT created_at, id FROM users WHERE role = ? AND (created_at, id) >= (?, ?) ORDER BY created_at, id
        """)

    /// The anchor at or before `offset`: its position and key, or nil to start from the beginning.
    /// Must run inside the read transaction that then runs the page query.
    func anchor(role: String, offset: Int, in db: Database) throws -> (position: Int, createdAt: Int64, id: Int64)? {
        let wanted = offset / Self.spacing
        guard wanted > 0 else { return nil }
        let generation = try db.cachedStatement(Self.generationSQL).first(nil) { $0.int64(at: 0) } ?? 0
        var anchors = byRole.withLock { $0[role] }
        if anchors?.generation != generation { anchors = Anchors(generation: generation, keys: []) }
        if anchors!.keys.count <= wanted {
            try extend(&anchors!, role: role, through: wanted, in: db)
            let updated = anchors!
            // A role with no users has nothing to anchor; remembering it would let `filter[role]` values a client
            // makes up grow this cache for good (issue 9). Roles with users are the store's few.
            if updated.keys.isEmpty { return nil }
            byRole.withLock { cache in
                // Keep whichever is newer and longer; both are correct for their generation.
                if let current = cache[role], current.generation == updated.generation, current.keys.count >= updated.keys.count { return }
                cache[role] = updated
            }
        }
        let index = min(wanted, anchors!.keys.count - 1)
        guard index > 0 else { return nil }
        let key = anchors!.keys[index]
        return (index * Self.spacing, key.createdAt, key.id)
    }

    /// Scans forward from the last anchor, recording one every `spacing` rows, until `through` exists or rows end.
    private func extend(_ anchors: inout Anchors, role: String, through wanted: Int, in db: Database) throws {
        let start = anchors.keys.last ?? (Int64.min, Int64.min)
        var position = anchors.keys.isEmpty ? 0 : (anchors.keys.count - 1) * Self.spacing
        var skipFirst = !anchors.keys.isEmpty
        let statement = try db.cachedStatement(Self.scanSQL)
        try statement.bind(role, at: 1)
        try statement.bind(start.0, at: 2)
        try statement.bind(start.1, at: 3)
        defer { statement.reset() }
        while anchors.keys.count <= wanted, try statement.step() {
            if skipFirst {
                skipFirst = false
                position += 1
                continue
            }
            if position % Self.spacing == 0 {
                anchors.keys.append((statement.int64(at: 0), statement.int64(at: 1)))
            }
            position += 1
        }
    }
}
