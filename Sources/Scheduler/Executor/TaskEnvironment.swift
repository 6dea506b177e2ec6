import Broadcast
import Storage

/// What a running task may use on its executor, as Spark's SparkEnv: the BlockManager (and
/// through it the BlockTransferService to other executors), broadcast, the map output tracker,
/// and the settings tasks need.
public final class TaskEnvironment: Sendable {
    public let executorId: String
    public let blockManager: BlockManager
    public let broadcastManager: BroadcastManager
    public let mapOutputTracker: MapOutputTracker
    /// `engine.shuffle.compress`.
    public let shuffleCompress: Bool
    /// Where tasks get execution memory.
    public let executionMemory: any ExecutionMemoryBudget
    /// The driver's registry of which BlockManager holds which block (in-process in local mode).
    public let blockManagerMaster: BlockManagerMaster
    /// `engine.reducer.maxSizeInFlight`: the most bytes of remote shuffle segments a reducer
    /// fetches at once.
    public let maxBytesInFlight: Int64

    public init(executorId: String, blockManager: BlockManager, broadcastManager: BroadcastManager,
                mapOutputTracker: MapOutputTracker, shuffleCompress: Bool,
                executionMemory: any ExecutionMemoryBudget = UnlimitedExecutionMemory(),
                blockManagerMaster: BlockManagerMaster = BlockManagerMaster(),
                maxBytesInFlight: Int64 = 48 << 20) {
        self.blockManagerMaster = blockManagerMaster
        self.maxBytesInFlight = max(1, maxBytesInFlight)
        blockManagerMaster.registerBlockManager(blockManager.blockManagerId)
        blockManager.setMaster(blockManagerMaster)
        self.executorId = executorId
        self.blockManager = blockManager
        self.broadcastManager = broadcastManager
        self.mapOutputTracker = mapOutputTracker
        self.shuffleCompress = shuffleCompress
        self.executionMemory = executionMemory
    }
}
