import Foundation
import WooAPI

/// A progress bar on stderr for long commands (`seed`, `copy-store`), drawn only when stderr is a terminal; the rate
/// is of the current label's work.
final class Progress {
    let visible: Bool
    var label = ""
    var started = Date()

    init(visible: Bool) { self.visible = visible }

    func draw(_ label: String, _ done: Int, _ total: Int) {
        guard visible else { return }
        if label != self.label { (self.label, started) = (label, Date()) }
        let width = 40
        let filled = width * done / max(total, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = Double(done) / max(Date().timeIntervalSince(started), 0.001)
        ServerLog.console.raw("\r  \(label) \(bar) \(done)/\(total) (\(Int(rate))/s)   ")
        if done == total { ServerLog.console.raw("\n") }
    }
}
