import CLinux
import Glibc

/// Thin wrappers over the socket calls the server makes; each names its C function.
package enum Socket {
    /// Creates a non-blocking TCP listening socket bound to `host:port` (`socket`, `setsockopt`, `bind`, `listen`).
    ///
    /// `port` 0 asks the kernel for an ephemeral port; read it back with ``localPort(of:)``. `reusePort` sets
    /// `SO_REUSEPORT`, so several processes (each setting it) can listen on one port and the kernel spreads new
    /// connections between them.
    package static func makeListener(host: String, port: UInt16, backlog: Int32, reusePort: Bool = false) throws -> Int32 {
        let address = try SocketAddress(host: host, port: port)
        let fd = try blockingSyscall("socket") {
            Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do {
            var one: Int32 = 1
            _ = try blockingSyscall("setsockopt(SO_REUSEADDR)") {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            if reusePort {
                _ = try blockingSyscall("setsockopt(SO_REUSEPORT)") {
                    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
                }
            }
            _ = try address.withSockAddr { pointer, length in
                try blockingSyscall("bind") { Glibc.bind(fd, pointer, length) }
            }
            _ = try blockingSyscall("listen") { Glibc.listen(fd, backlog) }
            return fd
        } catch {
            closeDescriptor(fd)
            throw error
        }
    }

    /// The local port a socket is bound to (`getsockname`).
    package static func localPort(of fd: Int32) throws -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                try blockingSyscall("getsockname") { getsockname(fd, address, &length) }
            }
        }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
        default:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            }
        }
    }

    /// Accepts one pending connection as a non-blocking descriptor (`accept4`), or `.wouldBlock` when none is queued.
    ///
    /// Errors that concern only the aborted peer (`ECONNABORTED`, `EPROTO`, …) are reported as `.wouldBlock`-like
    /// retries by the caller; resource exhaustion (`EMFILE`, `ENFILE`) is thrown so the loop can back off.
    package static func accept(_ listener: Int32) throws(SystemError) -> IOResult<Int32> {
        try syscall("accept4", nonBlocking: true) {
            clinux_accept4(listener, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
        }
    }

    /// The peer address of a connected socket as text (`getpeername` + `inet_ntop`), or "" if it has none.
    package static func peerAddress(_ fd: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let family = withUnsafeMutablePointer(to: &storage) { pointer -> Int32 in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                getpeername(fd, address, &length) == 0 ? Int32(address.pointee.sa_family) : -1
            }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let converted: UnsafePointer<CChar>? = withUnsafePointer(to: &storage) { pointer in
            switch family {
            case AF_INET:
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    withUnsafePointer(to: address.pointee.sin_addr) { inet_ntop(AF_INET, $0, &text, socklen_t(text.count)) }
                }
            case AF_INET6:
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    withUnsafePointer(to: address.pointee.sin6_addr) { inet_ntop(AF_INET6, $0, &text, socklen_t(text.count)) }
                }
            default: nil
            }
        }
        guard converted != nil else { return "" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Disables Nagle's algorithm (`setsockopt(TCP_NODELAY)`): responses are written whole, so batching only adds latency.
    package static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Reads into `buffer` (`read`): the byte count (0 = peer closed), or `.wouldBlock`.
    @inline(__always)
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try syscall("read", nonBlocking: true) { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Writes from `buffer` without raising `SIGPIPE` (`send` with `MSG_NOSIGNAL`): bytes written, or `.wouldBlock`.
    @inline(__always)
    package static func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try syscall("send", nonBlocking: true) { Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }
}

/// An IPv4 or IPv6 address to bind to.
package struct SocketAddress {
    private var storage = sockaddr_storage()
    private var length: socklen_t
    package let family: Int32

    /// Parses a numeric address (`inet_pton`); `localhost` means `127.0.0.1`.
    package init(host: String, port: UInt16) throws {
        let host = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: v4) { raw.copyMemory(from: $0) } }
            return
        }
        var v6 = sockaddr_in6()
        let trimmed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if inet_pton(AF_INET6, trimmed, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: v6) { raw.copyMemory(from: $0) } }
            return
        }
        throw SystemError(call: "inet_pton(\(host))", errno: Errno(rawValue: EINVAL))
    }

    func withSockAddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T) rethrows -> T {
        try withUnsafePointer(to: storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }
}
