import Runtime
import Scheduler
import Storage

extension RDD {
    /// Aggregates like ``aggregate(_:_:_:file:line:)-(_,(U,T)->U,_,_,_)``, combining the partition results in a
    /// multi-level tree of shuffles instead of all on the driver.
    ///
    /// Mirrors Spark's `RDD.treeAggregate(zero)(seqOp, combOp, depth)`: each partition is folded
    /// from `zero` with `seqOp`; then, while it saves time, the partial results are folded by key
    /// `i mod n/scale` into `n/scale` partitions with `combOp` (scale = max(2, ⌈n^(1/depth)⌉));
    /// the last level is folded on the driver. `zero` is used once per partition at every level,
    /// so it must be an identity of `combOp`. An RDD with no partitions gives `zero`.
    /// - Throws: `EngineError.invalidArgument` when `depth` is below 1; otherwise as
    ///   ``aggregate(_:_:_:file:line:)-(_,(U,T)->U,_,_,_)`` (an error thrown by a function fails the action).
    @inlinable
    public func treeAggregate<U: Codable & SendableMetatype>(
        _ zero: U, _ seqOp: @escaping @Sendable (U, T) throws -> U, _ combOp: @escaping @Sendable (U, U) throws -> U,
        depth: Int = 2, file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> U {
        guard depth >= 1 else { throw .invalidArgument("treeAggregate: depth must be at least 1, got \(depth)") }
        guard numPartitions > 0 else { return zero }
        let mark = context.idMark
        let partial = context.recorded(TreeAggregateOperator<T, U>.self, "treeAggregate", mark: mark, inputs: [self],
                                       functions: [.of(seqOp), .of(combOp)],
                                       params: TreeAggregateParams(zero: zero, depth: depth), file: file, line: line,
                                       treeAggregateRDD(zero, seqOp, combOp, depth: depth, file: file, line: line))
        return try partial.aggregate(zero, combOp, combOp, file: file, line: line)
    }

    @inlinable
    func treeAggregateRDD<U: Codable & SendableMetatype>(
        _ zero: U, _ seqOp: @escaping @Sendable (U, T) throws -> U, _ combOp: @escaping @Sendable (U, U) throws -> U,
        depth: Int, file: String, line: Int
    ) -> RDD<U> {
        let z = Unchecked(zero)
        let partial: RDD<U> = derive("treeAggregate", callSite: makeCallSite(file, line)) { _, _, input in
            var acc = z.value
            try input.forEachRecord { x in acc = try seqOp(acc, x) }
            return PartitionStream.of([acc])
        }
        return partial.treeLevels(depth: depth, file: file, line: line) { rdd, n in
            rdd.foldByKeyRDD(zero, numPartitions: n, combOp, file: file, line: line)
        }
    }
}

extension RDD where T: Codable & SendableMetatype {
    /// Folds the records of this RDD (one or a few per partition) level by level into fewer
    /// partitions, as Spark's tree aggregation: keyed by `i mod n` (i the partition index, n the
    /// next level's count), combined by `combine`, while a level saves time.
    @inlinable
    func treeLevels(depth: Int, file: String, line: Int, _ combine: (RDD<(Int, T)>, Int) -> RDD<(Int, T)>) -> RDD<T> {
        var level: RDD<T> = self
        var n = numPartitions
        let scale = Swift.max(integerRoot(n, depth), 2)
        let site = makeCallSite(file, line)
        while n > scale + (n + scale - 1) / scale {
            n /= scale
            let current = n
            let keyed: RDD<(Int, T)> = level.derive("treeAggregate", callSite: site) { p, _, input in
                PartitionStream { try input.next()?.map { (p % current, $0) } }
            }
            level = combine(keyed, current).valuesRDD(callSite: site)
        }
        return level
    }

    /// Combines all records with `f` like ``reduce(_:file:line:)-((T,T)->T,_,_)``, combining the partition
    /// results in a multi-level tree of shuffles instead of all on the driver.
    ///
    /// Mirrors Spark's `RDD.treeReduce(f, depth)`: empty partitions contribute nothing.
    /// - Throws: `EngineError.invalidArgument` when `depth` is below 1 or the RDD is empty;
    ///   otherwise as ``reduce(_:file:line:)-((T,T)->T,_,_)``.
    @inlinable
    public func treeReduce(_ f: @escaping @Sendable (T, T) throws -> T, depth: Int = 2, file: String = #fileID,
                           line: Int = #line) throws(EngineError) -> T {
        try treeReduce(shipping: .of(f), f, depth: depth, file: file, line: line)
    }

    /// `treeReduce` with `shipping` the function as it travels (a closure, or a named Codable type) and `f` the one applied.
    @inlinable
    func treeReduce(shipping: ShippedFunction, _ f: @escaping @Sendable (T, T) throws -> T, depth: Int,
                    file: String, line: Int) throws(EngineError) -> T {
        guard depth >= 1 else { throw .invalidArgument("treeReduce: depth must be at least 1, got \(depth)") }
        guard numPartitions > 0 else { throw .invalidArgument("treeReduce() on an empty RDD") }
        let mark = context.idMark
        let partial = context.recorded(TreeReduceOperator<T>.self, "treeReduce", mark: mark, inputs: [self],
                                       functions: [shipping], params: depth, file: file, line: line,
                                       treeReduceRDD(f, depth: depth, file: file, line: line))
        do {
            return try partial.reduce(shipped: shipping, f, file: file, line: line)
        } catch .invalidArgument(let message) where message == "reduce() on an empty RDD" {
            throw .invalidArgument("treeReduce() on an empty RDD")
        }
    }

    @inlinable
    func treeReduceRDD(_ f: @escaping @Sendable (T, T) throws -> T, depth: Int, file: String, line: Int) -> RDD<T> {
        let partial: RDD<T> = derive("treeReduce", callSite: makeCallSite(file, line)) { _, _, input in
            var acc: T?
            try input.forEachRecord { x in acc = try acc.map { try f($0, x) } ?? x }
            return PartitionStream.of(acc.map { [$0] } ?? [])
        }
        return partial.treeLevels(depth: depth, file: file, line: line) { rdd, n in
            rdd.reduceByKeyRDD(numPartitions: n, partitioner: nil, f, file: file, line: line)
        }
    }
}

/// The smallest s ≥ 1 with sᵈ ≥ n: ⌈n^(1/d)⌉ without floating-point error.
@inlinable
func integerRoot(_ n: Int, _ d: Int) -> Int {
    guard n > 1 else { return 1 }
    var s = 1
    while true {
        var p = 1
        var reached = false
        for _ in 0..<d {
            let (q, overflow) = p.multipliedReportingOverflow(by: s)
            if overflow || q >= n {
                reached = true
                break
            }
            p = q
        }
        if reached { return s }  // sᵏ ≥ n for some k ≤ d, so sᵈ ≥ n
        s += 1
    }
}
