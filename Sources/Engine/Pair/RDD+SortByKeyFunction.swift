import Runtime
import Scheduler
import Storage

extension RDD {
    /// Sorts the pairs by `keyfunc` of their key (PySpark's `sortByKey(keyfunc=…)`), keeping the pairs as they are.
    ///
    /// As ``sortByKey(ascending:numPartitions:file:line:)-41nb1``: a job samples `keyfunc` of the keys
    /// for range bounds, a shuffle moves each pair to its range, and each partition is sorted by
    /// `keyfunc(key)` (externally, spilling sorted runs when execution memory is refused). Use it
    /// where ``sortBy(_:ascending:numPartitions:file:line:)-21u7u`` cannot go: pair records are tuples,
    /// which are not `Codable`. Pairs with equal sort keys keep no particular order. The result has
    /// no partitioner (the key function's ranges cannot be compared with another partitioner).
    /// - Throws: `EngineError.invalidArgument` when `numPartitions` is below 1; `EngineError`
    ///   when the sampling job fails (an error thrown by `keyfunc` included), as ``collect(file:line:)``.
    @inlinable
    public func sortByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                          S: Comparable & Hashable & Codable & Sendable & SendableMetatype>(
        ascending: Bool = true, numPartitions: Int? = nil, by keyfunc: @escaping @Sendable (K) throws -> S,
        file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> RDD<(K, V)> where T == (K, V) {
        try sortByKey(shipping: .of(keyfunc), ascending: ascending, numPartitions: numPartitions, by: keyfunc,
                      file: file, line: line)
    }

    /// `sortByKey(by:)` with `shipping` the key function as it travels (a closure, or a named Codable type) and `keyfunc` the one applied.
    @inlinable
    func sortByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                   S: Comparable & Hashable & Codable & Sendable & SendableMetatype>(
        shipping: ShippedFunction, ascending: Bool, numPartitions: Int?, by keyfunc: @escaping @Sendable (K) throws -> S,
        file: String, line: Int
    ) throws(EngineError) -> RDD<(K, V)> where T == (K, V) {
        let site = makeCallSite(file, line)
        if let n = numPartitions, n < 1 { throw .invalidArgument("sortByKey: numPartitions must be at least 1, got \(n)") }
        let n = Swift.max(1, numPartitions ?? self.numPartitions)
        let bounds = try keys(file: file, line: line).map(shipping: shipping, keyfunc, operation: "sortByKey", file: file, line: line)
            .sampleBounds(partitions: n, callSite: "sortByKey at \(site)", file: file, line: line)
        let mark = context.idMark
        return context.recorded(SortByKeyFunctionOperator<K, V, S>.self, "sortByKey", mark: mark, inputs: [self],
                                functions: [shipping], params: SortByKeyParams(bounds: bounds, ascending: ascending),
                                file: file, line: line,
                                sortByKeyFunctionRDD(bounds: bounds, ascending: ascending, keyfunc, file: file, line: line))
    }

    /// ``sortByKey(ascending:numPartitions:by:file:line:)-(_,_,(K)->S,_,_)`` once the range bounds are known.
    @inlinable
    func sortByKeyFunctionRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                              S: Comparable & Hashable & Codable & Sendable & SendableMetatype>(
        bounds: [S], ascending: Bool, _ keyfunc: @escaping @Sendable (K) throws -> S, file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        let pairs: RDD<(K, V)> = self
        let site = makeCallSite(file, line)
        let partitioner = KeyFunctionRangePartitioner<K, S>(range: RangePartitioner(bounds: bounds, ascending: ascending),
                                                            keyfunc: keyfunc)
        let shuffled = pairs.shuffled(partitioner, operation: "sortByKey", callSite: site, key: .codable, value: .codable)
        return RDD<(K, V)>(context: context, kind: "ShuffledRDD", operation: "sortByKey",
                           numPartitions: shuffled.numPartitions, dependencies: shuffled.lineageDependencies,
                           callSite: site) { p, ctx in
            let sorter = ExternalSorter<S, (K, V)>(
                context: ctx, key: .codable, value: .pair(K.self, V.self), less: ascending ? { $0 < $1 } : { $0 > $1 },
                sortRun: ascending ? { $0.sort { $0.0 < $1.0 } } : { $0.sort { $0.0 > $1.0 } })
            try shuffled.iterator(p, ctx).forEachChunk { chunk in
                for kv in chunk { try sorter.insert(try keyfunc(kv.0), kv) }
            }
            let sorted: PartitionStream<(S, (K, V))>
            if sorter.hasSpilled {
                sorted = try sorter.merged()
            } else {
                var all = sorter.buffer
                sorter.buffer = []
                if ascending { all.sort { $0.0 < $1.0 } } else { all.sort { $0.0 > $1.0 } }
                sorted = PartitionStream.of(all)
            }
            return PartitionStream { try sorted.next()?.map(\.1) }
        }
    }
}

/// A RangePartitioner applied to `keyfunc` of each key: the partitioner of a sortByKey by a key function.
/// A key whose `keyfunc` throws goes to partition 0 here; the sort then calls `keyfunc` again and fails the task.
@usableFromInline
struct KeyFunctionRangePartitioner<K, S: Comparable & Sendable>: KeyPartitioner {
    @usableFromInline let range: RangePartitioner<S>
    @usableFromInline let keyfunc: @Sendable (K) throws -> S

    @inlinable
    init(range: RangePartitioner<S>, keyfunc: @escaping @Sendable (K) throws -> S) {
        self.range = range
        self.keyfunc = keyfunc
    }

    @usableFromInline var numPartitions: Int { range.numPartitions }

    @inlinable
    func partition(for key: K) -> Int {
        guard let s = try? keyfunc(key) else { return 0 }
        return range.partition(for: s)
    }

    /// Never equal to another: functions cannot be compared (the sorted RDD does not keep it as its partitioner).
    @usableFromInline func isEqual(to other: any Partitioner) -> Bool { false }
}
