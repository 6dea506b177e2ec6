import Foundation

/// Per-block reader/writer locks owned by tasks, as Spark's `BlockInfoManager`: a block
/// is read by many tasks at once or written by one, and a task's locks are all released
/// when it ends (``releaseAllLocks(forTask:)``), even when it failed.
///
/// A block under any lock is never evicted: eviction takes the write lock without
/// blocking and skips blocks it cannot get.
///
/// Invariants (``checkInvariants()``): a block has a writer or readers, never both; a
/// block's reader count is the number of read locks the tasks hold on it; each writer
/// is recorded as holding that write lock.
///
/// Lock order: BlockInfo → MemoryManager, never the reverse: this manager's condition is
/// taken only inside its own methods, which call nothing else.
public final class BlockInfoManager: @unchecked Sendable {
    /// The task id used for locks taken outside any task (the driver, tests, eviction on
    /// behalf of execution), as Spark's `NON_TASK_WRITER`.
    public static let nonTaskId: Int64 = -1024

    // `condition` guards `infos`, `readLocks` and `writeLocks`; waiters for a lock wait on
    // it and are woken whenever a lock is released or a block removed.
    private let condition = NSCondition()
    private var infos: [BlockId: BlockInfo] = [:]
    /// Read locks per task: block → how many times this task read-locked it.
    private var readLocks: [Int64: [BlockId: Int]] = [:]
    private var writeLocks: [Int64: Set<BlockId>] = [:]

    /// An empty manager.
    public init() {}

    /// Registers `id` and write-locks it for `task` if it is new (true). If it already
    /// exists, waits for and takes a read lock instead (false): someone else wrote it.
    public func lockNewBlockForWriting(_ id: BlockId, info: BlockInfo, task: Int64) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while true {
            guard var existing = infos[id] else {
                var fresh = info
                fresh.readerCount = 0
                fresh.writerTask = task
                infos[id] = fresh
                writeLocks[task, default: []].insert(id)
                return true
            }
            if existing.writerTask == nil {
                existing.readerCount += 1
                infos[id] = existing
                readLocks[task, default: [:]][id, default: 0] += 1
                return false
            }
            condition.wait()
        }
    }

    /// Read-locks `id` for `task`, waiting while another task writes it (if `blocking`,
    /// at most `timeout` seconds when given). Nil if the block does not exist (or was
    /// removed while waiting), or the lock was not granted in time.
    public func lockForReading(_ id: BlockId, task: Int64, blocking: Bool = true, timeout: Double? = nil) -> BlockInfo? {
        lock(id, task: task, blocking: blocking, timeout: timeout, write: false)
    }

    /// Write-locks `id` for `task`, waiting while any task reads or writes it (if
    /// `blocking`, at most `timeout` seconds when given). Nil if the block does not exist
    /// (or was removed while waiting), or the lock was not granted in time.
    public func lockForWriting(_ id: BlockId, task: Int64, blocking: Bool = true, timeout: Double? = nil) -> BlockInfo? {
        lock(id, task: task, blocking: blocking, timeout: timeout, write: true)
    }

    private func lock(_ id: BlockId, task: Int64, blocking: Bool, timeout: Double?, write: Bool) -> BlockInfo? {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        condition.lock()
        defer { condition.unlock() }
        while true {
            guard var info = infos[id] else { return nil }
            let free = write ? (info.writerTask == nil && info.readerCount == 0) : info.writerTask == nil
            if free {
                if write {
                    info.writerTask = task
                    writeLocks[task, default: []].insert(id)
                } else {
                    info.readerCount += 1
                    readLocks[task, default: [:]][id, default: 0] += 1
                }
                infos[id] = info
                return info
            }
            guard blocking else { return nil }
            if let deadline {
                if !condition.wait(until: deadline) && Date() >= deadline { return nil }
            } else {
                condition.wait()
            }
        }
    }

    /// Releases one lock `task` holds on `id`: its write lock if it writes it, else one
    /// read lock. A lock the task does not hold is a programming error.
    public func unlock(_ id: BlockId, task: Int64) {
        condition.lock()
        defer { condition.unlock() }
        guard var info = infos[id] else {
            preconditionFailure("task \(task) unlocks block \(id), which does not exist")
        }
        if info.writerTask == task {
            info.writerTask = nil
            writeLocks[task]?.remove(id)
            if writeLocks[task]?.isEmpty == true { writeLocks[task] = nil }
        } else {
            let held = readLocks[task]?[id] ?? 0
            precondition(held > 0, "task \(task) unlocks block \(id) but holds no lock on it")
            readLocks[task]![id] = held == 1 ? nil : held - 1
            if readLocks[task]!.isEmpty { readLocks[task] = nil }
            info.readerCount -= 1
        }
        infos[id] = info
        condition.broadcast()
    }

    /// Turns `task`'s write lock on `id` into a read lock, letting other readers in.
    public func downgradeLock(_ id: BlockId, task: Int64) {
        condition.lock()
        defer { condition.unlock() }
        guard var info = infos[id], info.writerTask == task else {
            preconditionFailure("task \(task) downgrades its lock on \(id) but does not hold its write lock")
        }
        info.writerTask = nil
        info.readerCount += 1
        infos[id] = info
        writeLocks[task]?.remove(id)
        if writeLocks[task]?.isEmpty == true { writeLocks[task] = nil }
        readLocks[task, default: [:]][id, default: 0] += 1
        condition.broadcast()
    }

    /// Releases every lock `task` holds (when it ends, successfully or not); the blocks
    /// it held locks on.
    @discardableResult
    public func releaseAllLocks(forTask task: Int64) -> [BlockId] {
        condition.lock()
        defer { condition.unlock() }
        var released: [BlockId] = []
        for id in writeLocks.removeValue(forKey: task) ?? [] {
            if infos[id]?.writerTask == task { infos[id]!.writerTask = nil }
            released.append(id)
        }
        for (id, count) in readLocks.removeValue(forKey: task) ?? [:] {
            infos[id]?.readerCount -= count
            released.append(id)
        }
        condition.broadcast()
        return released
    }

    /// Forgets `id`, whose write lock `task` holds; waiters for it get nil.
    public func removeBlock(_ id: BlockId, task: Int64) {
        condition.lock()
        defer { condition.unlock() }
        guard let info = infos[id] else { return }
        precondition(info.writerTask == task, "task \(task) removes block \(id) without holding its write lock")
        infos[id] = nil
        writeLocks[task]?.remove(id)
        if writeLocks[task]?.isEmpty == true { writeLocks[task] = nil }
        condition.broadcast()
    }

    /// Records the stored size (and level) of `id`, whose write lock `task` holds.
    public func update(_ id: BlockId, task: Int64, size: Int64, level: StorageLevel? = nil) {
        condition.lock()
        defer { condition.unlock() }
        precondition(infos[id]?.writerTask == task, "task \(task) updates block \(id) without holding its write lock")
        infos[id]!.size = size
        if let level { infos[id]!.level = level }
    }

    /// The record of `id`, without locking it.
    public func info(_ id: BlockId) -> BlockInfo? {
        condition.lock()
        defer { condition.unlock() }
        return infos[id]
    }

    /// Every registered block.
    public var blockIds: [BlockId] {
        condition.lock()
        defer { condition.unlock() }
        return Array(infos.keys)
    }

    /// The blocks `task` holds locks on: read-locked (with multiplicity) and write-locked.
    public func locks(heldBy task: Int64) -> (read: [BlockId: Int], write: Set<BlockId>) {
        condition.lock()
        defer { condition.unlock() }
        return (readLocks[task] ?? [:], writeLocks[task] ?? [])
    }

    /// Broken invariants, as sentences; empty when all hold.
    public func checkInvariants() -> [String] {
        condition.lock()
        defer { condition.unlock() }
        var out: [String] = []
        var readers: [BlockId: Int] = [:]
        for (_, held) in readLocks { for (id, n) in held { readers[id, default: 0] += n } }
        for (id, info) in infos {
            if info.writerTask != nil && info.readerCount > 0 {
                out.append("block \(id) has writer \(info.writerTask!) and \(info.readerCount) readers")
            }
            if info.readerCount != (readers[id] ?? 0) {
                out.append("block \(id) counts \(info.readerCount) readers but tasks hold \(readers[id] ?? 0) read locks")
            }
            if let w = info.writerTask, writeLocks[w]?.contains(id) != true {
                out.append("block \(id)'s writer \(w) does not record its write lock")
            }
        }
        for (task, ids) in writeLocks {
            for id in ids where infos[id]?.writerTask != task {
                out.append("task \(task) records a write lock on \(id) it does not hold")
            }
        }
        return out
    }
}
