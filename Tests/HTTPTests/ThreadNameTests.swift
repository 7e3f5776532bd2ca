import Foundation
import HTTP
import Synchronization
import XCTest

final class ThreadNameTests: XCTestCase {
    /// The operating system sees the name (what `top -H` and the benchmarks' per-thread CPU figures read), cut to the
    /// 15 bytes Linux keeps.
    func testNamedThreadsCarryTheirNameForTheOperatingSystem() {
        let seen = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        for name in ["sqlite-writer", "a-name-longer-than-fifteen-bytes"] {
            Thread.named(name) {
                let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
                seen.withLock { $0.append(comm.trimmingCharacters(in: .newlines)) }
                done.signal()
            }.start()
            XCTAssertEqual(done.wait(timeout: .now() + 2), .success)
        }
        XCTAssertEqual(seen.withLock { $0 }, ["sqlite-writer", "a-name-longer-t"])
    }
}
