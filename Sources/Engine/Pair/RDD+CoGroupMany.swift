import Runtime
import Scheduler
import Storage

extension RDD {
    /// For each key in any of the three RDDs, its values here, in `b` and in `c`.
    ///
    /// Mirrors Spark's `PairRDDFunctions.cogroup(other1, other2)`: sides already partitioned by the
    /// result's partitioner are read directly, the others shuffled. Partitioned by `partitioner`,
    /// else `HashPartitioner(numPartitions)`, else the first of the three RDDs' partitioners,
    /// else a ``HashPartitioner`` over ``EngineContext/defaultParallelism``.
    @inlinable
    public func cogroup<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                        W1: Codable & SendableMetatype, W2: Codable & SendableMetatype>(
        _ b: RDD<(K, W1)>, _ c: RDD<(K, W2)>, numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
        file: String = #fileID, line: Int = #line
    ) -> RDD<(K, ([V], [W1], [W2]))> where T == (K, V) {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(CoGroup3Operator<K, V, W1, W2>.self, "cogroup", mark: mark, inputs: [self, b, c],
                                functions: [shape.shipped], params: shape, file: file, line: line,
                                cogroup3RDD(b, c, numPartitions: numPartitions, partitioner: partitioner, file: file, line: line))
    }

    @inlinable
    func cogroup3RDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                     W1: Codable & SendableMetatype, W2: Codable & SendableMetatype>(
        _ b: RDD<(K, W1)>, _ c: RDD<(K, W2)>, numPartitions: Int?, partitioner: (any Partitioner)?, file: String, line: Int
    ) -> RDD<(K, ([V], [W1], [W2]))> where T == (K, V) {
        let p = partitioner ?? manyPartitioner([b.partitioner, c.partitioner], numPartitions)
        let s0 = CoGroupSource(self as RDD<(K, V)>, partitioner: p), s1 = CoGroupSource(b, partitioner: p)
        let s2 = CoGroupSource(c, partitioner: p)
        typealias Buffers = CoGroupBuffers3<V, W1, W2>
        return cogroupMany(p, requested: numPartitions, dependencies: [s0.dependency, s1.dependency, s2.dependency],
                           file: file, line: line, { (p: Int, ctx: TaskContext, map: ExternalAppendOnlyMap<K, Buffers>) in
            try fill(map, s0.read(p, ctx)) { $0.a.append($1) }
            try fill(map, s1.read(p, ctx)) { $0.b.append($1) }
            try fill(map, s2.read(p, ctx)) { $0.c.append($1) }
        }, merge: { $0.merge($1) }, output: { ($0.a, $0.b, $0.c) })
    }

    /// For each key in any of the four RDDs, its values here, in `b`, in `c` and in `d`.
    ///
    /// Mirrors Spark's `PairRDDFunctions.cogroup(other1, other2, other3)`; partitioned as
    /// ``cogroup(_:_:numPartitions:partitioner:file:line:)``.
    @inlinable
    public func cogroup<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                        W1: Codable & SendableMetatype, W2: Codable & SendableMetatype, W3: Codable & SendableMetatype>(
        _ b: RDD<(K, W1)>, _ c: RDD<(K, W2)>, _ d: RDD<(K, W3)>, numPartitions: Int? = nil,
        partitioner: (any Partitioner)? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, ([V], [W1], [W2], [W3]))> where T == (K, V) {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(CoGroup4Operator<K, V, W1, W2, W3>.self, "cogroup", mark: mark, inputs: [self, b, c, d],
                                functions: [shape.shipped], params: shape, file: file, line: line,
                                cogroup4RDD(b, c, d, numPartitions: numPartitions, partitioner: partitioner,
                                            file: file, line: line))
    }

    @inlinable
    func cogroup4RDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                     W1: Codable & SendableMetatype, W2: Codable & SendableMetatype, W3: Codable & SendableMetatype>(
        _ b: RDD<(K, W1)>, _ c: RDD<(K, W2)>, _ d: RDD<(K, W3)>, numPartitions: Int?, partitioner: (any Partitioner)?,
        file: String, line: Int
    ) -> RDD<(K, ([V], [W1], [W2], [W3]))> where T == (K, V) {
        let p = partitioner ?? manyPartitioner([b.partitioner, c.partitioner, d.partitioner], numPartitions)
        let s0 = CoGroupSource(self as RDD<(K, V)>, partitioner: p), s1 = CoGroupSource(b, partitioner: p)
        let s2 = CoGroupSource(c, partitioner: p), s3 = CoGroupSource(d, partitioner: p)
        typealias Buffers = CoGroupBuffers4<V, W1, W2, W3>
        return cogroupMany(p, requested: numPartitions,
                           dependencies: [s0.dependency, s1.dependency, s2.dependency, s3.dependency],
                           file: file, line: line, { (p: Int, ctx: TaskContext, map: ExternalAppendOnlyMap<K, Buffers>) in
            try fill(map, s0.read(p, ctx)) { $0.a.append($1) }
            try fill(map, s1.read(p, ctx)) { $0.b.append($1) }
            try fill(map, s2.read(p, ctx)) { $0.c.append($1) }
            try fill(map, s3.read(p, ctx)) { $0.d.append($1) }
        }, merge: { $0.merge($1) }, output: { ($0.a, $0.b, $0.c, $0.d) })
    }

    /// Spark's name for ``cogroup(_:numPartitions:partitioner:file:line:)-92dso`` with one other RDD.
    @inlinable
    public func groupWith<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<(K, W)>, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, ([V], [W]))> where T == (K, V) {
        cogroup(other, file: file, line: line)
    }

    /// Spark's name for ``cogroup(_:_:numPartitions:partitioner:file:line:)``.
    @inlinable
    public func groupWith<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                          W1: Codable & SendableMetatype, W2: Codable & SendableMetatype>(
        _ b: RDD<(K, W1)>, _ c: RDD<(K, W2)>, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, ([V], [W1], [W2]))> where T == (K, V) {
        cogroup(b, c, file: file, line: line)
    }

    /// Spark's name for ``cogroup(_:_:_:numPartitions:partitioner:file:line:)``.
    @inlinable
    public func groupWith<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                          W1: Codable & SendableMetatype, W2: Codable & SendableMetatype, W3: Codable & SendableMetatype>(
        _ b: RDD<(K, W1)>, _ c: RDD<(K, W2)>, _ d: RDD<(K, W3)>, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, ([V], [W1], [W2], [W3]))> where T == (K, V) {
        cogroup(b, c, d, file: file, line: line)
    }

    /// The partitioner of a cogroup of several RDDs: explicit count, else the first existing one, else the default.
    @inlinable
    func manyPartitioner(_ others: [(any Partitioner)?], _ numPartitions: Int?) -> any Partitioner {
        if let n = numPartitions { return HashPartitioner(atLeastOne: n) }
        if let p = partitioner { return p }
        for case let p? in others { return p }
        return HashPartitioner(atLeastOne: context.defaultParallelism)
    }

    /// A CoGroupedRDD of several sources: `fill` reads every source's partition into the
    /// spillable map of per-key buffers, `output` turns a key's buffers into the result value.
    @inlinable
    func cogroupMany<K: Hashable & Codable & SendableMetatype, C: Codable & SendableMetatype, Out>(
        _ partitioner: any Partitioner, requested: Int?, dependencies: [LineageDependency], file: String, line: Int,
        _ fill: @escaping @Sendable (Int, TaskContext, ExternalAppendOnlyMap<K, C>) throws -> Void,
        merge: @escaping @Sendable (inout C, C) -> Void, output: @escaping @Sendable (C) -> Out
    ) -> RDD<(K, Out)> {
        let bad = (requested ?? 1) < 1 ? "cogroup: numPartitions must be at least 1, got \(requested!)"
            : partitionerError(partitioner, keyType: K.self, "cogroup")
        return RDD<(K, Out)>(context: context, kind: "CoGroupedRDD", operation: "cogroup",
                             numPartitions: partitioner.numPartitions, dependencies: dependencies, partitioner: partitioner,
                             callSite: makeCallSite(file, line), argumentError: bad) { p, ctx in
            let map = ExternalAppendOnlyMap<K, C>(context: ctx, key: .codable, combiner: .codable,
                                                  mergeCombiners: { c, d in merge(&c, d) }, what: "cogroup map")
            try fill(p, ctx, map)
            let groups = try map.stream()
            return PartitionStream { try groups.next()?.map { ($0.0, output($0.1)) } }
        }
    }
}

/// Adds every record of `stream` to its key's buffers in `map`, with `add`.
@inlinable
func fill<K: Hashable, C: Codable, V>(_ map: ExternalAppendOnlyMap<K, C>, _ stream: PartitionStream<(K, V)>,
                                      _ add: (inout C, V) -> Void) throws where C: CoGroupBuffersInit {
    while let chunk = try stream.next() {
        for (k, v) in chunk {
            try map.upsert(k, v, create: { v in
                var c = C()
                add(&c, v)
                return c
            }, merge: { c, v in add(&c, v) })
        }
    }
}

/// Buffers that start empty: ``CoGroupBuffers3`` and ``CoGroupBuffers4``.
public protocol CoGroupBuffersInit {
    /// Empty buffers.
    init()
}

extension CoGroupBuffers3: CoGroupBuffersInit {}
extension CoGroupBuffers4: CoGroupBuffersInit {}
