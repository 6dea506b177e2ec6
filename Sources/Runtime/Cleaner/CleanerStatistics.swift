import Threads
import Foundation
import Logging
import Scheduler
import Synchronization

/// What the cleaner has done: tasks carried out per kind, and failures.
package struct CleanerStatistics: Sendable, Equatable {
    package var rdds = 0
    package var shuffles = 0
    package var broadcasts = 0
    package var checkpoints = 0
    /// Tasks whose removal threw (logged as `Error cleaning …`).
    package var failures = 0

    package init(rdds: Int = 0, shuffles: Int = 0, broadcasts: Int = 0, checkpoints: Int = 0, failures: Int = 0) {
        self.rdds = rdds
        self.shuffles = shuffles
        self.broadcasts = broadcasts
        self.checkpoints = checkpoints
        self.failures = failures
    }
}
