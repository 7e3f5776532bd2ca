/// The connections one event loop owns, indexed by descriptor.
///
/// Descriptors are small integers the kernel reuses, so a dense array finds a connection with one bounds check
/// and no hashing. ``Connection/id`` tells a reused descriptor's new connection from the old one, for answers
/// that come back from other threads.
struct ConnectionTable {
    /// One slot per descriptor number seen so far; nil where no connection is open.
    private(set) var slots: [Connection?] = []
    /// Open connections.
    private(set) var count = 0
    private var nextID: UInt64 = 1

    /// The open connection on `descriptor`, if any.
    subscript(descriptor: Int32) -> Connection? {
        Int(descriptor) < slots.count ? slots[Int(descriptor)] : nil
    }

    /// A fresh identity for the next accepted connection.
    mutating func makeID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    /// Registers `connection` in its descriptor's slot.
    mutating func insert(_ connection: Connection) {
        let index = Int(connection.descriptor)
        if index >= slots.count {
            slots.append(contentsOf: repeatElement(nil, count: index + 1 - slots.count))
        }
        slots[index] = connection
        count += 1
    }

    /// Removes `connection`; false if it was already gone (closed once, or its slot holds a newer connection).
    mutating func remove(_ connection: Connection) -> Bool {
        guard slots[Int(connection.descriptor)] === connection else { return false }
        slots[Int(connection.descriptor)] = nil
        count -= 1
        return true
    }
}

@available(*, unavailable) extension ConnectionTable: Sendable {}
