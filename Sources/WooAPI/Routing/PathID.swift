/// A path id read as WordPress's `absint` reads it: leading zeros allowed, digits beyond Int64 saturate (no such
/// post exists); nil for 0, which each resource answers with its own "invalid id" error.
enum PathID {
    static func absint(_ text: String) -> Int64? {
        let digits = text.drop { $0 == "0" }
        guard !digits.isEmpty else { return nil }
        return Int64(digits) ?? .max
    }
}
