import Threads
import Foundation
import Logging
import Scheduler
import Synchronization

/// What the cleaner has done: tasks carried out per kind, and failures.
package struct CleanerStatistics: Sendable, Equatable {
    /// `.rdd` tasks carried out: RDDs whose cached blocks were removed everywhere.
    package var rdds = 0
    /// `.shuffle` tasks carried out: shuffles unregistered and their map output files deleted.
    package var shuffles = 0
    /// `.broadcast` tasks carried out: broadcasts whose value and pieces were removed.
    package var broadcasts = 0
    /// `.checkpoint` tasks carried out: checkpoint directories deleted (only with `cleanCheckpoints`).
    package var checkpoints = 0
    /// Tasks whose removal threw (logged as `Error cleaning …`).
    package var failures = 0

    /// Statistics with these counts (zero by default): the cleaner's starting point, and tests' expected values.
    package init(rdds: Int = 0, shuffles: Int = 0, broadcasts: Int = 0, checkpoints: Int = 0, failures: Int = 0) {
        self.rdds = rdds
        self.shuffles = shuffles
        self.broadcasts = broadcasts
        self.checkpoints = checkpoints
        self.failures = failures
    }
}
