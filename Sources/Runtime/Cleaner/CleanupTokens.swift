import Threads
import Foundation
import Logging
import Scheduler
import Synchronization

/// The tokens of one object that may be registered for more than one task (an RDD: its cached
/// blocks, its checkpoint files), each at most once.
package final class CleanupTokens: Sendable {
    private let tokens = Mutex<[CleanupToken]>([])

    /// An object's holder with no tokens yet; ``register(_:with:)`` adds them.
    package init() {}

    /// Registers `task` with `cleaner` unless this object holds a token for it already; no-op without a cleaner.
    package func register(_ task: CleanupTask, with cleaner: ContextCleaner?) {
        guard let cleaner else { return }
        tokens.withLock { list in
            if !list.contains(where: { $0.task == task }) { list.append(cleaner.register(task)) }
        }
    }

    /// The tasks registered here.
    package var tasks: [CleanupTask] { tokens.withLock { $0.map(\.task) } }
}
