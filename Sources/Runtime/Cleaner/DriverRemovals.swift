import Broadcast
import Foundation
import Scheduler
import Storage

/// The driver's one way of removing an RDD's cached blocks, a shuffle's files and a broadcast's
/// value and pieces — from the driver's registries, from every executor and from the driver's own
/// BlockManager (in local mode, the only executor) — as Spark's SparkContext.unpersistRDD,
/// ContextCleaner.doCleanupShuffle and BroadcastManager.unbroadcast. `RDD.unpersist()` and the
/// ``ContextCleaner`` both go through it.
package struct DriverRemovals: CleanupActions {
    let blockManager: BlockManager
    let blockManagerMaster: BlockManagerMaster
    let mapOutputTracker: any MapOutputTracker
    let shuffleManager: (any ShuffleManager)?
    let broadcastManager: BroadcastManager
    let dagScheduler: DAGScheduler?
    let cluster: ClusterDriver?
    /// How long a blocking removal waits for the executors (`engine.network.timeout`).
    let timeout: Double

    /// Removals through `env`'s BlockManager, BlockManagerMaster, MapOutputTracker, ShuffleManager and
    /// BroadcastManager; `cluster` is nil in local mode, and `timeout` bounds a blocking removal's wait.
    package init(environment env: TaskEnvironment, dagScheduler: DAGScheduler?, cluster: ClusterDriver?, timeout: Double) {
        blockManager = env.blockManager
        blockManagerMaster = env.blockManagerMaster
        mapOutputTracker = env.mapOutputTracker
        shuffleManager = env.shuffleManager
        broadcastManager = env.broadcastManager
        self.dagScheduler = dagScheduler
        self.cluster = cluster
        self.timeout = timeout
    }

    /// Forgets RDD `rddId`'s blocks in the BlockManagerMaster and removes them on every executor
    /// and on the driver; returns how many the driver held. Throws (after removing what it could)
    /// when a blocking removal was not acknowledged by every executor.
    @discardableResult
    package func removeRDD(_ rddId: Int, blocking: Bool) throws -> Int {
        blockManagerMaster.removeRdd(rddId)
        let missing = onExecutors(.removeRdd(rddId), blocking: blocking)
        let removed = blockManager.removeRdd(rddId)
        if !missing.isEmpty { throw RemovalNotAcknowledged(what: "RDD \(rddId)", executors: missing) }
        return removed
    }

    /// Unregisters shuffle `shuffleId` from the DAGScheduler and the MapOutputTracker, and deletes
    /// its map output files on every executor and on the driver.
    package func removeShuffle(_ shuffleId: Int, blocking: Bool) throws {
        dagScheduler?.unregisterShuffle(shuffleId)
        (mapOutputTracker as? MapOutputTrackerMaster)?.unregisterShuffle(shuffleId)
        let missing = onExecutors(.removeShuffle(shuffleId), blocking: blocking)
        shuffleManager?.unregisterShuffle(shuffleId)
        if !missing.isEmpty { throw RemovalNotAcknowledged(what: "shuffle \(shuffleId)", executors: missing) }
    }

    /// Removes broadcast `broadcastId`'s value and pieces on every executor and on the driver.
    package func removeBroadcast(_ broadcastId: Int, blocking: Bool) throws {
        let missing = onExecutors(.removeBroadcast(broadcastId), blocking: blocking)
        broadcastManager.removeLocalCopy(BroadcastHandle(id: broadcastId))
        if !missing.isEmpty { throw RemovalNotAcknowledged(what: "broadcast \(broadcastId)", executors: missing) }
    }

    /// Deletes the checkpoint directory of RDD `rddId`.
    package func removeCheckpoint(rddId: Int, path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.removeItem(atPath: path)
    }

    /// The executors that did not acknowledge `removal` (none unless `blocking`).
    private func onExecutors(_ removal: BlockMessage, blocking: Bool) -> [String] {
        cluster?.remove(removal, waitingUpTo: blocking ? timeout : nil) ?? []
    }
}

/// A blocking removal that some executors did not confirm (they may be gone, or slow).
package struct RemovalNotAcknowledged: Error, CustomStringConvertible {
    /// What was being removed, as the message names it: `RDD 3`, `shuffle 1`, `broadcast 2`.
    package let what: String
    /// The executors that did not acknowledge the removal within the timeout.
    package let executors: [String]
    /// Names the removal and the executors that did not confirm it.
    package var description: String {
        "the removal of \(what) was not acknowledged by \(executors.joined(separator: "; "))"
    }
}
