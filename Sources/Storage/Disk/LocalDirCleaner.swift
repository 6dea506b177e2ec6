import Foundation
import Synchronization

/// Removes the local directories of DiskBlockManagers that were never stopped when the
/// process exits normally (a job that returns without stopping its context), as Spark's
/// shutdown hook does. A process killed by a signal cannot run it.
enum LocalDirCleaner {
    private static let live = Mutex<Set<String>>([])
    private static let installed = Mutex(false)

    /// Remembers `dirs` until ``forget(_:)``; installs the exit handler on first use.
    static func remember(_ dirs: [String]) {
        let first = installed.withLock { i -> Bool in
            defer { i = true }
            return !i
        }
        if first { atexit { LocalDirCleaner.removeAll() } }
        live.withLock { $0.formUnion(dirs) }
    }

    /// Forgets `dirs` (their owner removed them).
    static func forget(_ dirs: [String]) {
        live.withLock { $0.subtract(dirs) }
    }

    private static func removeAll() {
        for d in live.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: d) }
    }
}
