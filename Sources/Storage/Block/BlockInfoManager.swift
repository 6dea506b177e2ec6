import Foundation
import Threads

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
/// Lock order: BlockInfo → MemoryManager, never the reverse: this manager's lock is
/// taken only inside its own methods, which call nothing else.
public final class BlockInfoManager: Sendable {
    /// The task id used for locks taken outside any task (the driver, tests, eviction on
    /// behalf of execution), as Spark's `NON_TASK_WRITER`.
    public static let nonTaskId: Int64 = -1024

    private struct Locks {
        var infos: [BlockId: BlockInfo] = [:]
        /// Read locks per task: block → how many times this task read-locked it.
        var readLocks: [Int64: [BlockId: Int]] = [:]
        var writeLocks: [Int64: Set<BlockId>] = [:]

        /// Takes the lock on `id` for `task` if it is free; nil if it is not.
        mutating func tryLock(_ id: BlockId, task: Int64, write: Bool) -> BlockInfo? {
            guard var info = infos[id] else { return nil }
            let free = write ? (info.writerTask == nil && info.readerCount == 0) : info.writerTask == nil
            guard free else { return nil }
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

        /// What a waiter for a lock on `id` waits for: the lock, taken (`.some(info)`), or the
        /// block gone (`.some(nil)`); nil while another task holds the block.
        mutating func lockOrGone(_ id: BlockId, task: Int64, write: Bool) -> BlockInfo?? {
            guard infos[id] != nil else { return .some(nil) }
            return tryLock(id, task: task, write: write).map { .some($0) }
        }

        /// Broken invariants, as sentences; empty when all hold.
        func invariantViolations() -> [String] {
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

    /// Waiters for a lock wait on `table` and are woken whenever a lock is released or
    /// a block removed.
    private let table = ConditionLock(Locks())

    /// An empty manager.
    public init() {}

    /// Registers `id` and write-locks it for `task` if it is new (true). If it already
    /// exists, waits for and takes a read lock instead (false): someone else wrote it.
    public func lockNewBlockForWriting(_ id: BlockId, info: BlockInfo, task: Int64) -> Bool {
        table.wait { s -> Bool? in
            guard var existing = s.infos[id] else {
                var fresh = info
                fresh.readerCount = 0
                fresh.writerTask = task
                s.infos[id] = fresh
                s.writeLocks[task, default: []].insert(id)
                return true
            }
            guard existing.writerTask == nil else { return nil }
            existing.readerCount += 1
            s.infos[id] = existing
            s.readLocks[task, default: [:]][id, default: 0] += 1
            return false
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
        guard blocking else { return table.withLock { $0.tryLock(id, task: task, write: write) } }
        if let timeout {
            return table.wait(timeout: timeout) { $0.lockOrGone(id, task: task, write: write) } ?? nil
        }
        return table.wait { $0.lockOrGone(id, task: task, write: write) }
    }

    /// Releases one lock `task` holds on `id`: its write lock if it writes it, else one
    /// read lock. A lock the task does not hold is a programming error.
    public func unlock(_ id: BlockId, task: Int64) {
        table.withLockNotifyingAll { s in
            guard var info = s.infos[id] else {
                preconditionFailure("task \(task) unlocks block \(id), which does not exist")
            }
            if info.writerTask == task {
                info.writerTask = nil
                s.writeLocks[task]?.remove(id)
                if s.writeLocks[task]?.isEmpty == true { s.writeLocks[task] = nil }
            } else {
                let held = s.readLocks[task]?[id] ?? 0
                precondition(held > 0, "task \(task) unlocks block \(id) but holds no lock on it")
                s.readLocks[task]![id] = held == 1 ? nil : held - 1
                if s.readLocks[task]!.isEmpty { s.readLocks[task] = nil }
                info.readerCount -= 1
            }
            s.infos[id] = info
        }
    }

    /// Turns `task`'s write lock on `id` into a read lock, letting other readers in.
    public func downgradeLock(_ id: BlockId, task: Int64) {
        table.withLockNotifyingAll { s in
            guard var info = s.infos[id], info.writerTask == task else {
                preconditionFailure("task \(task) downgrades its lock on \(id) but does not hold its write lock")
            }
            info.writerTask = nil
            info.readerCount += 1
            s.infos[id] = info
            s.writeLocks[task]?.remove(id)
            if s.writeLocks[task]?.isEmpty == true { s.writeLocks[task] = nil }
            s.readLocks[task, default: [:]][id, default: 0] += 1
        }
    }

    /// Releases every lock `task` holds (when it ends, successfully or not); the blocks
    /// it held locks on.
    @discardableResult
    public func releaseAllLocks(forTask task: Int64) -> [BlockId] {
        table.withLockNotifyingAll { s in
            var released: [BlockId] = []
            for id in s.writeLocks.removeValue(forKey: task) ?? [] {
                if s.infos[id]?.writerTask == task { s.infos[id]!.writerTask = nil }
                released.append(id)
            }
            for (id, count) in s.readLocks.removeValue(forKey: task) ?? [:] {
                s.infos[id]?.readerCount -= count
                released.append(id)
            }
            return released
        }
    }

    /// Forgets `id`, whose write lock `task` holds; waiters for it get nil.
    public func removeBlock(_ id: BlockId, task: Int64) {
        table.withLockNotifyingAll { s in
            guard let info = s.infos[id] else { return }
            precondition(info.writerTask == task, "task \(task) removes block \(id) without holding its write lock")
            s.infos[id] = nil
            s.writeLocks[task]?.remove(id)
            if s.writeLocks[task]?.isEmpty == true { s.writeLocks[task] = nil }
        }
    }

    /// Records the stored size (and level) of `id`, whose write lock `task` holds.
    public func update(_ id: BlockId, task: Int64, size: Int64, level: StorageLevel? = nil) {
        table.withLock { s in
            precondition(s.infos[id]?.writerTask == task, "task \(task) updates block \(id) without holding its write lock")
            s.infos[id]!.size = size
            if let level { s.infos[id]!.level = level }
        }
    }

    /// The record of `id`, without locking it.
    public func info(_ id: BlockId) -> BlockInfo? {
        table.withLock { $0.infos[id] }
    }

    /// Every registered block.
    public var blockIds: [BlockId] {
        table.withLock { Array($0.infos.keys) }
    }

    /// The blocks `task` holds locks on: read-locked (with multiplicity) and write-locked.
    public func locks(heldBy task: Int64) -> (read: [BlockId: Int], write: Set<BlockId>) {
        table.withLock { s in (s.readLocks[task] ?? [:], s.writeLocks[task] ?? []) }
    }

    /// Broken invariants, as sentences; empty when all hold.
    public func checkInvariants() -> [String] {
        table.withLock { $0.invariantViolations() }
    }
}
