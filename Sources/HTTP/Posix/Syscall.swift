import Glibc

/// A POSIX error number with Swift names for the values this server reacts to.
package struct Errno: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }

    package static let interrupted = Errno(rawValue: EINTR)
    package static let wouldBlock = Errno(rawValue: EAGAIN)
    package static let badFileDescriptor = Errno(rawValue: EBADF)
    package static let badAddress = Errno(rawValue: EFAULT)
    package static let connectionAborted = Errno(rawValue: ECONNABORTED)
    package static let connectionReset = Errno(rawValue: ECONNRESET)
    package static let brokenPipe = Errno(rawValue: EPIPE)
    package static let tooManyOpenFiles = Errno(rawValue: EMFILE)
    package static let tooManyOpenFilesInSystem = Errno(rawValue: ENFILE)
    package static let noBufferSpace = Errno(rawValue: ENOBUFS)
    package static let outOfMemory = Errno(rawValue: ENOMEM)
    package static let addressInUse = Errno(rawValue: EADDRINUSE)

    /// The current thread's `errno`.
    package static var current: Errno { Errno(rawValue: errno) }

    package var description: String { String(cString: strerror(rawValue)) }
}

/// A failed system call: which call, and why.
package struct SystemError: Error, CustomStringConvertible, Sendable {
    package var call: String
    package var errno: Errno

    package init(call: String, errno: Errno) {
        self.call = call
        self.errno = errno
    }

    package var description: String { "\(call) failed: \(errno) (errno \(errno.rawValue))" }
}

/// The result of a non-blocking call: a value, or "try again when the descriptor is ready".
package enum IOResult<Value> {
    case done(Value)
    case wouldBlock
}

/// Runs a system call the way every wrapper in this module does.
///
/// Retries on `EINTR`; crashes on `EBADF`/`EFAULT`, which can only be this program's bug (a closed or
/// wild descriptor); maps `EAGAIN` to `.wouldBlock` when `nonBlocking` is set; throws anything else.
/// Modelled on SwiftNIO's `syscall(blocking:where:_:)`.
@inline(__always)
package func syscall<T: FixedWidthInteger>(
    _ name: StaticString, nonBlocking: Bool = false, _ body: () -> T
) throws(SystemError) -> IOResult<T> {
    while true {
        let result = body()
        if result >= 0 { return .done(result) }
        let error = Errno.current
        switch error {
        case .interrupted:
            continue
        case .wouldBlock where nonBlocking:
            return .wouldBlock
        case .badFileDescriptor, .badAddress:
            preconditionFailure("\(name): \(error) — a closed or invalid descriptor is a bug in this program")
        default:
            throw SystemError(call: "\(name)", errno: error)
        }
    }
}

/// Runs a blocking system call that has no "would block" outcome.
@inline(__always)
package func blockingSyscall<T: FixedWidthInteger>(_ name: StaticString, _ body: () -> T) throws(SystemError) -> T {
    switch try syscall(name, body) {
    case .done(let value): return value
    case .wouldBlock: preconditionFailure("unreachable: \(name) is not non-blocking")
    }
}

/// Closes a descriptor, ignoring `EINTR`: on Linux the descriptor is released even when close is interrupted,
/// so retrying could close a descriptor another thread has just been given.
package func closeDescriptor(_ fd: Int32) {
    _ = Glibc.close(fd)
}
