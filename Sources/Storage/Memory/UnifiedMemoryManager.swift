import Foundation
import Threads

/// The memory of one executor, as Spark's `UnifiedMemoryManager`: one region shared by
/// execution (aggregation maps, sort buffers) and storage (cached blocks, unroll
/// reservations), with a soft boundary — the storage region — between them.
///
/// - Execution borrows free storage memory, and reclaims memory that storage borrowed
///   beyond its region by evicting blocks (through the eviction handler), but never
///   evicts storage below its region.
/// - Storage borrows free execution memory but never evicts execution memory: it can
///   only evict other blocks.
/// - With N active tasks each may hold at most 1/N of the execution pool, and a task
///   that holds less than 1/2N waits (rather than spill) until memory is released or N
///   changes.
///
/// Invariant (checked at the top of each acquire): storage pool size + execution pool
/// size == ``maxMemory``, and in each pool used ≤ size.
///
/// Lock order: BlockInfo → MemoryManager, never the reverse. This manager's lock is
/// never held while calling the eviction handler, which takes block locks.
public final class UnifiedMemoryManager: ExecutionMemoryBudget, Sendable {
    /// Bytes shared by execution and storage.
    public let maxMemory: Int64
    /// Bytes of storage that execution cannot reclaim by eviction.
    public let storageRegionSize: Int64

    /// Frees storage memory by evicting blocks: given the block being stored (nil when
    /// execution asks) and the bytes needed, returns the bytes freed.
    public typealias EvictionHandler = @Sendable (_ forBlock: BlockId?, _ bytesNeeded: Int64) -> Int64

    private struct Pools {
        var execution: ExecutionMemoryPool
        var storage: StorageMemoryPool
        var evictionHandler: EvictionHandler?
        var waitingTasks = 0
    }

    /// Tasks waiting for execution memory wait on `pools` and are woken by any release
    /// and by any change of the number of active tasks.
    private let pools: ConditionLock<Pools>

    /// What one round of ``acquireExecutionMemory(_:taskAttemptId:)`` decided.
    private enum ExecutionStep {
        /// The task got this many bytes.
        case granted(Int64)
        /// Evict this many bytes of blocks through the handler (without the lock), then retry.
        case evict(EvictionHandler, Int64)
    }

    /// What one round of ``acquireStorage(blockId:bytes:unrollTask:)`` decided.
    private enum StorageStep {
        case done(Bool)
        /// Evict this many bytes of other blocks through the handler (without the lock), then retry.
        case evict(EvictionHandler?, Int64)
    }

    /// A manager of `maxMemory` bytes of which `storageRegionSize` are storage's region.
    public init(maxMemory: Int64, storageRegionSize: Int64) {
        precondition(maxMemory >= 0 && storageRegionSize >= 0 && storageRegionSize <= maxMemory,
                     "UnifiedMemoryManager needs 0 <= storageRegionSize (\(storageRegionSize)) <= maxMemory (\(maxMemory))")
        self.maxMemory = maxMemory
        self.storageRegionSize = storageRegionSize
        pools = ConditionLock(Pools(execution: ExecutionMemoryPool(poolSize: maxMemory - storageRegionSize),
                                    storage: StorageMemoryPool(poolSize: storageRegionSize)))
    }

    /// The smallest executor memory that can run a task.
    public static let minimumExecutorMemory: Int64 = 32 << 20
    /// Memory set aside for the engine itself: Spark's 300 MiB, or a quarter of smaller budgets.
    public static func reservedMemory(for memory: Int64) -> Int64 { min(300 << 20, memory / 4) }

    /// The manager of an executor given `memory` bytes: reserved memory off the top
    /// (``reservedMemory(for:)``), then `memoryFraction` of the rest is shared, of which
    /// `storageFraction` is storage's region.
    ///
    /// Throws ``StorageError/memoryTooSmall(given:minimum:)`` below
    /// ``minimumExecutorMemory``, and ``StorageError/invalidConfiguration(_:)`` for a
    /// fraction outside its range.
    public static func forExecutor(memory: Int64, memoryFraction: Double = 0.6,
                                   storageFraction: Double = 0.5) throws(StorageError) -> UnifiedMemoryManager {
        guard memory >= minimumExecutorMemory else {
            throw .memoryTooSmall(given: memory, minimum: minimumExecutorMemory)
        }
        guard memoryFraction > 0 && memoryFraction <= 1 else {
            throw .invalidConfiguration("engine.memory.fraction is \(memoryFraction); it must be in (0, 1]")
        }
        guard storageFraction >= 0 && storageFraction < 1 else {
            throw .invalidConfiguration("engine.memory.storageFraction is \(storageFraction); it must be in [0, 1)")
        }
        let usable = Int64(Double(memory - reservedMemory(for: memory)) * memoryFraction)
        return UnifiedMemoryManager(maxMemory: usable, storageRegionSize: Int64(Double(usable) * storageFraction))
    }

    /// Sets the function that evicts blocks (the MemoryStore's `evictBlocksToFreeSpace`).
    /// It is called without this manager's lock held and must release the memory of the
    /// blocks it drops through ``releaseStorageMemory(_:)``.
    public func setEvictionHandler(_ handler: @escaping @Sendable (_ forBlock: BlockId?, _ bytesNeeded: Int64) -> Int64) {
        pools.withLock { $0.evictionHandler = handler }
    }

    // MARK: Execution

    /// Grants up to `bytes` of execution memory to task `taskAttemptId`, as Spark's
    /// `ExecutionMemoryPool.acquireMemory`: grows the pool from storage if needed, caps
    /// the task at 1/N, and waits while the task would hold less than 1/2N.
    public func acquireExecutionMemory(_ bytes: Int64, taskAttemptId task: Int64) -> Int64 {
        precondition(bytes >= 0, "cannot acquire a negative amount (\(bytes)) of execution memory")
        let isNew = pools.withLock { p -> Bool in
            guard p.execution.memoryForTask[task] == nil else { return false }
            p.execution.memoryForTask[task] = 0
            return true
        }
        if isNew { pools.notifyAll() }  // N changed: waiting tasks recompute their share
        var evictionRounds = 0
        var waiting = false
        while true {
            // Runs with the lock held: now, and again each time the task is woken while it waits.
            let step = pools.wait { p -> ExecutionStep? in
                if waiting {
                    p.waitingTasks -= 1
                    waiting = false
                    evictionRounds = 0
                }
                assertInvariants(p)
                let extraNeeded = bytes - p.execution.memoryFree
                if extraNeeded > 0 {
                    // Free storage memory may always be taken.
                    let fromFree = min(extraNeeded, max(0, p.storage.memoryFree))
                    p.storage.poolSize -= fromFree
                    p.execution.poolSize += fromFree
                    // Memory storage borrowed beyond its region is reclaimed by evicting.
                    let stillNeeded = extraNeeded - fromFree
                    let beyondRegion = p.storage.poolSize - storageRegionSize
                    if stillNeeded > 0, beyondRegion > 0, evictionRounds < 4, let handler = p.evictionHandler {
                        evictionRounds += 1
                        return .evict(handler, min(stillNeeded, beyondRegion))
                    }
                }
                let maxPoolSize = maxMemory - min(p.storage.memoryUsed, storageRegionSize)
                let step = p.execution.grant(bytes, task: task, maxPoolSize: maxPoolSize)
                if step.wait {
                    p.waitingTasks += 1
                    waiting = true
                    return nil
                }
                p.execution.memoryForTask[task, default: 0] += step.granted
                return .granted(step.granted)
            }
            switch step {
            case .granted(let granted):
                return granted
            case .evict(let handler, let amount):
                if handler(nil, amount) <= 0 { evictionRounds = 4 }
            }
        }
    }

    /// Returns `bytes` of task `taskAttemptId`'s execution memory and wakes waiting tasks.
    public func releaseExecutionMemory(_ bytes: Int64, taskAttemptId task: Int64) {
        pools.withLockNotifyingAll { p in
            let held = p.execution.memoryUsed(by: task)
            precondition(bytes <= held, "task \(task) releases \(bytes) bytes of execution memory but holds \(held)")
            _ = p.execution.release(bytes, task: task)
        }
    }

    /// Returns all execution memory of a task and makes it inactive (N drops).
    @discardableResult
    public func releaseAllExecutionMemory(taskAttemptId task: Int64) -> Int64 {
        pools.withLockNotifyingAll { $0.execution.releaseAll(task: task) }
    }

    /// Returns all memory of a task, execution and unroll (when it ends, even if it failed).
    @discardableResult
    public func releaseAllMemory(forTask task: Int64) -> Int64 {
        releaseAllExecutionMemory(taskAttemptId: task) + releaseAllUnrollMemory(task: task)
    }

    // MARK: Storage

    /// Reserves `bytes` of storage memory for `blockId`, as Spark's `acquireStorageMemory`:
    /// borrows free execution memory, then evicts other blocks through the eviction
    /// handler; false when even that is not enough (nothing is then held).
    public func acquireStorageMemory(blockId: BlockId, bytes: Int64) -> Bool {
        acquireStorage(blockId: blockId, bytes: bytes, unrollTask: nil)
    }

    /// Reserves `bytes` to unroll `blockId` for task `task` (counted as storage memory,
    /// and in the task's unroll reservation until released or transferred).
    public func acquireUnrollMemory(blockId: BlockId, bytes: Int64, task: Int64) -> Bool {
        acquireStorage(blockId: blockId, bytes: bytes, unrollTask: task)
    }

    private func acquireStorage(blockId: BlockId, bytes: Int64, unrollTask: Int64?) -> Bool {
        precondition(bytes >= 0, "cannot acquire a negative amount (\(bytes)) of storage memory for \(blockId)")
        for _ in 0..<8 {
            let step = pools.withLock { p -> StorageStep in
                assertInvariants(p)
                if bytes > maxMemory - p.execution.memoryUsed {
                    return .done(false)  // even evicting every block would not make room
                }
                if bytes > p.storage.memoryFree {
                    let borrow = min(max(0, p.execution.memoryFree), bytes - p.storage.memoryFree)
                    p.execution.poolSize -= borrow
                    p.storage.poolSize += borrow
                }
                if bytes <= p.storage.memoryFree {
                    p.storage.memoryUsed += bytes
                    if let t = unrollTask { p.storage.unrollMemoryForTask[t, default: 0] += bytes }
                    return .done(true)
                }
                return .evict(p.evictionHandler, bytes - p.storage.memoryFree)
            }
            switch step {
            case .done(let granted):
                return granted
            case .evict(let handler, let needed):
                guard let handler, handler(blockId, needed) > 0 else { return false }
            }
        }
        return false
    }

    /// Returns `bytes` of block storage memory (a block left memory) and wakes waiting tasks.
    public func releaseStorageMemory(_ bytes: Int64) {
        pools.withLockNotifyingAll { p in
            let blocks = p.storage.memoryUsed - p.storage.unrollMemoryUsed
            precondition(bytes >= 0 && bytes <= blocks, "releasing \(bytes) bytes of storage memory but blocks hold \(blocks)")
            p.storage.memoryUsed -= bytes
        }
    }

    /// Returns up to `bytes` of task `task`'s unroll reservation; the amount returned.
    @discardableResult
    public func releaseUnrollMemory(_ bytes: Int64, task: Int64) -> Int64 {
        pools.withLockNotifyingAll { p in
            let held = p.storage.unrollMemoryForTask[task] ?? 0
            let amount = min(max(0, bytes), held)
            p.storage.unrollMemoryForTask[task] = held - amount
            if held - amount == 0 { p.storage.unrollMemoryForTask[task] = nil }
            p.storage.memoryUsed -= amount
            return amount
        }
    }

    /// Returns all of task `task`'s unroll reservation; the amount returned.
    @discardableResult
    public func releaseAllUnrollMemory(task: Int64) -> Int64 {
        releaseUnrollMemory(.max, task: task)
    }

    /// Turns `bytes` of task `task`'s unroll reservation into memory held by a stored
    /// block (no memory moves; it stops counting as the task's). Fails, changing nothing,
    /// if the task reserved less.
    public func transferUnrollToStorage(_ bytes: Int64, task: Int64) -> Bool {
        pools.withLock { p in
            let held = p.storage.unrollMemoryForTask[task] ?? 0
            guard bytes >= 0 && bytes <= held else { return false }
            p.storage.unrollMemoryForTask[task] = held - bytes == 0 ? nil : held - bytes
            return true
        }
    }

    // MARK: Observation

    private func read<R: Sendable>(_ body: (Pools) -> R) -> R {
        pools.withLock { body($0) }
    }

    /// Bytes held by all tasks' execution memory.
    public var executionMemoryUsed: Int64 { read { p in p.execution.memoryUsed } }
    /// Current size of the execution pool.
    public var executionPoolSize: Int64 { read { p in p.execution.poolSize } }
    /// Execution memory no task holds.
    public var executionMemoryFree: Int64 { read { p in p.execution.memoryFree } }
    /// Execution memory held by task `task`.
    public func executionMemoryUsed(byTask task: Int64) -> Int64 { read { p in p.execution.memoryUsed(by: task) } }
    /// Bytes held by blocks and unroll reservations.
    public var storageMemoryUsed: Int64 { read { p in p.storage.memoryUsed } }
    /// Current size of the storage pool.
    public var storagePoolSize: Int64 { read { p in p.storage.poolSize } }
    /// Storage memory nothing holds.
    public var storageMemoryFree: Int64 { read { p in p.storage.memoryFree } }
    /// The most storage memory a block could get now (everything execution does not use).
    public var maxStorageMemory: Int64 { read { p in maxMemory - p.execution.memoryUsed } }
    /// Unroll memory reserved by task `task`.
    public func unrollMemoryUsed(byTask task: Int64) -> Int64 { read { p in p.storage.unrollMemoryForTask[task] ?? 0 } }
    /// Unroll memory reserved by all tasks.
    public var unrollMemoryUsed: Int64 { read { p in p.storage.unrollMemoryUsed } }
    /// Tasks holding (or having asked for) execution memory: N in the fairness rule.
    public var activeTaskCount: Int { read { p in p.execution.activeTasks } }
    /// Tasks blocked in ``acquireExecutionMemory(_:taskAttemptId:)`` right now.
    public var waitingTaskCount: Int { read { p in p.waitingTasks } }

    /// Broken invariants, as sentences; empty when all hold.
    public func checkInvariants() -> [String] { read { invariantViolations($0) } }

    private func invariantViolations(_ p: Pools) -> [String] {
        var out = p.execution.checkInvariants() + p.storage.checkInvariants()
        if p.execution.poolSize + p.storage.poolSize != maxMemory {
            out.append("execution pool \(p.execution.poolSize) + storage pool \(p.storage.poolSize) != max memory \(maxMemory)")
        }
        return out
    }

    /// Stops the process if an invariant of `p` (read under the lock) is broken.
    private func assertInvariants(_ p: Pools) {
        let broken = invariantViolations(p)
        precondition(broken.isEmpty, "UnifiedMemoryManager invariants broken: \(broken.joined(separator: "; "))")
    }
}
