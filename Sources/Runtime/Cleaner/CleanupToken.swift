import Threads
import Foundation
import Logging
import Scheduler
import Synchronization

/// The reference the job holds, in place of Spark's weak reference and reference queue: whatever
/// must be cleaned once the job drops it (an RDD, a shuffle dependency, a broadcast handle) holds
/// one token, strongly and only on the driver. When the last holder goes, the token's `deinit`
/// queues its task for the cleaner's thread; it does nothing else (no removal runs inside a deinit).
package final class CleanupToken: Sendable {
    /// What is removed when the token goes.
    package let task: CleanupTask
    private let queue: CleanupQueue

    init(task: CleanupTask, queue: CleanupQueue) {
        self.task = task
        self.queue = queue
    }

    deinit { queue.put(task) }
}
