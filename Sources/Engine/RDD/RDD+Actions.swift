import Runtime
import Scheduler

extension RDD {
    /// All records, in partition order.
    ///
    /// Mirrors Spark's `RDD.collect`: every partition's records travel to the driver and are
    /// held in memory there.
    /// - Throws: `EngineError.jobFailed` when a task fails `engine.task.maxFailures` times (the
    ///   message carries that task's error), when a stage fails too often, or, with executors in
    ///   other processes, when a function of the lineage cannot travel (`Task not serializable: …`);
    ///   `.jobCancelled` after ``EngineContext/cancelAllJobs()``; `.invalidArgument` for a bad
    ///   argument given to a transformation of the lineage; `.contextStopped` after ``EngineContext/stop()``.
    @inlinable
    public func collect(file: String = #fileID, line: Int = #line) throws(EngineError) -> [T] {
        let parts = try context.runJob(self, callSite: "collect at \(makeCallSite(file, line))",
                                       function: context.recordCall(CollectAction<T>.self, "collect", inputs: [self],
                                                                    file: file, line: line) { CollectAction<T>.make() })
        var all: [T] = []
        all.reserveCapacity(parts.reduce(0) { $0 + $1.value.count })
        for p in parts { all.append(contentsOf: p.value) }
        return all
    }

    /// Number of records.
    ///
    /// Mirrors Spark's `RDD.count`.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func count(file: String = #fileID, line: Int = #line) throws(EngineError) -> Int {
        try context.runJob(self, callSite: "count at \(makeCallSite(file, line))",
                           function: context.recordCall(CountAction<T>.self, "count", inputs: [self], file: file,
                                                        line: line) { CountAction<T>.make() }).reduce(0, +)
    }

    /// The first `n` records, in partition order. Scans one partition first, then more,
    /// growing the number tried fourfold each round, as Spark's take.
    ///
    /// Mirrors Spark's `RDD.take`: may run several jobs; `n ≤ 0` runs none.
    /// - Throws: `EngineError` when a job fails, as ``collect(file:line:)``.
    @inlinable
    public func take(_ n: Int, file: String = #fileID, line: Int = #line) throws(EngineError) -> [T] {
        guard n > 0, numPartitions > 0 else { return [] }
        let site = "take at \(makeCallSite(file, line))"
        var taken: [T] = []
        var scanned = 0
        while taken.count < n && scanned < numPartitions {
            var tryCount = 1
            if scanned > 0 {
                // The partitions that should hold the rest at the rate seen so far (computed in
                // Double: for a large n, as take(Int.max), it exceeds Int), at most 4× those scanned.
                let estimate = 1.5 * Double(n) * Double(scanned) / Double(Swift.max(1, taken.count)) - Double(scanned)
                tryCount = taken.isEmpty || estimate >= Double(scanned * 4) ? scanned * 4 : Swift.max(1, Int(estimate))
            }
            let parts = Array(scanned..<Swift.min(scanned + tryCount, numPartitions))
            let left = n - taken.count
            let results = try context.runJob(self, partitions: parts, callSite: site,
                                             function: context.recordCall(TakeAction<T>.self, "take", inputs: [self],
                                                                          params: left, file: file, line: line) {
                                                 TakeAction<T>.make(left) })
            for r in results where taken.count < n { taken.append(contentsOf: r.value.prefix(n - taken.count)) }
            scanned += parts.count
        }
        return taken
    }

    /// The first record; throws on an empty RDD.
    ///
    /// Mirrors Spark's `RDD.first`.
    /// - Throws: `EngineError.invalidArgument` on an empty RDD; `EngineError` when the job fails,
    ///   as ``collect(file:line:)``.
    @inlinable
    public func first(file: String = #fileID, line: Int = #line) throws(EngineError) -> T {
        guard let x = try take(1, file: file, line: line).first else { throw .invalidArgument("first() on an empty RDD") }
        return x
    }

    /// The `n` smallest records under `areInIncreasingOrder`, smallest first.
    ///
    /// Mirrors Spark's `RDD.takeOrdered(n)(ordering)`: each task keeps its `n` smallest, the driver
    /// merges them.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func takeOrdered(_ n: Int, by areInIncreasingOrder: @escaping @Sendable (T, T) -> Bool,
                            file: String = #fileID, line: Int = #line) throws(EngineError) -> [T] {
        try takeOrdered(n, shipped: .ordering(areInIncreasingOrder), less: areInIncreasingOrder, top: false,
                        file: file, line: line)
    }

    /// The `n` largest records under `areInIncreasingOrder`, largest first.
    ///
    /// Mirrors Spark's `RDD.top(n)(ordering)`.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func top(_ n: Int, by areInIncreasingOrder: @escaping @Sendable (T, T) -> Bool,
                    file: String = #fileID, line: Int = #line) throws(EngineError) -> [T] {
        try takeOrdered(n, shipped: .ordering(areInIncreasingOrder), less: { areInIncreasingOrder($1, $0) }, top: true,
                        file: file, line: line)
    }

    /// `takeOrdered` (or `top`, which ships the ordering as given and reverses it where it runs)
    /// with `shipped` the ordering as it travels and `less` the one applied.
    @inlinable
    func takeOrdered(_ n: Int, shipped: ShippedFunction, less: @escaping @Sendable (T, T) -> Bool, top: Bool,
                     file: String, line: Int) throws(EngineError) -> [T] {
        guard n > 0 else { return [] }
        let name = top ? "top" : "takeOrdered"
        let function = top
            ? context.recordCall(TopAction<T>.self, name, inputs: [self], functions: [shipped], params: n, file: file,
                                 line: line) { TakeOrderedAction<T>.make(n, less) }
            : context.recordCall(TakeOrderedAction<T>.self, name, inputs: [self], functions: [shipped], params: n,
                                 file: file, line: line) { TakeOrderedAction<T>.make(n, less) }
        let parts = try context.runJob(self, callSite: "\(name) at \(makeCallSite(file, line))", function: function)
        var best = BoundedSmallest<T>(capacity: n, by: less)
        for p in parts { for x in p.value { best.insert(x) } }
        return best.items
    }

    /// Combines all records with `f` (associative and commutative); throws on an empty RDD.
    ///
    /// Mirrors Spark's `RDD.reduce`: each task reduces its partition, the driver reduces the
    /// partition results. For executors in other processes use a closure literal that captures
    /// nothing, or a named ``ReduceFunction`` type with ``reduce(_:file:line:)-(F,_,_)``.
    /// - Throws: `EngineError.invalidArgument` on an empty RDD; `.jobFailed` when `f` throws on
    ///   the driver; otherwise as ``collect(file:line:)``.
    @inlinable
    public func reduce(_ f: @escaping @Sendable (T, T) throws -> T, file: String = #fileID,
                       line: Int = #line) throws(EngineError) -> T {
        try reduce(shipped: .of(f), f, file: file, line: line)
    }

    /// `reduce` with `shipped` the function as it travels (a closure, or a named Codable type) and `f` the one applied.
    @inlinable
    func reduce(shipped: ShippedFunction, _ f: @escaping @Sendable (T, T) throws -> T, file: String,
                line: Int) throws(EngineError) -> T {
        let parts = try context.runJob(self, callSite: "reduce at \(makeCallSite(file, line))",
                                       function: context.recordCall(ReduceAction<T>.self, "reduce", inputs: [self],
                                                                    functions: [shipped], file: file, line: line) {
                                           ReduceAction<T>.make(f) })
        var acc: T?
        do {
            for p in parts { if let v = p.value { acc = try acc.map { try f($0, v) } ?? v } }
        } catch {
            throw .jobFailed("Job aborted: the reduce function failed on the driver: \(error)")
        }
        guard let result = acc else { throw .invalidArgument("reduce() on an empty RDD") }
        return result
    }

    /// Folds each partition from `zero` with `f`, then folds the partition results from `zero`.
    ///
    /// Mirrors Spark's `RDD.fold`: `zero` is used once per partition and once on the driver, so it
    /// must be an identity of `f` (0 for +).
    /// - Throws: `EngineError.jobFailed` when `f` throws on the driver; otherwise as ``collect(file:line:)``.
    @inlinable
    public func fold(_ zero: T, _ f: @escaping @Sendable (T, T) throws -> T, file: String = #fileID,
                     line: Int = #line) throws(EngineError) -> T {
        try aggregate(shipping: .of(f), zero, f, f, operation: "fold", file: file, line: line)
    }

    /// Aggregates each partition from `zero` with `seqOp`, then the partition results with `combOp`.
    ///
    /// Mirrors Spark's `RDD.aggregate`. `zero` travels to the tasks encoded when `U` is `Codable`.
    /// - Throws: `EngineError.jobFailed` when `combOp` throws on the driver; otherwise as ``collect(file:line:)``.
    @inlinable
    public func aggregate<U>(_ zero: U, _ seqOp: @escaping @Sendable (U, T) throws -> U,
                             _ combOp: @escaping @Sendable (U, U) throws -> U,
                             file: String = #fileID, line: Int = #line) throws(EngineError) -> U {
        try aggregate(shipping: .of(seqOp), zero, seqOp, combOp, operation: "aggregate", file: file, line: line)
    }

    /// Runs `f` on every record, on the executors.
    ///
    /// Mirrors Spark's `RDD.foreach`: `f` runs on the executors, not the driver; use an
    /// accumulator (``EngineContext/longAccumulator(_:)``) to bring counts back.
    /// - Throws: `EngineError` when the job fails (an error thrown by `f` included), as ``collect(file:line:)``.
    @inlinable
    public func foreach(_ f: @escaping @Sendable (T) throws -> Void, file: String = #fileID,
                        line: Int = #line) throws(EngineError) {
        try foreach(shipping: .effect(f), f, file: file, line: line)
    }

    /// Runs `f` on each partition's records, on the executors.
    ///
    /// Mirrors Spark's `RDD.foreachPartition`.
    /// - Throws: `EngineError` when the job fails (an error thrown by `f` included), as ``collect(file:line:)``.
    @inlinable
    public func foreachPartition(_ f: @escaping @Sendable (PartitionIterator<T>) throws -> Void,
                                 file: String = #fileID, line: Int = #line) throws(EngineError) {
        try foreachPartition(shipping: .partitionEffect(f), f, file: file, line: line)
    }
}

extension RDD where T: Comparable & SendableMetatype {
    /// The `n` largest records, largest first.
    ///
    /// Mirrors Spark's `RDD.top(n)` with the natural ordering.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func top(_ n: Int, file: String = #fileID, line: Int = #line) throws(EngineError) -> [T] {
        try takeOrdered(n, shipped: .of(portable: Ascending<T>()), less: { $1 < $0 }, top: true, file: file, line: line)
    }

    /// The `n` smallest records, smallest first.
    ///
    /// Mirrors Spark's `RDD.takeOrdered(n)` with the natural ordering.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func takeOrdered(_ n: Int, file: String = #fileID, line: Int = #line) throws(EngineError) -> [T] {
        try takeOrdered(n, shipped: .of(portable: Ascending<T>()), less: { $0 < $1 }, top: false, file: file, line: line)
    }

    /// The largest record; throws on an empty RDD.
    ///
    /// Mirrors Spark's `RDD.max`.
    /// - Throws: `EngineError.invalidArgument` on an empty RDD; otherwise as ``collect(file:line:)``.
    @inlinable
    public func max(file: String = #fileID, line: Int = #line) throws(EngineError) -> T {
        try reduce(Larger<T>(), file: file, line: line)
    }

    /// The smallest record; throws on an empty RDD.
    ///
    /// Mirrors Spark's `RDD.min`.
    /// - Throws: `EngineError.invalidArgument` on an empty RDD; otherwise as ``collect(file:line:)``.
    @inlinable
    public func min(file: String = #fileID, line: Int = #line) throws(EngineError) -> T {
        try reduce(Smaller<T>(), file: file, line: line)
    }
}

/// Keeps the `capacity` smallest items seen, sorted ascending.
@usableFromInline
struct BoundedSmallest<T> {
    @usableFromInline let capacity: Int
    @usableFromInline let less: (T, T) -> Bool
    @usableFromInline var items: [T] = []

    @inlinable
    init(capacity: Int, by less: @escaping (T, T) -> Bool) {
        self.capacity = capacity
        self.less = less
    }

    @inlinable
    mutating func insert(_ x: T) {
        if items.count == capacity, let last = items.last, !less(x, last) { return }
        var lo = 0, hi = items.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if less(x, items[mid]) { hi = mid } else { lo = mid + 1 }
        }
        items.insert(x, at: lo)
        if items.count > capacity { items.removeLast() }
    }
}
