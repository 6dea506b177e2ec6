/// The storage side of the unified region, as Spark's `StorageMemoryPool`: memory held
/// by cached blocks and by unroll reservations of tasks that are caching a partition.
///
/// A plain value with no lock of its own: ``UnifiedMemoryManager`` holds it under its
/// condition. Eviction is not done here but by the manager through its eviction
/// handler, outside its lock (lock order: BlockInfo → MemoryManager, never the reverse).
///
/// Invariant: `memoryUsed <= poolSize`; `unrollMemoryUsed <= memoryUsed`.
struct StorageMemoryPool {
    /// Current size of the pool, in bytes.
    var poolSize: Int64
    /// Bytes held by blocks and unroll reservations.
    var memoryUsed: Int64 = 0
    /// Of ``memoryUsed``: unroll reservations, per task.
    var unrollMemoryForTask: [Int64: Int64] = [:]

    init(poolSize: Int64) { self.poolSize = poolSize }

    /// Bytes no block or reservation holds.
    var memoryFree: Int64 { poolSize - memoryUsed }
    /// Bytes reserved for unrolling, all tasks.
    var unrollMemoryUsed: Int64 { unrollMemoryForTask.values.reduce(0, +) }

    /// Broken invariants, as sentences; empty when all hold.
    func checkInvariants() -> [String] {
        var out: [String] = []
        if poolSize < 0 { out.append("storage pool size \(poolSize) is negative") }
        if memoryUsed < 0 { out.append("storage memory used \(memoryUsed) is negative") }
        if memoryUsed > poolSize { out.append("storage memory used \(memoryUsed) exceeds pool size \(poolSize)") }
        if unrollMemoryUsed > memoryUsed {
            out.append("unroll memory \(unrollMemoryUsed) exceeds storage memory used \(memoryUsed)")
        }
        for (t, m) in unrollMemoryForTask where m < 0 { out.append("task \(t) holds negative unroll memory \(m)") }
        return out
    }
}
