import Runtime
import Scheduler
import Storage
import Synchronization
import Threads

/// An RDD's storage level, and how its records are serialized when the level needs it.
final class PersistState<T>: @unchecked Sendable {
    // Unchecked: `level` and `serializer` are only touched under `lock`.
    private let lock = Mutex(())
    private var level = StorageLevel.NONE
    private var serializer: BlockSerializer<T>?

    init() {}

    /// The level and serializer when persisted; nil when not.
    var active: (level: StorageLevel, serializer: BlockSerializer<T>?)? {
        lock.withLock { _ in level == .NONE ? nil : (level, serializer) }
    }

    var current: StorageLevel { lock.withLock { _ in level } }

    func set(_ newLevel: StorageLevel, serializer newSerializer: BlockSerializer<T>?, rdd: String) throws(EngineError) {
        let error: String? = lock.withLock { _ in
            if !(1...StorageLevel.maxReplication).contains(newLevel.replication) {
                return "cannot persist \(rdd) with replication \(newLevel.replication): a StorageLevel keeps from 1 "
                    + "to \(StorageLevel.maxReplication) copies of each block; use 1 (or a level such as MEMORY_AND_DISK_2 for 2)"
            }
            if level != .NONE && level != newLevel {
                return "cannot change the storage level of \(rdd) from \(level) to \(newLevel) after it was "
                    + "assigned one; unpersist() it first"
            }
            if (newLevel.useDisk || !newLevel.deserialized) && newSerializer == nil {
                return "\(rdd) cannot be persisted at \(newLevel): its records (\(T.self)) are not Codable; "
                    + "use MEMORY_ONLY, or records of a Codable type"
            }
            level = newLevel
            serializer = newSerializer
            return nil
        }
        if let error { throw .invalidArgument(error) }
    }

    func clear() { lock.withLock { _ in level = .NONE } }
}

/// Serializers of cached partitions: a chunk of records in the binary record format.
@usableFromInline
enum PersistSerializers {
    /// The serializer of `T` when it is Codable or a pair of Codable values (found at run time), else nil.
    @usableFromInline
    static func dynamic<T>(_: T.Type) -> BlockSerializer<T>? {
        if let c = T.self as? any (Codable & SendableMetatype).Type { return opened(c, as: T.self) }
        if _typeName(T.self).hasPrefix("(") {
            let pairs = PairOfCodables<T>()
            return BlockSerializer(encode: { try pairs.encode($0) }, decode: { try pairs.decode($0) })
        }
        return nil
    }

    private static func opened<C: Codable & SendableMetatype, T>(_: C.Type, as _: T.Type) -> BlockSerializer<T> {
        let codec = ElementCodec<C>.codable
        // C is T itself (`dynamic` opened T.self as C), so neither `as!` can fail.
        return BlockSerializer(ElementCodec<T>(write: { x, w in try codec.write(x as! C, &w) }, read: { r in try codec.read(&r) as! T }))
    }
}

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
    private func remoteValues(_ block: BlockId, _ ctx: TaskContext, serializer: BlockSerializer<T>?) -> [[T]]? {
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

enum PersistStreams {
    static func of<T>(_ chunks: [[T]]) -> PartitionStream<T> {
        var i = 0
        return PartitionStream {
            guard i < chunks.count else { return nil }
            defer { i += 1 }
            return chunks[i]
        }
    }
}

/// Serializes records that are pairs `(A, B)` of Codable values, whose types the engine cannot
/// name statically (a pair RDD made by `map`): the element types are learned from the first
/// record and every later record must have the same ones. A non-empty encoding starts with the
/// two types' mangled names, so that another process (the driver reading a task's result) can
/// decode it without having written one.
final class PairOfCodables<T>: @unchecked Sendable {
    // Unchecked: `types` is only touched under `lock`.
    private let lock = Mutex(())
    private var types: (any Codable.Type, any Codable.Type)?

    func encode(_ chunk: [T]) throws -> [UInt8] {
        var w = ByteWriter(capacity: chunk.count * 16 + 64)
        for (i, x) in chunk.enumerated() {
            guard let (a, b) = x as? (any Codable, any Codable) else {
                throw StorageError.notSerializable("records of type \(T.self) are not a pair of Codable values; "
                                                   + "persist them at MEMORY_ONLY or make them Codable")
            }
            let learned = lock.withLock { _ in
                if types == nil { types = (type(of: a), type(of: b)) }
                return types!
            }
            guard type(of: a) == learned.0, type(of: b) == learned.1 else {
                throw StorageError.notSerializable("a record of \(T.self) holds (\(type(of: a)), \(type(of: b))) "
                                                   + "where earlier ones held (\(learned.0), \(learned.1))")
            }
            if i == 0 {
                guard let na = _mangledTypeName(learned.0), let nb = _mangledTypeName(learned.1) else {
                    throw StorageError.notSerializable("the parts of \(T.self) have no stable type names")
                }
                Array(na.utf8).withUnsafeBytes { w.writeLengthPrefixed($0) }
                Array(nb.utf8).withUnsafeBytes { w.writeLengthPrefixed($0) }
            }
            try Self.write(a, &w)
            try Self.write(b, &w)
        }
        return w.bytes
    }

    func decode(_ bytes: [UInt8]) throws -> [T] {
        var r = ByteReader(bytes)
        guard !r.isAtEnd else { return [] }
        let na = String(decoding: try r.readLengthPrefixed(), as: UTF8.self)
        let nb = String(decoding: try r.readLengthPrefixed(), as: UTF8.self)
        guard let ta = _typeByName(na) as? any Codable.Type, let tb = _typeByName(nb) as? any Codable.Type else {
            throw StorageError.corrupt("pairs of \(T.self) name element types unknown in this build")
        }
        var out: [T] = []
        while !r.isAtEnd {
            let a = try Self.read(ta, &r), b = try Self.read(tb, &r)
            guard let pair = (a, b) as? T else { throw StorageError.corrupt("cannot rebuild a \(T.self) from its parts") }
            out.append(pair)
        }
        return out
    }

    private static func write<C: Codable>(_ value: C, _ w: inout ByteWriter) throws {
        try ElementCodec<C>.writeCodable(value, to: &w, binaryRecord: ElementCodec<C>.usesBinaryRecord)
    }

    private static func read<C: Codable>(_: C.Type, _ r: inout ByteReader) throws -> Any {
        try ElementCodec<C>.readCodable(from: &r, binaryRecord: ElementCodec<C>.usesBinaryRecord)
    }
}
