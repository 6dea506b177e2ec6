import Runtime
import Scheduler
import Storage

extension RDD {
    /// Sorts by key: a RangePartitioner built from a sample of the keys (one job) splits the
    /// keys into ranges, a shuffle moves each record to its range, and each partition is
    /// sorted (externally, spilling sorted runs when execution memory is refused), so
    /// partition i's keys all precede partition i + 1's (follow, when descending).
    ///
    /// Mirrors Spark's `OrderedRDDFunctions.sortByKey`, which also runs its sampling job when
    /// called. `numPartitions` defaults to this RDD's count.
    /// - Throws: `EngineError.invalidArgument` when `numPartitions` is below 1; `EngineError`
    ///   when the sampling job fails, as ``collect(file:line:)``.
    @inlinable
    public func sortByKey<K: Comparable & Hashable & Codable & Sendable & SendableMetatype, V: Codable & SendableMetatype>(
        ascending: Bool = true, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> RDD<(K, V)> where T == (K, V) {
        let site = makeCallSite(file, line)
        if let n = numPartitions, n < 1 { throw .invalidArgument("sortByKey: numPartitions must be at least 1, got \(n)") }
        let n = Swift.max(1, numPartitions ?? self.numPartitions)
        let bounds = try keys(file: file, line: line).sampleBounds(partitions: n, callSite: "sortByKey at \(site)",
                                                                   file: file, line: line)
        let mark = context.idMark
        return context.recorded(SortByKeyOperator<K, V>.self, "sortByKey", mark: mark, inputs: [self],
                                params: SortByKeyParams(bounds: bounds, ascending: ascending), file: file, line: line,
                                sortByKeyRDD(bounds: bounds, ascending: ascending, file: file, line: line))
    }

    /// ``sortByKey(ascending:numPartitions:file:line:)`` once the range bounds are known.
    @inlinable
    func sortByKeyRDD<K: Comparable & Hashable & Codable & Sendable & SendableMetatype, V: Codable & SendableMetatype>(
        bounds: [K], ascending: Bool, file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        sortByKeyRDD(bounds: bounds, ascending: ascending, file: file, line: line, value: .codable)
    }

    /// ``sortByKeyRDD(bounds:ascending:file:line:)`` with the values' codec given (values of any serializable shape).
    @inlinable
    func sortByKeyRDD<K: Comparable & Hashable & Codable & Sendable & SendableMetatype, V>(
        bounds: [K], ascending: Bool, file: String, line: Int, value valueCodec: ElementCodec<V>
    ) -> RDD<(K, V)> where T == (K, V) {
        let pairs: RDD<(K, V)> = self
        let site = makeCallSite(file, line)
        let partitioner = RangePartitioner<K>(bounds: bounds, ascending: ascending)
        let shuffled = pairs.shuffled(partitioner, operation: "sortByKey", callSite: site, key: .codable, value: valueCodec)
        return RDD<(K, V)>(context: context, kind: "ShuffledRDD", operation: "sortByKey",
                           numPartitions: shuffled.numPartitions, dependencies: shuffled.lineageDependencies,
                           partitioner: partitioner, callSite: site) { p, ctx in
            let sorter = ExternalSorter<K, V>(
                context: ctx, key: .codable, value: valueCodec, less: ascending ? { $0 < $1 } : { $0 > $1 },
                sortRun: ascending ? { $0.sort { $0.0 < $1.0 } } : { $0.sort { $0.0 > $1.0 } })
            try shuffled.iterator(p, ctx).forEachChunk { chunk in
                for (k, v) in chunk { try sorter.insert(k, v) }
            }
            if sorter.hasSpilled { return try sorter.merged() }
            var all = sorter.buffer
            sorter.buffer = []
            if ascending { all.sort { $0.0 < $1.0 } } else { all.sort { $0.0 > $1.0 } }
            return PartitionStream.of(all)
        }
    }

    /// Sorts the records by the key `f` computes.
    ///
    /// Mirrors Spark's `RDD.sortBy`: ``keyBy(_:file:line:)-((T)->K,_,_)``, then
    /// ``sortByKey(ascending:numPartitions:file:line:)-41nb1``, then ``values(file:line:)``.
    /// - Throws: as ``sortByKey(ascending:numPartitions:file:line:)-41nb1`` (its sampling job runs `f`).
    @inlinable
    public func sortBy<K: Comparable & Hashable & Codable & Sendable & SendableMetatype>(
        _ f: @escaping @Sendable (T) throws -> K, ascending: Bool = true, numPartitions: Int? = nil,
        file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> RDD<T> where T: Codable & SendableMetatype {
        try sortBy(shipping: .of(f), f, ascending: ascending, numPartitions: numPartitions, file: file, line: line)
    }
}

extension RDD where T: Comparable & Codable & Sendable & SendableMetatype {
    /// Range bounds for `partitions` partitions from a reservoir sample of each partition
    /// (about 20 keys per output partition, weighted by partition size), as Spark's RangePartitioner.
    @inlinable
    func sampleBounds(partitions: Int, callSite: String, file: String, line: Int) throws(EngineError) -> [T] {
        guard partitions > 1, numPartitions > 0 else { return [] }
        let sampleSize = Swift.min(20 * partitions, 1_000_000)
        let perPartition = Swift.max(1, Int((3.0 * Double(sampleSize) / Double(numPartitions)).rounded(.up)))
        let samples = try context.runJob(self, callSite: callSite,
                                         function: context.recordCall(SampleBoundsAction<T>.self, "sortByKey", inputs: [self],
                                                                      params: perPartition, file: file, line: line) {
                                             SampleBoundsAction<T>.make(perPartition) })
        var weighted: [(key: T, weight: Double)] = []
        for s in samples {
            let (keys, total) = (s.keys, s.seen)
            guard !keys.isEmpty else { continue }
            let w = Double(total) / Double(keys.count)
            for k in keys { weighted.append((k, w)) }
        }
        return RangePartitioner<T>.determineBounds(weighted, partitions: partitions)
    }
}
