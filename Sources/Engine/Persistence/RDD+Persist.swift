import Runtime
import Scheduler
import Storage
import Synchronization
import Threads

extension RDD {
    /// How this RDD is persisted (`.NONE` when it is not).
    ///
    /// Mirrors Spark's `RDD.getStorageLevel`.
    public var storageLevel: StorageLevel { persistState.current }

    /// Keeps this RDD's partitions in the executors' BlockManagers at `level` once computed, so
    /// later jobs read them instead of recomputing them, as Spark's persist. Levels that use disk
    /// or serialize need Codable records (pair RDDs of Codable keys and values qualify). Changing
    /// the level of a persisted RDD is an error, as in Spark.
    ///
    /// Mirrors Spark's `RDD.persist`. `_2` levels keep a second replica on another executor
    /// (with executors in other processes). Returns this RDD.
    /// - Throws: `EngineError.invalidArgument` when the RDD already has another level
    ///   (``unpersist(blocking:)`` it first), or when `level` serializes or uses disk and the
    ///   records are neither `Codable` nor pairs of `Codable` values.
    @discardableResult
    public func persist(_ level: StorageLevel = .MEMORY_ONLY, file: String = #fileID,
                        line: Int = #line) throws(EngineError) -> RDD<T> {
        try persistState.set(level, serializer: PersistSerializers.dynamic(T.self),
                             rdd: "\(debugName) (persist at \(makeCallSite(file, line)))")
        cleanupTokens.register(.rdd(id), with: context.cleaner)
        return self
    }

    /// `persist(.MEMORY_ONLY)`.
    ///
    /// Mirrors Spark's `RDD.cache`.
    /// - Throws: `EngineError.invalidArgument` when the RDD was persisted at another level.
    @discardableResult
    public func cache() throws(EngineError) -> RDD<T> { try persist(.MEMORY_ONLY, file: #fileID, line: #line) }

    /// Removes the cached partitions and forgets the storage level.
    ///
    /// Mirrors Spark's `RDD.unpersist`: every executor's blocks of this RDD are removed; the next
    /// job recomputes it. Returns this RDD. With `blocking`, waits for every executor to have
    /// removed them.
    @discardableResult
    public func unpersist(blocking: Bool = true) -> RDD<T> {
        persistState.clear()
        do {
            let removed = try context.removals?.removeRDD(id, blocking: blocking) ?? 0
            context.logger.info("Removed \(removed) cached blocks of \(debugName)")
        } catch {
            context.logger.warning("Unpersisting \(debugName): \(error)")
        }
        return self
    }

    /// Partition `partition` through the BlockManager when the RDD is persisted, else nil.
    @usableFromInline
    func persistedIterator(_ partition: Int, _ ctx: TaskContext) throws -> PartitionStream<T>? {
        guard let persisted = persistState.active else { return nil }
        return try getOrCompute(partition, ctx, level: persisted.level, serializer: persisted.serializer)
    }

    /// The values of `block` from another executor that holds it (a replica, or the executor that
    /// cached it), as Spark's getRemoteValues; nil when none can give it (then it is recomputed).
    func remoteValues(_ block: BlockId, _ ctx: TaskContext, serializer: BlockSerializer<T>?) -> [[T]]? {
        guard let serializer, let bytes = ctx.env.blockManager.getRemoteBytes(block) else { return nil }
        do {
            let chunks = try serializer.unframe(bytes)
            context.logger.info("Read \(block) from another executor instead of computing it")
            return chunks
        } catch {
            context.logger.warning("Could not read the values of \(block) fetched from another executor: \(error)")
            return nil
        }
    }

    /// Partition `partition`, from the BlockManager if cached, else computed and cached.
    func getOrCompute(_ partition: Int, _ ctx: TaskContext, level: StorageLevel,
                      serializer: BlockSerializer<T>?) throws -> PartitionStream<T> {
        let bm = ctx.env.blockManager
        let block = BlockId.rdd(rddId: id, partition: partition)
        let task = ctx.taskAttemptId
        if let chunks = try bm.getValues(block, serializer: serializer, task: task) {
            return PersistStreams.of(chunks)
        }
        if let chunks = remoteValues(block, ctx, serializer: serializer) { return PersistStreams.of(chunks) }
        let computed = try compute(partition, ctx)
        let result = try bm.putValues(block, level: level, task: task, chunks: { try computed.next() },
                                      estimate: { SizeEstimator.estimate($0) }, serializer: serializer)
        switch result {
        case .inMemory(let size):
            ctx.env.blockManagerMaster.updateBlockInfo(bm.blockManagerId, blockId: block, level: level,
                                                       memSize: size, diskSize: 0)
        case .onDisk(let size):
            ctx.env.blockManagerMaster.updateBlockInfo(bm.blockManagerId, blockId: block, level: level,
                                                       memSize: 0, diskSize: size)
        default:
            break
        }
        switch result {
        case .inMemory, .onDisk, .alreadyStored:
            guard let chunks = try bm.getValues(block, serializer: serializer, task: task) else {
                // Stored, then evicted and dropped before we read it: compute again, uncached.
                return try compute(partition, ctx)
            }
            return PersistStreams.of(chunks)
        case .notStored(let partial):
            let owned = Unchecked(partial)  // released once, when the task ends
            ctx.addTaskCompletionListener { _, _ in owned.value.release() }
            return PartitionStream { try partial.next() }
        }
    }
}
