import Foundation

/// Blocks held in memory, as Spark's `MemoryStore`: serialized entries (bytes, counted
/// exactly) and deserialized entries (live values, counted by estimate), in LRU order.
///
/// Partitions are unrolled incrementally with unroll memory reserved as they grow (the
/// reservation is checked after every chunk and grown by 1.5×), so a partition is never
/// materialized beyond what was granted, give or take one chunk; one that does not fit
/// is handed back as ``PartiallyUnrolled``.
///
/// Eviction (``evictBlocksToFreeSpace(forBlock:bytes:)``, installed as the memory
/// manager's eviction handler) takes least recently used blocks first, never a block of
/// the RDD being stored and never a block under any lock (it asks the BlockInfoManager
/// for a non-blocking write lock); evicted blocks whose level uses disk are handed to the
/// drop handler (the BlockManager writes them to disk), others are dropped.
///
/// Invariant: the memory manager's block storage memory includes the sum of the entry
/// sizes; every entry's size is what was acquired for it.
///
/// Locking: `lock` guards `entries`, `clock` and `dropHandler`; it is never held while
/// calling the memory manager (whose eviction calls back here). Under it the
/// BlockInfoManager is only asked for non-blocking locks.
public final class MemoryStore: @unchecked Sendable {
    /// Writes an evicted block to disk if its level allows: given the block, its level
    /// and a function producing its bytes (nil if it cannot be serialized), returns
    /// whether the block is now on disk.
    public typealias DropHandler = @Sendable (_ blockId: BlockId, _ level: StorageLevel, _ bytes: () throws -> [UInt8]?) -> Bool

    /// The first unroll reservation of a partition (Spark's `spark.storage.unrollMemoryThreshold`).
    public let initialUnrollReservation: Int64
    /// The memory manager this store takes storage and unroll memory from.
    public let memoryManager: UnifiedMemoryManager
    /// The locks that keep locked blocks from being evicted.
    public let blockInfoManager: BlockInfoManager

    private struct Entry {
        enum Data {
            case bytes([UInt8])
            case values(ValuesBox)
        }
        var data: Data
        var size: Int64
        var level: StorageLevel
        var lastUse: UInt64
    }

    /// Immutable once stored: a `[[T]]` of cached values (the engine never mutates a
    /// cached partition) and the function that serializes it for disk.
    private final class ValuesBox: @unchecked Sendable {
        let chunks: Any
        let serialize: (() throws -> [UInt8])?
        init(chunks: Any, serialize: (() throws -> [UInt8])?) {
            self.chunks = chunks
            self.serialize = serialize
        }
    }

    private let lock = NSLock()
    private var entries: [BlockId: Entry] = [:]
    private var clock: UInt64 = 0
    private var dropHandler: DropHandler?
    private var droppedListener: (@Sendable (BlockId) -> Void)?
    private var evictedToDiskCount = 0
    private var droppedCount = 0

    /// A store drawing on `memoryManager`, installed as its eviction handler.
    public init(memoryManager: UnifiedMemoryManager, blockInfoManager: BlockInfoManager,
                initialUnrollReservation: Int64 = 1 << 20) {
        self.memoryManager = memoryManager
        self.blockInfoManager = blockInfoManager
        self.initialUnrollReservation = initialUnrollReservation
        memoryManager.setEvictionHandler { [weak self] forBlock, bytes in
            self?.evictBlocksToFreeSpace(forBlock: forBlock, bytes: bytes) ?? 0
        }
    }

    /// Sets what happens to evicted blocks whose level uses disk.
    public func setDropHandler(_ handler: @escaping DropHandler) {
        lock.withLock { dropHandler = handler }
    }

    /// Sets the function told of each block evicted without going to disk (gone from this executor).
    public func setDroppedListener(_ listener: @escaping @Sendable (BlockId) -> Void) {
        lock.withLock { droppedListener = listener }
    }

    private func insert(_ id: BlockId, _ data: Entry.Data, size: Int64, level: StorageLevel) {
        lock.withLock {
            clock += 1
            // Internal: BlockManager holds the block's write lock and checked it was absent; no job input decides it.
            precondition(entries[id] == nil, "block \(id) is already in memory; remove it before putting it again")
            entries[id] = Entry(data: data, size: size, level: level, lastUse: clock)
        }
    }

    /// Stores `bytes` as `id` if storage memory can be had (evicting other blocks);
    /// false, storing nothing, if not.
    public func putBytes(_ id: BlockId, _ bytes: [UInt8], level: StorageLevel = .MEMORY_ONLY_SER) -> Bool {
        let size = Int64(bytes.count)
        guard memoryManager.acquireStorageMemory(blockId: id, bytes: size) else { return false }
        insert(id, .bytes(bytes), size: size, level: level)
        return true
    }

    /// Unrolls the chunks of `id` for task `task`, reserving unroll memory as the estimate
    /// (`estimate`, summed over chunks) grows, and stores them as live values; or, if
    /// memory is refused, returns what was unrolled plus the rest of `chunks`.
    /// `serialize`, if given, turns the stored chunks into bytes when evicted to disk.
    public func putValues<T>(_ id: BlockId, level: StorageLevel = .MEMORY_ONLY, task: Int64,
                             chunks: @escaping () throws -> [T]?, estimate: ([T]) -> Int64,
                             serialize: (([[T]]) throws -> [UInt8])? = nil) throws -> MemoryPutResult<T> {
        switch try unroll(id, task: task, chunks: chunks, estimate: estimate) {
        case .partial(let p): return .partial(p)
        case .complete(let unrolled, let size):
            let box = ValuesBox(chunks: unrolled, serialize: serialize.map { s in { try s(unrolled) } })
            insert(id, .values(box), size: size, level: level)
            return .stored(size: size)
        }
    }

    /// Unrolls byte chunks of `id` (counted exactly) and stores them concatenated; or,
    /// if memory is refused, returns the unrolled chunks plus the rest.
    public func putByteChunks(_ id: BlockId, level: StorageLevel = .MEMORY_ONLY_SER, task: Int64,
                              chunks: @escaping () throws -> [UInt8]?) throws -> MemoryPutResult<UInt8> {
        switch try unroll(id, task: task, chunks: chunks, estimate: { Int64($0.count) }) {
        case .partial(let p): return .partial(p)
        case .complete(let unrolled, let size):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(size))
            for c in unrolled { bytes.append(contentsOf: c) }
            insert(id, .bytes(bytes), size: size, level: level)
            return .stored(size: size)
        }
    }

    private enum Unrolled<T> {
        case complete([[T]], size: Int64)
        case partial(PartiallyUnrolled<T>)
    }

    /// Spark's `putIterator`: reserve, unroll a chunk, re-check, grow the reservation by
    /// 1.5× of what is unrolled when it is exceeded.
    private func unroll<T>(_ id: BlockId, task: Int64, chunks: @escaping () throws -> [T]?,
                           estimate: ([T]) -> Int64) throws -> Unrolled<T> {
        let mm = memoryManager
        var reserved: Int64 = 0
        // Capped at 1/8 of the memory so that small budgets can still cache.
        let initial = min(initialUnrollReservation, mm.maxMemory / 8)
        var keepUnrolling = mm.acquireUnrollMemory(blockId: id, bytes: initial, task: task)
        if keepUnrolling { reserved = initial }
        var unrolled: [[T]] = []
        var size: Int64 = 0
        var finished = false
        do {
            while keepUnrolling {
                guard let chunk = try chunks() else { finished = true; break }
                size += estimate(chunk)
                unrolled.append(chunk)
                if size >= reserved {
                    let request = Int64(Double(size) * 1.5) - reserved
                    if mm.acquireUnrollMemory(blockId: id, bytes: request, task: task) {
                        reserved += request
                    } else {
                        keepUnrolling = false
                    }
                }
            }
        } catch {
            mm.releaseUnrollMemory(reserved, task: task)
            throw error
        }
        if finished && size > reserved {
            // Only possible with an initial reservation refused on an empty-ish partition.
            if mm.acquireUnrollMemory(blockId: id, bytes: size - reserved, task: task) {
                reserved = size
            } else {
                finished = false
            }
        }
        if finished {
            let ok = mm.transferUnrollToStorage(size, task: task)
            // Internal accounting: `size` never exceeds what this loop reserved, whatever the records.
            precondition(ok, "unroll reservation \(reserved) of task \(task) does not cover \(id)'s \(size) bytes")
            mm.releaseUnrollMemory(reserved - size, task: task)
            return .complete(unrolled, size: size)
        }
        let held = reserved
        return .partial(PartiallyUnrolled(unrolled: unrolled, rest: chunks) { mm.releaseUnrollMemory(held, task: task) })
    }

    /// The live values of `id` if it is held here deserialized as `[[T]]` (marks it used).
    public func getValues<T>(_ id: BlockId, as: T.Type = T.self) -> [[T]]? {
        lock.withLock {
            guard var e = entries[id], case .values(let box) = e.data else { return nil }
            clock += 1
            e.lastUse = clock
            entries[id] = e
            return box.chunks as? [[T]]
        }
    }

    /// The bytes of `id` if it is held here serialized (marks it used).
    public func getBytes(_ id: BlockId) -> [UInt8]? {
        lock.withLock {
            guard var e = entries[id], case .bytes(let b) = e.data else { return nil }
            clock += 1
            e.lastUse = clock
            entries[id] = e
            return b
        }
    }

    /// The bytes of `id` if it is held here: as stored when serialized, or its live values
    /// serialized as they would be for disk (nil when they cannot be). Marks it used.
    public func getSerializedBytes(_ id: BlockId) -> [UInt8]? {
        let found: Entry.Data? = lock.withLock {
            guard var e = entries[id] else { return nil }
            clock += 1
            e.lastUse = clock
            entries[id] = e
            return e.data
        }
        switch found {
        case .bytes(let b)?: return b
        case .values(let box)?: return try? box.serialize?()
        case nil: return nil
        }
    }

    /// The size counted for `id`, if held here.
    public func getSize(_ id: BlockId) -> Int64? { lock.withLock { entries[id]?.size } }

    /// Whether `id` is held here.
    public func contains(_ id: BlockId) -> Bool { lock.withLock { entries[id] != nil } }

    /// Whether `id` is held here as live values.
    public func isDeserialized(_ id: BlockId) -> Bool {
        lock.withLock {
            if case .values = entries[id]?.data { return true }
            return false
        }
    }

    /// Drops `id` and returns its memory; whether it was held.
    @discardableResult
    public func remove(_ id: BlockId) -> Bool {
        guard let e = lock.withLock({ entries.removeValue(forKey: id) }) else { return false }
        memoryManager.releaseStorageMemory(e.size)
        return true
    }

    /// Drops every block (their memory returned).
    public func clear() {
        let all = lock.withLock { () -> [Entry] in
            defer { entries = [:] }
            return Array(entries.values)
        }
        for e in all { memoryManager.releaseStorageMemory(e.size) }
    }

    /// Blocks held here, least recently used first.
    public var blockIdsInLRUOrder: [BlockId] {
        lock.withLock { entries.sorted { $0.value.lastUse < $1.value.lastUse }.map(\.key) }
    }

    /// Bytes counted for the blocks held here.
    public var memoryUsed: Int64 { lock.withLock { entries.values.reduce(0) { $0 + $1.size } } }
    /// Blocks evicted to disk, and blocks evicted and dropped, since the start.
    public var evictionCounts: (toDisk: Int, dropped: Int) { lock.withLock { (evictedToDiskCount, droppedCount) } }

    /// Frees at least `bytes` of storage memory by evicting blocks, least recently used
    /// first, for storing `forBlock` (nil: for execution). Never evicts a block of the
    /// same RDD as `forBlock`, nor a locked block. Evicts nothing and returns 0 if not
    /// enough could be freed; else returns the bytes freed.
    public func evictBlocksToFreeSpace(forBlock: BlockId?, bytes: Int64) -> Int64 {
        let evictor = BlockInfoManager.nonTaskId
        let (selected, handler) = lock.withLock { () -> ([(BlockId, Entry)], DropHandler?) in
            var chosen: [(BlockId, Entry)] = []
            var freed: Int64 = 0
            for (id, e) in entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                if freed >= bytes { break }
                guard Self.mayEvict(id, forBlock: forBlock) else { continue }
                guard blockInfoManager.lockForWriting(id, task: evictor, blocking: false) != nil else { continue }
                chosen.append((id, e))
                freed += e.size
            }
            if freed < bytes {
                for (id, _) in chosen { blockInfoManager.unlock(id, task: evictor) }
                return ([], nil)
            }
            return (chosen, dropHandler)
        }
        var freed: Int64 = 0
        for (id, e) in selected {
            var onDisk = false
            if e.level.useDisk, let handler {
                onDisk = handler(id, e.level) {
                    switch e.data {
                    case .bytes(let b): return b
                    case .values(let box): return try box.serialize?()
                    }
                }
            }
            if !onDisk { lock.withLock { droppedListener }?(id) }
            if remove(id) { freed += e.size }
            lock.withLock { if onDisk { evictedToDiskCount += 1 } else { droppedCount += 1 } }
            if onDisk {
                blockInfoManager.unlock(id, task: evictor)
            } else {
                blockInfoManager.removeBlock(id, task: evictor)
            }
        }
        return freed
    }

    /// Whether `id` may be evicted to make room for `forBlock`: not itself, and not a
    /// partition of the same RDD (that would cycle, caching one partition by dropping another).
    static func mayEvict(_ id: BlockId, forBlock: BlockId?) -> Bool {
        guard let forBlock else { return true }
        if id == forBlock { return false }
        if case .rdd(let r1, _) = id, case .rdd(let r2, _) = forBlock, r1 == r2 { return false }
        return true
    }
}
