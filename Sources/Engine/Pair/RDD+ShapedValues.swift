import Runtime
import Scheduler
import Storage

/// The codec of `X` from its shape (see `ShapeCodecs`), or an unusable codec and why `what` cannot serialize `X`.
@inlinable
func shapedElementCodec<X>(_: X.Type, _ what: String) -> (codec: ElementCodec<X>, refused: String?) {
    do {
        return (try ElementCodec<X>.shaped(), nil)
    } catch {
        let reason = "\(what): \(error)"
        return (.unavailable(reason), reason)
    }
}

// By-key operations whose values (or zero values) are of any serializable shape: tuples such
// as a join's `(V, W)`, optionals and arrays of Codable parts. They use the codec ``ShapeCodecs``
// builds for the value type; the overloads for `Codable` values are preferred where they apply.
// Values that cannot be serialized are reported by the first action, before any task runs.
extension RDD {
    /// ``reduceByKey(numPartitions:partitioner:_:file:line:)`` for values of any serializable
    /// shape, as `mapValues { ($0, 1) }.reduceByKey { ($0.0 + $1.0, $0.1 + $1.1) }` for averages.
    ///
    /// Mirrors Spark's `PairRDDFunctions.reduceByKey`.
    @_disfavoredOverload
    @inlinable
    public func reduceByKey<K: Hashable & Codable & SendableMetatype, V>(
        numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
        _ f: @escaping @Sendable (V, V) throws -> V, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, V)> where T == (K, V) {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(ShapedReduceByKeyOperator<K, V>.self, "reduceByKey", mark: mark, inputs: [self],
                                functions: [.of(f), shape.shipped], params: shape, file: file, line: line,
                                shapedReduceByKeyRDD(numPartitions: numPartitions, partitioner: partitioner, f,
                                                     file: file, line: line))
    }

    @inlinable
    func shapedReduceByKeyRDD<K: Hashable & Codable & SendableMetatype, V>(
        numPartitions: Int?, partitioner: (any Partitioner)?, _ f: @escaping @Sendable (V, V) throws -> V,
        file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        let agg = Aggregator<V, V>(createCombiner: { $0 }, mergeValue: { c, v in c = try f(c, v) },
                                   mergeCombiners: { c, d in c = try f(c, d) })
        let site = makeCallSite(file, line)
        let value = shapedElementCodec(V.self, "reduceByKey at \(site)")
        return combineByKey(agg, partitioner: partitioner ?? defaultPartitioner(numPartitions), mapSideCombine: true,
                            requested: numPartitions, operation: "reduceByKey", callSite: site,
                            key: .codable, value: value.codec, combiner: value.codec, refused: value.refused)
    }

    /// ``groupByKey(numPartitions:partitioner:file:line:)`` for values of any serializable shape.
    ///
    /// Mirrors Spark's `PairRDDFunctions.groupByKey`.
    @_disfavoredOverload
    @inlinable
    public func groupByKey<K: Hashable & Codable & SendableMetatype, V>(
        numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, [V])> where T == (K, V) {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(ShapedGroupByKeyOperator<K, V>.self, "groupByKey", mark: mark, inputs: [self],
                                functions: [shape.shipped], params: shape, file: file, line: line,
                                shapedGroupByKeyRDD(numPartitions: numPartitions, partitioner: partitioner,
                                                    file: file, line: line))
    }

    @inlinable
    func shapedGroupByKeyRDD<K: Hashable & Codable & SendableMetatype, V>(
        numPartitions: Int?, partitioner: (any Partitioner)?, file: String, line: Int
    ) -> RDD<(K, [V])> where T == (K, V) {
        let agg = Aggregator<V, [V]>(createCombiner: { [$0] }, mergeValue: { c, v in c.append(v) },
                                     mergeCombiners: { c, d in c.append(contentsOf: d) })
        let site = makeCallSite(file, line)
        let value = shapedElementCodec(V.self, "groupByKey at \(site)")
        let group = shapedElementCodec([V].self, "groupByKey at \(site)")
        return combineByKey(agg, partitioner: partitioner ?? defaultPartitioner(numPartitions), mapSideCombine: false,
                            requested: numPartitions, operation: "groupByKey", callSite: site,
                            key: .codable, value: value.codec, combiner: group.codec, refused: value.refused ?? group.refused)
    }

    /// ``aggregateByKey(_:numPartitions:_:_:file:line:)`` for values and zero values of any
    /// serializable shape: `aggregateByKey((0, 0.0), …)` sums and counts in one pass.
    ///
    /// Mirrors Spark's `PairRDDFunctions.aggregateByKey`: `zero` travels to the tasks encoded.
    @_disfavoredOverload
    @inlinable
    public func aggregateByKey<K: Hashable & Codable & SendableMetatype, V, U>(
        _ zero: U, numPartitions: Int? = nil, _ seqOp: @escaping @Sendable (U, V) throws -> U,
        _ combOp: @escaping @Sendable (U, U) throws -> U, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, U)> where T == (K, V) {
        let mark = context.idMark
        let zeroBytes = AggregateAction<T, U>.encodeZero(zero)
        return context.recorded(ShapedAggregateByKeyOperator<K, V, U>.self, "aggregateByKey", mark: mark, inputs: [self],
                                functions: [.of(seqOp), .of(combOp), zeroBytes.shipped],
                                params: ByKeyZeroParams(zero: zeroBytes.bytes, numPartitions: numPartitions),
                                file: file, line: line,
                                shapedAggregateByKeyRDD(zero, numPartitions: numPartitions, seqOp, combOp,
                                                        file: file, line: line))
    }

    @inlinable
    func shapedAggregateByKeyRDD<K: Hashable & Codable & SendableMetatype, V, U>(
        _ zero: U, numPartitions: Int?, _ seqOp: @escaping @Sendable (U, V) throws -> U,
        _ combOp: @escaping @Sendable (U, U) throws -> U, file: String, line: Int
    ) -> RDD<(K, U)> where T == (K, V) {
        let z = Unchecked(zero)
        let agg = Aggregator<V, U>(createCombiner: { try seqOp(z.value, $0) }, mergeValue: { c, v in c = try seqOp(c, v) },
                                   mergeCombiners: { c, d in c = try combOp(c, d) })
        let site = makeCallSite(file, line)
        let value = shapedElementCodec(V.self, "aggregateByKey at \(site)")
        let combiner = shapedElementCodec(U.self, "aggregateByKey at \(site)")
        return combineByKey(agg, partitioner: defaultPartitioner(numPartitions), mapSideCombine: true,
                            requested: numPartitions, operation: "aggregateByKey", callSite: site, key: .codable,
                            value: value.codec, combiner: combiner.codec, refused: value.refused ?? combiner.refused)
    }

    /// ``foldByKey(_:numPartitions:_:file:line:)`` for values of any serializable shape.
    ///
    /// Mirrors Spark's `PairRDDFunctions.foldByKey`.
    @_disfavoredOverload
    @inlinable
    public func foldByKey<K: Hashable & Codable & SendableMetatype, V>(
        _ zero: V, numPartitions: Int? = nil, _ f: @escaping @Sendable (V, V) throws -> V,
        file: String = #fileID, line: Int = #line
    ) -> RDD<(K, V)> where T == (K, V) {
        aggregateByKey(zero, numPartitions: numPartitions, f, f, file: file, line: line)
    }

    /// ``sortByKey(ascending:numPartitions:file:line:)`` for values of any serializable shape.
    ///
    /// Mirrors Spark's `OrderedRDDFunctions.sortByKey`.
    /// - Throws: as ``sortByKey(ascending:numPartitions:file:line:)``.
    @_disfavoredOverload
    @inlinable
    public func sortByKey<K: Comparable & Hashable & Codable & Sendable & SendableMetatype, V>(
        ascending: Bool = true, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> RDD<(K, V)> where T == (K, V) {
        let site = makeCallSite(file, line)
        if let n = numPartitions, n < 1 { throw .invalidArgument("sortByKey: numPartitions must be at least 1, got \(n)") }
        let value = shapedElementCodec(V.self, "sortByKey at \(site)")
        if let refused = value.refused { throw .invalidArgument(refused) }
        let n = Swift.max(1, numPartitions ?? self.numPartitions)
        let bounds = try keys(file: file, line: line).sampleBounds(partitions: n, callSite: "sortByKey at \(site)",
                                                                   file: file, line: line)
        let mark = context.idMark
        return context.recorded(ShapedSortByKeyOperator<K, V>.self, "sortByKey", mark: mark, inputs: [self],
                                params: SortByKeyParams(bounds: bounds, ascending: ascending), file: file, line: line,
                                sortByKeyRDD(bounds: bounds, ascending: ascending, file: file, line: line, value: value.codec))
    }

    /// ``sortBy(_:ascending:numPartitions:file:line:)`` for records of any serializable shape:
    /// `pairs.sortBy { $0.1 }` orders word counts by count.
    ///
    /// Mirrors Spark's `RDD.sortBy`.
    /// - Throws: as ``sortByKey(ascending:numPartitions:file:line:)-41nb1``.
    @_disfavoredOverload
    @inlinable
    public func sortBy<K: Comparable & Hashable & Codable & Sendable & SendableMetatype>(
        _ f: @escaping @Sendable (T) throws -> K, ascending: Bool = true, numPartitions: Int? = nil,
        file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> RDD<T> {
        try keyBy(f, file: file, line: line).sortByKey(ascending: ascending, numPartitions: numPartitions,
                                                      file: file, line: line).values(file: file, line: line)
    }
}
