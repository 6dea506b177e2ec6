import Synchronization

/// The storage of one executor (or the driver): blocks in memory, files on
/// disk, shuffle output. Minimal for now: a serialized-bytes memory store
/// without a budget; the unified memory manager, eviction and remote fetch
/// come later behind this same API.
///
/// Invariant: ``memoryUsed`` is the sum of the sizes of the blocks held in memory.
public final class BlockManager: Sendable {
    /// Who this block manager is.
    public let blockManagerId: BlockManagerId
    /// Block files on local disk.
    public let diskBlockManager: DiskBlockManager
    /// Map output files of the shuffles run here.
    public let shuffleResolver: IndexShuffleBlockResolver

    private struct MemoryStore {
        var blocks: [BlockId: [UInt8]] = [:]
        var used: Int64 = 0
    }
    private let memory = Mutex(MemoryStore())

    /// Creates the block manager of executor `executorId`, with fresh directories under `localDirs`.
    public init(executorId: String, host: String = "localhost", port: Int = 0, localDirs: [String]) throws(StorageError) {
        blockManagerId = BlockManagerId(executorId: executorId, host: host, port: port)
        diskBlockManager = try DiskBlockManager(rootDirs: localDirs)
        shuffleResolver = IndexShuffleBlockResolver(diskBlockManager: diskBlockManager)
    }

    /// Stores `bytes` in memory under `id`, replacing any previous block.
    public func putBytes(_ id: BlockId, _ bytes: [UInt8]) throws(StorageError) {
        memory.withLock { m in
            let old = m.blocks.updateValue(bytes, forKey: id)
            m.used += Int64(bytes.count) - Int64(old?.count ?? 0)
        }
    }

    /// The bytes of block `id`, if held here.
    public func getBytes(_ id: BlockId) -> [UInt8]? {
        memory.withLock { $0.blocks[id] }
    }

    /// Drops block `id` if held.
    public func removeBlock(_ id: BlockId) {
        memory.withLock { m in
            if let old = m.blocks.removeValue(forKey: id) { m.used -= Int64(old.count) }
        }
    }

    /// Bytes held by blocks in memory.
    public var memoryUsed: Int64 { memory.withLock { $0.used } }

    /// The stored (still compressed, if written so) segment for reducer
    /// `reduceId` of map `mapId`'s output of shuffle `shuffleId`.
    public func getShuffleSegment(shuffleId: Int, mapId: Int, reduceId: Int) throws(StorageError) -> [UInt8] {
        try shuffleResolver.readSegment(shuffleId: shuffleId, mapId: mapId, reduceId: reduceId)
    }

    /// Drops all memory blocks and removes the local directories.
    public func stop() {
        memory.withLock { $0 = MemoryStore() }
        diskBlockManager.stop()
    }
}
