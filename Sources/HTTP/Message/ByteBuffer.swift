/// A growable byte buffer with a reader index, owned by one connection.
///
/// Bytes are appended at the end and consumed from the reader index; ``compact()`` drops consumed bytes but keeps
/// the allocation for the next request, and ``releaseIfEmpty()`` frees it once a connection has gone quiet, so an
/// idle connection holds no buffer memory.
package struct ByteBuffer {
    package private(set) var storage: [UInt8] = []
    package private(set) var readerIndex = 0

    package init() {}
    package init<S: Sequence>(_ bytes: S) where S.Element == UInt8 { storage = Array(bytes) }

    /// The number of unread bytes.
    @inline(__always) package var readableBytes: Int { storage.count - readerIndex }

    /// Appends bytes after the existing ones.
    package mutating func write(_ bytes: UnsafeRawBufferPointer) {
        storage.append(contentsOf: bytes)
    }

    /// Appends bytes after the existing ones.
    package mutating func write<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        storage.append(contentsOf: bytes)
    }

    /// Marks `count` bytes as read.
    @inline(__always) package mutating func moveReaderIndex(by count: Int) {
        readerIndex += count
        assert(readerIndex <= storage.count)
    }

    /// Drops consumed bytes, keeping the allocation for the next request on this connection.
    package mutating func compact() {
        if readerIndex == storage.count {
            storage.removeAll(keepingCapacity: true)
            readerIndex = 0
        } else if readerIndex > 0 && readerIndex >= storage.count / 2 {
            storage.removeSubrange(0..<readerIndex)
            readerIndex = 0
        }
    }

    /// Frees the storage if nothing is left to read.
    package mutating func releaseIfEmpty() {
        if readableBytes == 0 && storage.capacity > 0 {
            storage = []
            readerIndex = 0
        }
    }
}
