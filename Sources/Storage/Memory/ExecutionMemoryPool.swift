/// The execution side of the unified region, as Spark's `ExecutionMemoryPool`: a pool
/// whose size moves as it borrows from or lends to storage, shared fairly between the
/// active tasks.
///
/// A plain value with no lock of its own: ``UnifiedMemoryManager`` holds it under its
/// condition and does the waiting. A task is active from its first acquire until
/// ``releaseAll(task:)``.
///
/// Invariant: `memoryUsed <= poolSize`; every task in `memoryForTask` holds `>= 0`.
struct ExecutionMemoryPool {
    /// Current size of the pool, in bytes.
    var poolSize: Int64
    /// Bytes held by each active task.
    var memoryForTask: [Int64: Int64] = [:]

    init(poolSize: Int64) { self.poolSize = poolSize }

    /// Bytes held by all tasks.
    var memoryUsed: Int64 { memoryForTask.values.reduce(0, +) }
    /// Bytes no task holds.
    var memoryFree: Int64 { poolSize - memoryUsed }
    /// Number of active tasks (N in the 1/2N .. 1/N rule).
    var activeTasks: Int { memoryForTask.count }

    /// Bytes held by `task`.
    func memoryUsed(by task: Int64) -> Int64 { memoryForTask[task] ?? 0 }

    /// What one acquire step may grant, given the largest size the pool could grow to.
    /// `wait` is true when the task must block: it would get less than asked and still
    /// hold less than 1/2N of the pool.
    func grant(_ bytes: Int64, task: Int64, maxPoolSize: Int64) -> (granted: Int64, wait: Bool) {
        let n = Int64(max(1, activeTasks))
        let current = memoryUsed(by: task)
        let maxPerTask = maxPoolSize / n
        let minPerTask = poolSize / (2 * n)
        let maxToGrant = max(0, min(bytes, maxPerTask - current))
        let toGrant = min(maxToGrant, max(0, memoryFree))
        if toGrant < bytes && current + toGrant < minPerTask { return (0, true) }
        return (toGrant, false)
    }

    /// Returns `bytes` of `task`'s memory (at most what it holds); the amount returned.
    mutating func release(_ bytes: Int64, task: Int64) -> Int64 {
        let current = memoryUsed(by: task)
        let amount = min(bytes, current)
        if memoryForTask[task] != nil { memoryForTask[task] = current - amount }
        return amount
    }

    /// Returns all of `task`'s memory and makes it inactive; the amount returned.
    mutating func releaseAll(task: Int64) -> Int64 {
        memoryForTask.removeValue(forKey: task) ?? 0
    }

    /// Broken invariants, as sentences; empty when all hold.
    func checkInvariants() -> [String] {
        var out: [String] = []
        if poolSize < 0 { out.append("execution pool size \(poolSize) is negative") }
        if memoryUsed > poolSize { out.append("execution memory used \(memoryUsed) exceeds pool size \(poolSize)") }
        for (t, m) in memoryForTask where m < 0 { out.append("task \(t) holds negative execution memory \(m)") }
        return out
    }
}
