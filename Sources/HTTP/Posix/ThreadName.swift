import CLinux
import Foundation

extension Thread {
    /// A thread named `name` for Foundation (`Thread.name`) and for the operating system (`pthread_setname_np`,
    /// shown by `top -H`, `ps -L` and `/proc/PID/task/TID/comm`, cut to 15 bytes), which Foundation on Linux
    /// does not set. Not started.
    package static func named(_ name: String, _ body: @escaping @Sendable () -> Void) -> Thread {
        let thread = Thread {
            _ = clinux_set_thread_name(String(name.utf8.prefix(15)) ?? "")
            body()
        }
        thread.name = name
        return thread
    }
}
