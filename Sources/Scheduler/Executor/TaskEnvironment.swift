import Broadcast
import Storage

/// What a running task may use on its executor, as Spark's SparkEnv: the BlockManager (and
/// through it the BlockTransferService to other executors), broadcast, the map output tracker,
/// the shuffle manager, and the settings tasks need.
public final class TaskEnvironment: Sendable {
    /// `driver` in local mode, else the executor's id.
    public let executorId: String
    /// This process's block manager.
    public let blockManager: BlockManager
    /// This process's broadcast manager.
    public let broadcastManager: BroadcastManager
    /// Where map outputs are (the driver's tracker, or a client of it).
    public let mapOutputTracker: any MapOutputTracker
    /// The shuffle manager (Runtime's `SortShuffleManager`; nil in an environment that runs no shuffle).
    public let shuffleManager: (any ShuffleManager)?
    /// `engine.shuffle.compress`.
    public let shuffleCompress: Bool
    /// Where tasks get execution memory.
    public let executionMemory: any ExecutionMemoryBudget
    /// The driver's registry of which BlockManager holds which block (in-process in local mode).
    public let blockManagerMaster: BlockManagerMaster
    /// `engine.reducer.maxSizeInFlight`: the most bytes of remote shuffle segments a reducer
    /// fetches at once.
    public let maxBytesInFlight: Int64

    /// Registers `blockManager` with `blockManagerMaster` and connects the two.
    public init(executorId: String, blockManager: BlockManager, broadcastManager: BroadcastManager,
                mapOutputTracker: any MapOutputTracker, shuffleCompress: Bool,
                executionMemory: any ExecutionMemoryBudget = UnlimitedExecutionMemory(),
                blockManagerMaster: BlockManagerMaster = BlockManagerMaster(),
                maxBytesInFlight: Int64 = 48 << 20, shuffleManager: (any ShuffleManager)? = nil) {
        self.blockManagerMaster = blockManagerMaster
        self.maxBytesInFlight = max(1, maxBytesInFlight)
        blockManagerMaster.registerBlockManager(blockManager.blockManagerId)
        blockManager.setMaster(blockManagerMaster)
        self.executorId = executorId
        self.blockManager = blockManager
        self.broadcastManager = broadcastManager
        self.mapOutputTracker = mapOutputTracker
        self.shuffleManager = shuffleManager
        self.shuffleCompress = shuffleCompress
        self.executionMemory = executionMemory
    }
}
