import Threads
import Foundation
import Logging
import Scheduler
import Synchronization

/// What the ``ContextCleaner`` removes once the job no longer refers to it, as Spark's CleanupTask.
package enum CleanupTask: Sendable, Hashable, CustomStringConvertible {
    /// The cached blocks of RDD `id` (a persisted or local-checkpointed RDD), on every executor.
    case rdd(Int)
    /// Shuffle `id`: its map output files on every executor and its registration with the
    /// MapOutputTracker and the DAGScheduler.
    case shuffle(Int)
    /// Broadcast `id`: its value and pieces, on the driver and on every executor.
    case broadcast(Int)
    /// The files of RDD `rddId`'s reliable checkpoint, under `path`
    /// (only with `engine.cleaner.referenceTracking.cleanCheckpoints`).
    case checkpoint(rddId: Int, path: String)

    /// As Spark's log lines name them: `RDD 5`, `shuffle 3`, `broadcast 7`, `rdd checkpoint data 5`.
    package var description: String {
        switch self {
        case .rdd(let id): return "RDD \(id)"
        case .shuffle(let id): return "shuffle \(id)"
        case .broadcast(let id): return "broadcast \(id)"
        case .checkpoint(let id, _): return "rdd checkpoint data \(id)"
        }
    }
}
