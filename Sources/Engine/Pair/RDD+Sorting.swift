import Scheduler
import Storage

extension RDD {
    /// Sorts by key: a RangePartitioner built from a sample of the keys (one job) splits the
    /// keys into ranges, a shuffle moves each record to its range, and each partition is
    /// sorted (externally, spilling sorted runs when execution memory is refused), so
    /// partition i's keys all precede partition i + 1's (follow, when descending).
    @inlinable
    public func sortByKey<K: Comparable & Hashable & Codable & Sendable & SendableMetatype, V: Codable & SendableMetatype>(
        ascending: Bool = true, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> RDD<(K, V)> where T == (K, V) {
        let pairs: RDD<(K, V)> = self
        let site = makeCallSite(file, line)
        if let n = numPartitions, n < 1 { throw .invalidArgument("sortByKey: numPartitions must be at least 1, got \(n)") }
        let n = Swift.max(1, numPartitions ?? self.numPartitions)
        let bounds = try pairs.keys(file: file, line: line).sampleBounds(partitions: n, callSite: "sortByKey at \(site)")
        let partitioner = RangePartitioner<K>(bounds: bounds, ascending: ascending)
        let shuffled = pairs.shuffled(partitioner, operation: "sortByKey", callSite: site, key: .codable, value: .codable)
        return RDD<(K, V)>(context: context, kind: "ShuffledRDD", operation: "sortByKey",
                           numPartitions: shuffled.numPartitions, dependencies: shuffled.lineageDependencies,
                           partitioner: partitioner, callSite: site) { p, ctx in
            let sorter = ExternalSorter<K, V>(
                context: ctx, key: .codable, value: .codable, less: ascending ? { $0 < $1 } : { $0 > $1 },
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
    @inlinable
    public func sortBy<K: Comparable & Hashable & Codable & Sendable & SendableMetatype>(
        _ f: @escaping @Sendable (T) throws -> K, ascending: Bool = true, numPartitions: Int? = nil,
        file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> RDD<T> where T: Codable & SendableMetatype {
        try keyBy(f, file: file, line: line).sortByKey(ascending: ascending, numPartitions: numPartitions,
                                                      file: file, line: line).values(file: file, line: line)
    }
}

extension RDD where T: Comparable & Sendable {
    /// Range bounds for `partitions` partitions from a reservoir sample of each partition
    /// (about 20 keys per output partition, weighted by partition size), as Spark's RangePartitioner.
    @inlinable
    func sampleBounds(partitions: Int, callSite: String) throws(EngineError) -> [T] {
        guard partitions > 1, numPartitions > 0 else { return [] }
        let sampleSize = Swift.min(20 * partitions, 1_000_000)
        let perPartition = Swift.max(1, Int((3.0 * Double(sampleSize) / Double(numPartitions)).rounded(.up)))
        let samples = try context.runJob(self, callSite: callSite) { ctx, s in
            var rng = SplitMix64(seed: 0x5a3d1e ^ UInt64(ctx.partitionId))
            var reservoir: [T] = []
            var seen = 0
            try s.forEachChunk { chunk in
                for x in chunk {
                    seen += 1
                    if reservoir.count < perPartition {
                        reservoir.append(x)
                    } else {
                        let j = Int(rng.next() % UInt64(seen))
                        if j < perPartition { reservoir[j] = x }
                    }
                }
            }
            return Unchecked((reservoir, seen))
        }
        var weighted: [(key: T, weight: Double)] = []
        for s in samples {
            let (keys, total) = s.value
            guard !keys.isEmpty else { continue }
            let w = Double(total) / Double(keys.count)
            for k in keys { weighted.append((k, w)) }
        }
        return RangePartitioner<T>.determineBounds(weighted, partitions: partitions)
    }
}
