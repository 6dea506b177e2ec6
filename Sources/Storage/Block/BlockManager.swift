import Synchronization

/// The storage of one executor (or the driver), as Spark's `BlockManager`: blocks in
/// memory (``MemoryStore``) and on disk (``DiskStore``) under block locks
/// (``BlockInfoManager``), memory governed by a ``UnifiedMemoryManager``, and the shuffle
/// blocks of the map outputs written here, through a ``ShuffleBlockResolver``.
///
/// A block read with ``getValues(_:serializer:task:)`` stays read-locked until the caller
/// calls ``releaseLock(_:task:)`` or the task ends (``releaseAllLocks(forTask:)``), so it
/// cannot be evicted while in use. Evicted blocks whose level uses disk are written there.
///
/// Lock order: BlockInfo → MemoryManager, never the reverse (see ``MemoryStore``).
///
/// Invariant: ``memoryUsed`` is the sum of the sizes of the blocks held in memory.
public final class BlockManager: Sendable {
    /// Who this block manager is.
    public let blockManagerId: BlockManagerId
    /// Block files on local disk.
    public let diskBlockManager: DiskBlockManager
    /// Serves the map outputs of the shuffles run here as shuffle blocks (nil: this BlockManager
    /// holds no shuffle blocks).
    public let shuffleBlockResolver: (any ShuffleBlockResolver)?
    /// The executor's memory (unlimited when none was given).
    public let memoryManager: UnifiedMemoryManager
    /// Per-block locks.
    public let blockInfoManager: BlockInfoManager
    /// Blocks in memory.
    public let memoryStore: MemoryStore
    /// Blocks on disk.
    public let diskStore: DiskStore

    /// Task id for puts and removals made outside a task (broadcast pieces, the driver).
    /// The task id of reads and writes made outside any task (broadcast values, pieces).
    public static let outsideTask = BlockInfoManager.nonTaskId

    /// Moves blocks to and from other processes' BlockManagers (nil in local mode and on the
    /// driver: every block a task reads is here, and nothing is replicated).
    public let blockTransferService: (any BlockTransferService)?

    /// Creates the block manager of executor `executorId`, with fresh directories under
    /// `localDirs`, drawing memory from `memoryManager` (nil: unlimited), reaching other
    /// BlockManagers through `blockTransferService`, without shuffle blocks.
    public convenience init(executorId: String, host: String = "localhost", port: Int = 0, localDirs: [String],
                            memoryManager: UnifiedMemoryManager? = nil,
                            blockTransferService: (any BlockTransferService)? = nil) throws(StorageError) {
        self.init(executorId: executorId, host: host, port: port, diskBlockManager: try DiskBlockManager(rootDirs: localDirs),
                  memoryManager: memoryManager, shuffleBlockResolver: nil, blockTransferService: blockTransferService)
    }

    /// Creates the block manager of executor `executorId` over `diskBlockManager`'s directories,
    /// drawing memory from `memoryManager` (nil: unlimited), serving shuffle blocks through
    /// `shuffleBlockResolver` (as Spark's BlockManager takes the shuffle manager's), reaching
    /// other BlockManagers through `blockTransferService`.
    public init(executorId: String, host: String = "localhost", port: Int = 0, diskBlockManager: DiskBlockManager,
                memoryManager: UnifiedMemoryManager? = nil, shuffleBlockResolver: (any ShuffleBlockResolver)?,
                blockTransferService: (any BlockTransferService)? = nil) {
        blockManagerId = BlockManagerId(executorId: executorId, host: host, port: port)
        self.blockTransferService = blockTransferService
        self.diskBlockManager = diskBlockManager
        self.shuffleBlockResolver = shuffleBlockResolver
        let mm = memoryManager ?? UnifiedMemoryManager(maxMemory: Int64.max / 4, storageRegionSize: Int64.max / 8)
        self.memoryManager = mm
        blockInfoManager = BlockInfoManager()
        memoryStore = MemoryStore(memoryManager: mm, blockInfoManager: blockInfoManager)
        let disk = DiskStore(diskBlockManager: diskBlockManager)
        diskStore = disk
        let masterRef = self.masterRef
        let myId = blockManagerId
        memoryStore.setDropHandler { id, level, bytes in
            guard let data = try? bytes(), (try? disk.put(id, bytes: data)) != nil else { return false }
            // As Spark's reportBlockStatus: the master learns the block is now on disk.
            masterRef.value.withLock { $0 }?.updateBlockInfo(myId, blockId: id, level: level, memSize: 0,
                                                            diskSize: disk.getSize(id) ?? 0)
            return true
        }
        memoryStore.setDroppedListener { id in
            masterRef.value.withLock { $0 }?.updateBlockInfo(myId, blockId: id, level: .NONE, memSize: 0, diskSize: 0)
        }
    }

    private let masterRef = MasterRef()

    /// Stores a replica that another executor sent (Spark's replicated put): the bytes as
    /// `serializer`-framed values, kept at `level` and reported to the master; not replicated again.
    public func putReplica(_ id: BlockId, _ bytes: [UInt8], level: StorageLevel) throws(StorageError) {
        let local = StorageLevel(useDisk: level.useDisk, useMemory: level.useMemory, deserialized: false)
        try putBytes(id, bytes, level: local.isValid ? local : .MEMORY_AND_DISK_SER)
        let inMemory = memoryStore.getBytes(id) != nil
        masterRef.value.withLock { $0 }?.updateBlockInfo(blockManagerId, blockId: id, level: level,
                                                        memSize: inMemory ? Int64(bytes.count) : 0,
                                                        diskSize: inMemory ? 0 : Int64(bytes.count))
    }

    /// Holds the master; a class so the eviction handler can share it.
    private final class MasterRef: Sendable {
        let value = Mutex<BlockManagerMaster?>(nil)
    }

    /// Tells this BlockManager the master to report dropped and removed blocks to.
    public func setMaster(_ master: BlockManagerMaster) {
        masterRef.value.withLock { $0 = master }
    }

    /// The master set with ``setMaster(_:)``, if any.
    var master: BlockManagerMaster? { masterRef.value.withLock { $0 } }

    // MARK: Bytes (broadcast pieces, task results)

    /// Stores `bytes` under `id` (replacing any previous block) at `level`: in memory if it
    /// fits, else on disk when the level allows.
    public func putBytes(_ id: BlockId, _ bytes: [UInt8], level: StorageLevel = .MEMORY_AND_DISK_SER) throws(StorageError) {
        removeBlock(id)
        let task = Self.outsideTask
        guard blockInfoManager.lockNewBlockForWriting(id, info: BlockInfo(level: level), task: task) else {
            blockInfoManager.unlock(id, task: task)
            return  // another thread stored it meanwhile
        }
        if level.useMemory && memoryStore.putBytes(id, bytes, level: level) {
            blockInfoManager.update(id, task: task, size: Int64(bytes.count))
        } else if level.useDisk {
            do {
                try diskStore.put(id, bytes: bytes)
            } catch {
                blockInfoManager.removeBlock(id, task: task)
                throw error
            }
            blockInfoManager.update(id, task: task, size: Int64(bytes.count))
        } else {
            blockInfoManager.removeBlock(id, task: task)
            return
        }
        blockInfoManager.unlock(id, task: task)
    }

    /// Tells the master that this BlockManager holds `id` (in memory or on disk) at `level`,
    /// so that others can fetch it from here (a broadcast piece, as Spark's tellMaster).
    public func reportBlock(_ id: BlockId, level: StorageLevel = .MEMORY_AND_DISK_SER) {
        let mem = memoryStore.getSize(id) ?? 0
        let disk = diskStore.contains(id) ? diskStore.getSize(id) ?? 0 : 0
        masterRef.value.withLock { $0 }?.updateBlockInfo(blockManagerId, blockId: id, level: mem + disk > 0 ? level : .NONE,
                                                        memSize: mem, diskSize: disk)
    }

    /// The serialized bytes of block `id` if held here: what ``getBytes(_:)`` returns, or a
    /// cached partition's live values serialized as for disk (to send to another executor).
    public func getSerializedBytes(_ id: BlockId) -> [UInt8]? {
        if let b = memoryStore.getSerializedBytes(id) { return b }
        if diskStore.contains(id) { return try? diskStore.getBytes(id) }
        return nil
    }

    /// The bytes of block `id`, from memory or disk, if held here (a block stored as
    /// values is not returned: read it with ``getValues(_:serializer:task:)``).
    public func getBytes(_ id: BlockId) -> [UInt8]? {
        if let b = memoryStore.getBytes(id) { return b }
        if diskStore.contains(id) { return try? diskStore.getBytes(id) }
        return nil
    }

    // MARK: Values (cached RDD partitions)

    /// Caches the chunks of partition block `id` at `level` for task `task`: unrolled
    /// into memory as far as memory allows, then to disk if the level uses disk; else
    /// the values come back to be iterated without caching. `serializer` is needed for
    /// serialized and disk levels.
    public func putValues<T>(_ id: BlockId, level: StorageLevel, task: Int64,
                             chunks: @escaping () throws -> [T]?, estimate: ([T]) -> Int64,
                             serializer: BlockSerializer<T>?) throws -> BlockPutResult<T> {
        guard level.isValid else {
            return .notStored(PartiallyUnrolled(unrolled: [], rest: chunks, releaseMemory: {}))
        }
        if (level.useDisk || !level.deserialized) && serializer == nil {
            throw StorageError.notSerializable("block \(id) at \(level) needs a serializer for its values; pass one or use MEMORY_ONLY")
        }
        guard blockInfoManager.lockNewBlockForWriting(id, info: BlockInfo(level: level), task: task) else {
            blockInfoManager.unlock(id, task: task)
            return .alreadyStored
        }
        do {
            let result = try store(id, level: level, task: task, chunks: chunks, estimate: estimate, serializer: serializer)
            switch result {
            case .inMemory(let size), .onDisk(let size):
                blockInfoManager.update(id, task: task, size: size)
                blockInfoManager.unlock(id, task: task)
                if level.replication > 1 { replicate(id, level: level, serializer: serializer) }
            case .notStored, .alreadyStored:
                blockInfoManager.removeBlock(id, task: task)
            }
            return result
        } catch {
            memoryStore.remove(id)
            diskStore.remove(id)
            blockInfoManager.removeBlock(id, task: task)
            throw error
        }
    }

    /// Copies the stored block's serialized bytes to other executors (values in memory are framed first).
    private func replicate<T>(_ id: BlockId, level: StorageLevel, serializer: BlockSerializer<T>?) {
        guard let service = blockTransferService, let master else { return }
        var bytes = memoryStore.getBytes(id)
        if bytes == nil, diskStore.contains(id) { bytes = try? diskStore.getBytes(id) }
        if bytes == nil, let s = serializer, let values = memoryStore.getValues(id, as: T.self) {
            bytes = try? values.flatMap { try s.frame($0) }
        }
        guard let bytes else { return }  // MEMORY_ONLY_2 of values with no serializer: nothing to send
        replicate(id, bytes: bytes, level: level, service: service, master: master)
    }

    private func store<T>(_ id: BlockId, level: StorageLevel, task: Int64, chunks: @escaping () throws -> [T]?,
                          estimate: ([T]) -> Int64, serializer: BlockSerializer<T>?) throws -> BlockPutResult<T> {
        if !level.useMemory {
            return .onDisk(size: try writeToDisk(id) { try chunks().map { try serializer!.frame($0) } })
        }
        if level.deserialized {
            let serialize = serializer.map { s in { (all: [[T]]) throws -> [UInt8] in try all.flatMap { try s.frame($0) } } }
            switch try memoryStore.putValues(id, level: level, task: task, chunks: chunks, estimate: estimate, serialize: serialize) {
            case .stored(let size): return .inMemory(size: size)
            case .partial(let p):
                guard level.useDisk, let s = serializer else { return .notStored(p) }
                let size = try writeToDisk(id) { try p.next().map { try s.frame($0) } }
                memoryFullPuts.withLock { $0 += 1 }
                return .onDisk(size: size)
            }
        }
        let s = serializer!
        switch try memoryStore.putByteChunks(id, level: level, task: task, chunks: { try chunks().map { try s.frame($0) } }) {
        case .stored(let size): return .inMemory(size: size)
        case .partial(let p):
            if level.useDisk {
                let size = try writeToDisk(id) { try p.next() }
                memoryFullPuts.withLock { $0 += 1 }
                return .onDisk(size: size)
            }
            var pending: [[T]] = []
            return .notStored(PartiallyUnrolled(unrolled: [], rest: {
                while pending.isEmpty {
                    guard let frame = try p.next() else { return nil }
                    pending = try s.unframe(frame)
                }
                return pending.removeFirst()
            }, releaseMemory: { p.release() }))
        }
    }

    private func writeToDisk(_ id: BlockId, _ next: () throws -> [UInt8]?) throws -> Int64 {
        try diskStore.put(id) { write in
            while let piece = try next() { try write(piece) }
        }
        return diskStore.getSize(id) ?? 0
    }

    /// The values of block `id` if stored here (from memory, or decoded from memory bytes
    /// or disk), read-locked for `task` until ``releaseLock(_:task:)`` or the task's end.
    public func getValues<T>(_ id: BlockId, serializer: BlockSerializer<T>?, task: Int64) throws -> [[T]]? {
        guard blockInfoManager.lockForReading(id, task: task) != nil else { return nil }
        do {
            if let v = memoryStore.getValues(id, as: T.self) { return v }
            if let s = serializer {
                if let b = memoryStore.getBytes(id) { return try s.unframe(b) }
                if diskStore.contains(id) { return try s.unframe(try diskStore.getBytes(id)) }
            }
        } catch {
            blockInfoManager.unlock(id, task: task)
            throw error
        }
        blockInfoManager.unlock(id, task: task)
        return nil
    }

    /// Releases one read lock `task` took on `id` with ``getValues(_:serializer:task:)``.
    public func releaseLock(_ id: BlockId, task: Int64) {
        blockInfoManager.unlock(id, task: task)
    }

    /// Releases every block lock and unroll reservation of `task` (when it ends, also on failure).
    @discardableResult
    public func releaseAllLocks(forTask task: Int64) -> [BlockId] {
        memoryManager.releaseAllUnrollMemory(task: task)
        return blockInfoManager.releaseAllLocks(forTask: task)
    }

    // MARK: Removal and accounting

    /// Drops block `id` from memory and disk if held (waits for readers to finish).
    public func removeBlock(_ id: BlockId) {
        let task = Self.outsideTask
        let locked = blockInfoManager.lockForWriting(id, task: task) != nil
        memoryStore.remove(id)
        diskStore.remove(id)
        if locked { blockInfoManager.removeBlock(id, task: task) }
        masterRef.value.withLock { $0 }?.updateBlockInfo(blockManagerId, blockId: id, level: .NONE, memSize: 0, diskSize: 0)
    }

    /// Drops every block of RDD `rddId`; how many there were.
    @discardableResult
    public func removeRdd(_ rddId: Int) -> Int {
        let ids = Set(blockInfoManager.blockIds + memoryStore.blockIdsInLRUOrder + diskStore.blockIds).filter {
            if case .rdd(let r, _) = $0 { return r == rddId }
            return false
        }
        for id in ids { removeBlock(id) }
        return ids.count
    }

    /// Bytes held by blocks in memory.
    public var memoryUsed: Int64 { memoryStore.memoryUsed }
    /// Bytes held by blocks on disk (shuffle files not included).
    public var diskUsed: Int64 { diskStore.totalSize }
    /// Blocks evicted from memory to disk, and blocks evicted and dropped.
    public var evictionCounts: (toDisk: Int, dropped: Int) { memoryStore.evictionCounts }

    /// Blocks whose level uses memory that were written to disk because memory was full (as Spark,
    /// a block is never evicted to make room for a block of the same RDD).
    public var memoryFullPutsToDisk: Int { memoryFullPuts.withLock { $0 } }
    private let memoryFullPuts = Mutex(0)

    /// The stored (still compressed, if written so) segment for reducer
    /// `reduceId` of map `mapId`'s output of shuffle `shuffleId`.
    public func getShuffleSegment(shuffleId: Int, mapId: Int, reduceId: Int) throws(StorageError) -> [UInt8] {
        try getShuffleBlockData(.shuffle(shuffleId: shuffleId, mapId: mapId, reduceId: reduceId), offset: 0,
                                maxCount: Int.max).bytes
    }

    /// At most `maxCount` stored bytes of shuffle block `id` from `offset` on, and the block's
    /// whole length, from the map outputs written here (Spark's getLocalBlockData for shuffle blocks).
    public func getShuffleBlockData(_ id: BlockId, offset: Int64, maxCount: Int) throws(StorageError)
        -> (bytes: [UInt8], blockLength: Int64)
    {
        guard let shuffleBlockResolver else {
            throw .blockNotFound("\(id) (executor \(blockManagerId.executorId) keeps no shuffle output)")
        }
        return try shuffleBlockResolver.getBlockData(id, offset: offset, maxCount: maxCount)
    }

    /// Drops all memory blocks and removes the local directories.
    public func stop() {
        memoryStore.clear()
        diskBlockManager.stop()
    }
}
