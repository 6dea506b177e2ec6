import Runtime
import Scheduler
import Storage

extension RDD {
    /// For each key in either RDD, its values here and its values in `other`, as Spark's CoGroupedRDD:
    /// a side already partitioned by the result's partitioner is read directly (narrow), the other is shuffled.
    ///
    /// Mirrors Spark's `PairRDDFunctions.cogroup`. Partitioned by `partitioner`, else
    /// `HashPartitioner(numPartitions)`, else as Spark's defaultPartitioner: the partitioner of
    /// this RDD or `other` (the one with more partitions, unless it has ten times fewer than the
    /// larger RDD and fewer than the default count), else a ``HashPartitioner`` over
    /// `engine.default.parallelism` when set, else over the larger RDD's partition count.
    @inlinable
    public func cogroup<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
        file: String = #fileID, line: Int = #line
    ) -> RDD<(K, ([V], [W]))> where T == (K, V) {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(CoGroupOperator<K, V, W>.self, "cogroup", mark: mark, inputs: [self, other],
                                functions: [shape.shipped], params: shape, file: file, line: line,
                                cogroupImpl(other, partitioner: partitioner ?? pairPartitioner(other, numPartitions),
                                            requested: numPartitions, operation: "cogroup", callSite: makeCallSite(file, line)))
    }

    /// The partitioner of a two-RDD operation: explicit count, else Spark's defaultPartitioner
    /// over both (see ``DefaultPartitioner``).
    @inlinable
    func pairPartitioner<U>(_ other: RDD<U>, _ numPartitions: Int?) -> any Partitioner {
        defaultPartitioner(numPartitions, others: [(other.partitioner, other.numPartitions)])
    }

    @inlinable
    func cogroupImpl<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, partitioner: any Partitioner, requested: Int? = nil, operation: String,
        callSite site: String
    ) -> RDD<(K, ([V], [W]))> where T == (K, V) {
        cogroupImpl(other, partitioner: partitioner, requested: requested, operation: operation, callSite: site,
                    value: .codable, otherValue: .codable)
    }

    /// Cogroups with `other`, then turns each key's two value lists into result values, as Spark's joins.
    @inlinable
    func joined<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype, X>(
        _ other: RDD<(K, W)>, numPartitions: Int?, operation: String, file: String, line: Int,
        _ combine: @escaping @Sendable ([V], [W]) -> [X]
    ) -> RDD<(K, X)> where T == (K, V) {
        cogroupImpl(other, partitioner: pairPartitioner(other, numPartitions), requested: numPartitions,
                    operation: operation, callSite: makeCallSite(file, line))
            .flatMapValuesRDD({ (vs: [V], ws: [W]) in combine(vs, ws) }, file: file, line: line)
    }

    /// Pairs of values for keys present in both RDDs.
    ///
    /// Mirrors Spark's `PairRDDFunctions.join`: a ``cogroup(_:numPartitions:partitioner:file:line:)-92dso``
    /// followed by each key's cross product, so a key with m values here and n in `other` gives m × n pairs.
    @inlinable
    public func join<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, (V, W))> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(JoinOperator<K, V, W>.self, "join", mark: mark, inputs: [self, other],
                                params: PartitionerShape(numPartitions: numPartitions, partitioner: nil), file: file, line: line,
                                joinRDD(other, numPartitions: numPartitions, file: file, line: line))
    }

    @inlinable
    func joinRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int?, file: String, line: Int
    ) -> RDD<(K, (V, W))> where T == (K, V) {
        joined(other, numPartitions: numPartitions, operation: "join", file: file, line: line) { vs, ws in
            crossProduct(vs, ws)
        }
    }

    /// Every record here, with the matching values of `other` or nil.
    ///
    /// Mirrors Spark's `PairRDDFunctions.leftOuterJoin`.
    @inlinable
    public func leftOuterJoin<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, (V, W?))> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(LeftOuterJoinOperator<K, V, W>.self, "leftOuterJoin", mark: mark, inputs: [self, other],
                                params: PartitionerShape(numPartitions: numPartitions, partitioner: nil), file: file, line: line,
                                leftOuterJoinRDD(other, numPartitions: numPartitions, file: file, line: line))
    }

    @inlinable
    func leftOuterJoinRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int?, file: String, line: Int
    ) -> RDD<(K, (V, W?))> where T == (K, V) {
        joined(other, numPartitions: numPartitions, operation: "leftOuterJoin", file: file, line: line) { vs, ws in
            crossProduct(vs, orNil(ws))
        }
    }

    /// Every record of `other`, with the matching values here or nil.
    ///
    /// Mirrors Spark's `PairRDDFunctions.rightOuterJoin`.
    @inlinable
    public func rightOuterJoin<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, (V?, W))> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(RightOuterJoinOperator<K, V, W>.self, "rightOuterJoin", mark: mark, inputs: [self, other],
                                params: PartitionerShape(numPartitions: numPartitions, partitioner: nil), file: file, line: line,
                                rightOuterJoinRDD(other, numPartitions: numPartitions, file: file, line: line))
    }

    @inlinable
    func rightOuterJoinRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int?, file: String, line: Int
    ) -> RDD<(K, (V?, W))> where T == (K, V) {
        joined(other, numPartitions: numPartitions, operation: "rightOuterJoin", file: file, line: line) { vs, ws in
            crossProduct(orNil(vs), ws)
        }
    }

    /// Every key of either RDD, with the values of each side or nil.
    ///
    /// Mirrors Spark's `PairRDDFunctions.fullOuterJoin`.
    @inlinable
    public func fullOuterJoin<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, (V?, W?))> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(FullOuterJoinOperator<K, V, W>.self, "fullOuterJoin", mark: mark, inputs: [self, other],
                                params: PartitionerShape(numPartitions: numPartitions, partitioner: nil), file: file, line: line,
                                fullOuterJoinRDD(other, numPartitions: numPartitions, file: file, line: line))
    }

    @inlinable
    func fullOuterJoinRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int?, file: String, line: Int
    ) -> RDD<(K, (V?, W?))> where T == (K, V) {
        joined(other, numPartitions: numPartitions, operation: "fullOuterJoin", file: file, line: line) { vs, ws in
            crossProduct(orNil(vs), orNil(ws))
        }
    }

    /// The records whose key does not occur in `other`.
    ///
    /// Mirrors Spark's `PairRDDFunctions.subtractByKey`: partitioned by `partitioner`, else
    /// `HashPartitioner(numPartitions)`, else this RDD's partitioner, else a ``HashPartitioner``
    /// over this RDD's partition count (Spark's default here, not the default parallelism).
    @inlinable
    public func subtractByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
        file: String = #fileID, line: Int = #line
    ) -> RDD<(K, V)> where T == (K, V) {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(SubtractByKeyOperator<K, V, W>.self, "subtractByKey", mark: mark, inputs: [self, other],
                                functions: [shape.shipped], params: shape, file: file, line: line,
                                subtractByKeyRDD(other, numPartitions: numPartitions, partitioner: partitioner,
                                                 file: file, line: line))
    }

    @inlinable
    func subtractByKeyRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, numPartitions: Int?, partitioner: (any Partitioner)?, file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        let p = partitioner ?? numPartitions.map { HashPartitioner(atLeastOne: $0) } ?? self.partitioner
            ?? HashPartitioner(atLeastOne: self.numPartitions)
        return cogroupImpl(other, partitioner: p, requested: numPartitions, operation: "subtractByKey",
                           callSite: makeCallSite(file, line))
            .flatMapValuesRDD({ (vs: [V], ws: [W]) -> [V] in ws.isEmpty ? vs : [] }, file: file, line: line)
    }
}

/// Every pair `(a, b)`, left values major.
@inlinable
func crossProduct<A, B>(_ left: [A], _ right: [B]) -> [(A, B)] {
    var out: [(A, B)] = []
    out.reserveCapacity(left.count * right.count)
    for a in left { for b in right { out.append((a, b)) } }
    return out
}

/// The values as optionals, or a single nil when there are none (the outer side of a join).
@inlinable
func orNil<V>(_ values: [V]) -> [V?] { values.isEmpty ? [nil] : values.map { $0 } }
