import Runtime
import Scheduler
import Storage

extension RDD {
    /// For each key in either RDD, its values here and its values in `other`, as Spark's CoGroupedRDD:
    /// a side already partitioned by the result's partitioner is read directly (narrow), the other is shuffled.
    ///
    /// Mirrors Spark's `PairRDDFunctions.cogroup`. Partitioned by `partitioner`, else
    /// `HashPartitioner(numPartitions)`, else this RDD's or `other`'s partitioner, else a
    /// ``HashPartitioner`` over ``EngineContext/defaultParallelism``.
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

    /// The partitioner of a two-RDD operation: explicit count, else an existing partitioner, else the default.
    @inlinable
    func pairPartitioner<U>(_ other: RDD<U>, _ numPartitions: Int?) -> any Partitioner {
        if let n = numPartitions { return HashPartitioner(atLeastOne: n) }
        if let p = partitioner { return p }
        if let p = other.partitioner { return p }
        return HashPartitioner(atLeastOne: context.defaultParallelism)
    }

    @inlinable
    func cogroupImpl<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, partitioner: any Partitioner, requested: Int? = nil, operation: String,
        callSite site: String
    ) -> RDD<(K, ([V], [W]))> where T == (K, V) {
        let bad = (requested ?? 1) < 1 ? "\(operation): numPartitions must be at least 1, got \(requested!)"
            : partitionerError(partitioner, keyType: K.self, operation)
        let left: RDD<(K, V)> = self
        let leftSource = CoGroupSource(left, partitioner: partitioner)
        let rightSource = CoGroupSource(other, partitioner: partitioner)
        return RDD<(K, ([V], [W]))>(context: context, kind: "CoGroupedRDD", operation: operation,
                                    numPartitions: partitioner.numPartitions,
                                    dependencies: [leftSource.dependency, rightSource.dependency],
                                    partitioner: partitioner, callSite: site, argumentError: bad) { p, ctx in
            let groups = ExternalAppendOnlyMap<K, ([V], [W])>(
                context: ctx, key: .codable, combiner: .pair([V].self, [W].self),
                mergeCombiners: { c, d in
                    c.0.append(contentsOf: d.0)
                    c.1.append(contentsOf: d.1)
                }, what: "cogroup map")
            let l = try leftSource.read(p, ctx)
            while let chunk = try l.next() {
                for (k, v) in chunk {
                    try groups.upsert(k, v, create: { ([$0], []) }, merge: { c, v in c.0.append(v) })
                }
            }
            let r = try rightSource.read(p, ctx)
            while let chunk = try r.next() {
                for (k, w) in chunk {
                    try groups.upsert(k, w, create: { ([], [$0]) }, merge: { c, w in c.1.append(w) })
                }
            }
            return try groups.stream()
        }
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
    /// Mirrors Spark's `PairRDDFunctions.join`: a ``cogroup(_:numPartitions:partitioner:file:line:)``
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

/// One side of a cogroup: read directly when already partitioned right, else through a shuffle.
@usableFromInline
struct CoGroupSource<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: Sendable {
    @usableFromInline let dependency: LineageDependency
    @usableFromInline let read: @Sendable (Int, TaskContext) throws -> PartitionStream<(K, V)>

    @inlinable
    init(_ rdd: RDD<(K, V)>, partitioner: any Partitioner) {
        if let p = rdd.partitioner, p.isEqual(to: partitioner) {
            dependency = .narrow(rdd)
            read = { part, ctx in try rdd.iterator(part, ctx) }
        } else {
            let key = ElementCodec<K>.codable, value = ElementCodec<V>.codable
            let dep = ShuffleDependency<K, V>(
                rdd: rdd, partitioner: partitioner,
                shuffleHandle: SortShuffleManager.registerShuffle(partition: partitionFunction(partitioner, keyType: K.self),
                                                                  numPartitions: partitioner.numPartitions, key: key,
                                                                  value: value))
            let shuffleId = dep.shuffleId
            dependency = .shuffle(dep)
            read = { part, ctx in
                try SortShuffleManager.of(ctx).getReader(shuffleId: shuffleId, reduceId: part, context: ctx)
                    .read(key: key, value: value)
            }
        }
    }
}
