import Runtime
import Scheduler
import Storage

extension RDD where T: Hashable & Codable & SendableMetatype {
    /// The distinct records present in both this RDD and `other`.
    ///
    /// Mirrors Spark's `RDD.intersection`: both sides are paired with a placeholder and
    /// cogrouped, so the result holds each common record once, whatever its counts. Partitioned
    /// by `partitioner`, else `HashPartitioner(numPartitions)`, else the by-key default (see
    /// ``cogroup(_:numPartitions:partitioner:file:line:)-92dso``). A count below 1 is reported by the
    /// first action as `EngineError.invalidArgument`.
    @inlinable
    public func intersection(_ other: RDD<T>, numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
                             file: String = #fileID, line: Int = #line) -> RDD<T> {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(IntersectionOperator<T>.self, "intersection", mark: mark, inputs: [self, other],
                                functions: [shape.shipped], params: shape, file: file, line: line,
                                intersectionRDD(other, numPartitions: numPartitions, partitioner: partitioner,
                                                file: file, line: line))
    }

    @inlinable
    func intersectionRDD(_ other: RDD<T>, numPartitions: Int?, partitioner: (any Partitioner)?,
                         file: String, line: Int) -> RDD<T> {
        let site = makeCallSite(file, line)
        let left = mapRDD({ ($0, UInt8(0)) }, file: file, line: line)
        let right = other.mapRDD({ ($0, UInt8(0)) }, file: file, line: line)
        let p = partitioner ?? left.pairPartitioner(right, numPartitions)
        return left.cogroupImpl(right, partitioner: p, requested: numPartitions, operation: "intersection", callSite: site)
            .derive("intersection", callSite: site) { _, _, input in
                PartitionStream {
                    guard let chunk = try input.next() else { return nil }
                    var out: [T] = []
                    for (x, groups) in chunk where !groups.0.isEmpty && !groups.1.isEmpty { out.append(x) }
                    return out
                }
            }
    }

    /// The records of this RDD that do not occur in `other`, duplicates kept.
    ///
    /// Mirrors Spark's `RDD.subtract`: as `map { ($0, ()) }.subtractByKey(other.map { ($0, ()) }).keys`.
    /// Partitioned by `partitioner`, else `HashPartitioner(numPartitions)`, else a
    /// ``HashPartitioner`` over this RDD's partition count (Spark's default here, not the
    /// default parallelism). A count below 1 is reported by the first action as `EngineError.invalidArgument`.
    @inlinable
    public func subtract(_ other: RDD<T>, numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
                         file: String = #fileID, line: Int = #line) -> RDD<T> {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(SubtractOperator<T>.self, "subtract", mark: mark, inputs: [self, other],
                                functions: [shape.shipped], params: shape, file: file, line: line,
                                subtractRDD(other, numPartitions: numPartitions, partitioner: partitioner,
                                            file: file, line: line))
    }

    @inlinable
    func subtractRDD(_ other: RDD<T>, numPartitions: Int?, partitioner: (any Partitioner)?,
                     file: String, line: Int) -> RDD<T> {
        let site = makeCallSite(file, line)
        let left = mapRDD({ ($0, UInt8(0)) }, file: file, line: line)
        let right = other.mapRDD({ ($0, UInt8(0)) }, file: file, line: line)
        let p = partitioner ?? HashPartitioner(atLeastOne: numPartitions ?? self.numPartitions)
        return left.cogroupImpl(right, partitioner: p, requested: numPartitions, operation: "subtract", callSite: site)
            .derive("subtract", callSite: site) { _, _, input in
                PartitionStream {
                    guard let chunk = try input.next() else { return nil }
                    var out: [T] = []
                    for (x, groups) in chunk where groups.1.isEmpty {
                        for _ in groups.0 { out.append(x) }
                    }
                    return out
                }
            }
    }
}

extension RDD where T: Codable & SendableMetatype {
    /// The records grouped by the key `f` computes: one `(key, records)` pair per key.
    ///
    /// Mirrors Spark's `RDD.groupBy`: ``keyBy(_:file:line:)-((T)->K,_,_)`` then
    /// ``groupByKey(numPartitions:partitioner:file:line:)-5k042``, so every record travels through the
    /// shuffle and each key's records are held in memory together. Partitioned as groupByKey.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func groupBy<K: Hashable & Codable & SendableMetatype>(
        numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil, _ f: @escaping @Sendable (T) throws -> K,
        file: String = #fileID, line: Int = #line
    ) -> RDD<(K, [T])> {
        groupBy(shipping: .of(f), numPartitions: numPartitions, partitioner: partitioner, f, file: file, line: line)
    }

    /// `groupBy` with `shipping` the function as it travels (a closure, or a named Codable type) and `f` the one applied.
    @inlinable
    func groupBy<K: Hashable & Codable & SendableMetatype>(
        shipping: ShippedFunction, numPartitions: Int?, partitioner: (any Partitioner)?,
        _ f: @escaping @Sendable (T) throws -> K, file: String, line: Int
    ) -> RDD<(K, [T])> {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(GroupByOperator<T, K>.self, "groupBy", mark: mark, inputs: [self],
                                functions: [shipping, shape.shipped], params: shape, file: file, line: line,
                                groupByRDD(numPartitions: numPartitions, partitioner: partitioner, f, file: file, line: line))
    }

    @inlinable
    func groupByRDD<K: Hashable & Codable & SendableMetatype>(
        numPartitions: Int?, partitioner: (any Partitioner)?, _ f: @escaping @Sendable (T) throws -> K,
        file: String, line: Int
    ) -> RDD<(K, [T])> {
        let keyed = keyByRDD(f, file: file, line: line)
        let agg = Aggregator<T, [T]>(createCombiner: { [$0] }, mergeValue: { c, v in c.append(v) },
                                     mergeCombiners: { c, d in c.append(contentsOf: d) })
        return keyed.combineByKey(agg, partitioner: partitioner ?? keyed.defaultPartitioner(numPartitions),
                                  mapSideCombine: false, requested: numPartitions, operation: "groupBy",
                                  callSite: makeCallSite(file, line))
    }
}
