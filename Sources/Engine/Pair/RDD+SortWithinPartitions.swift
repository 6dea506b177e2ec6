import Runtime
import Scheduler
import Storage

extension RDD {
    /// Redistributes the records by key with `partitioner` and sorts each resulting partition by key,
    /// in one shuffle.
    ///
    /// Mirrors Spark's `OrderedRDDFunctions.repartitionAndSortWithinPartitions`: cheaper than
    /// ``partitionBy(_:file:line:)`` followed by a sort, since the sort is done while reading the
    /// shuffle (externally, spilling sorted runs when execution memory is refused). The result
    /// has `partitioner`; records of equal keys keep no particular order.
    @inlinable
    public func repartitionAndSortWithinPartitions<K: Comparable & Hashable & Codable & Sendable & SendableMetatype,
                                                   V: Codable & SendableMetatype>(
        _ partitioner: any Partitioner, ascending: Bool = true, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, V)> where T == (K, V) {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: nil, partitioner: partitioner)
        return context.recorded(RepartitionAndSortOperator<K, V>.self, "repartitionAndSortWithinPartitions", mark: mark,
                                inputs: [self], functions: [shape.shipped], params: SortWithinParams(shape: shape, ascending: ascending),
                                file: file, line: line,
                                repartitionAndSortRDD(partitioner, ascending: ascending, file: file, line: line))
    }

    @inlinable
    func repartitionAndSortRDD<K: Comparable & Hashable & Codable & Sendable & SendableMetatype, V: Codable & SendableMetatype>(
        _ partitioner: any Partitioner, ascending: Bool, file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        let pairs: RDD<(K, V)> = self
        let site = makeCallSite(file, line)
        let operation = "repartitionAndSortWithinPartitions"
        let shuffled = pairs.shuffled(partitioner, operation: operation, callSite: site, key: .codable, value: .codable)
        return RDD<(K, V)>(context: context, kind: "ShuffledRDD", operation: operation,
                           numPartitions: shuffled.numPartitions, dependencies: shuffled.lineageDependencies,
                           partitioner: partitioner, callSite: site,
                           argumentError: partitionerError(partitioner, keyType: K.self, operation)) { p, ctx in
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
}
