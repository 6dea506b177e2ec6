import Synchronization

/// The driver's registry of which BlockManager holds which block, as Spark's
/// `BlockManagerMaster` (in process for now; the cluster issue puts it behind RPC).
///
/// Invariant: a location is recorded only for a registered block manager, and only
/// while the block is in its memory or on its disk (size > 0 or a valid level).
public final class BlockManagerMaster: Sendable {
    /// Where one block manager keeps a block, and how much of it.
    public struct BlockStatus: Sendable, Equatable {
        /// The block's level there.
        public var level: StorageLevel
        /// Bytes in memory there.
        public var memSize: Int64
        /// Bytes on disk there.
        public var diskSize: Int64
    }

    // `state` guards the registered managers and the block locations.
    private struct State {
        var managers: Set<BlockManagerId> = []
        var locations: [BlockId: [BlockManagerId: BlockStatus]] = [:]
    }
    private let state = Mutex(State())
    /// On an executor: also tells the driver's master of each update.
    private let forward: (@Sendable (BlockManagerId, BlockId, StorageLevel, Int64, Int64) -> Void)?
    private let locate: (@Sendable (BlockId) -> [BlockManagerId])?
    private let peers: (@Sendable (BlockManagerId) -> [BlockManagerId])?

    /// An empty registry (the driver's, or local mode's only one).
    public init() {
        forward = nil
        locate = nil
        peers = nil
    }

    /// An executor's view: it records its own BlockManager's blocks, reports each update to
    /// the driver's master through `forward` (Spark's BlockManagerMaster.updateBlockInfo over
    /// RPC), asks it where other blocks are through `locate` and which other executors there
    /// are through `peers` (nil: the block managers registered here).
    public init(forward: @escaping @Sendable (BlockManagerId, BlockId, StorageLevel, Int64, Int64) -> Void,
                locate: @escaping @Sendable (BlockId) -> [BlockManagerId],
                peers: (@Sendable (BlockManagerId) -> [BlockManagerId])? = nil) {
        self.forward = forward
        self.locate = locate
        self.peers = peers
    }

    /// Where `blockId` is, as the driver's master knows it (on an executor, asked over RPC;
    /// elsewhere the locations recorded here).
    public func locations(_ blockId: BlockId) -> [BlockManagerId] {
        locate?(blockId) ?? getLocations(blockId)
    }

    /// The block managers of the executors other than `blockManagerId` (never the driver's), as
    /// Spark's getPeers: where a block stored at a `_2` level is replicated. On an executor,
    /// asked of the driver; elsewhere the block managers registered here, ordered by executor id.
    public func getPeers(_ blockManagerId: BlockManagerId) -> [BlockManagerId] {
        if let peers { return peers(blockManagerId) }
        return state.withLock { s in
            s.managers.filter { $0 != blockManagerId && $0.executorId != "driver" }.sorted { $0.executorId < $1.executorId }
        }
    }

    /// Registers a block manager (again: its old blocks are forgotten, as after a restart).
    public func registerBlockManager(_ id: BlockManagerId) {
        state.withLock { s in
            s.managers.insert(id)
            for block in s.locations.keys { s.locations[block]![id] = nil }
            s.locations = s.locations.filter { !$0.value.isEmpty }
        }
    }

    /// Records that `blockManagerId` holds `blockId` at `level` (an invalid level or zero
    /// sizes: it no longer does). False if the block manager is not registered.
    @discardableResult
    public func updateBlockInfo(_ blockManagerId: BlockManagerId, blockId: BlockId, level: StorageLevel,
                                memSize: Int64, diskSize: Int64) -> Bool {
        forward?(blockManagerId, blockId, level, memSize, diskSize)
        return state.withLock { s in
            guard s.managers.contains(blockManagerId) else { return false }
            if level.isValid && (memSize > 0 || diskSize > 0) {
                s.locations[blockId, default: [:]][blockManagerId] = BlockStatus(level: level, memSize: memSize, diskSize: diskSize)
            } else {
                s.locations[blockId]?[blockManagerId] = nil
                if s.locations[blockId]?.isEmpty == true { s.locations[blockId] = nil }
            }
            return true
        }
    }

    /// The block managers holding `blockId`, ordered by executor id.
    public func getLocations(_ blockId: BlockId) -> [BlockManagerId] {
        state.withLock { s in (s.locations[blockId]?.keys).map { $0.sorted { $0.executorId < $1.executorId } } ?? [] }
    }

    /// What `blockManagerId` holds of `blockId`, if anything.
    public func status(_ blockId: BlockId, at blockManagerId: BlockManagerId) -> BlockStatus? {
        state.withLock { $0.locations[blockId]?[blockManagerId] }
    }

    /// Forgets every block of RDD `rddId`; the block managers that held some, so the
    /// caller can tell them to remove them.
    @discardableResult
    public func removeRdd(_ rddId: Int) -> Set<BlockManagerId> {
        state.withLock { s in
            var holders: Set<BlockManagerId> = []
            for (block, where_) in s.locations {
                if case .rdd(let r, _) = block, r == rddId {
                    holders.formUnion(where_.keys)
                    s.locations[block] = nil
                }
            }
            return holders
        }
    }

    /// Forgets a block manager and all it held (its executor is lost).
    public func removeBlockManager(_ id: BlockManagerId) {
        state.withLock { s in
            s.managers.remove(id)
            for block in s.locations.keys { s.locations[block]![id] = nil }
            s.locations = s.locations.filter { !$0.value.isEmpty }
        }
    }
}
