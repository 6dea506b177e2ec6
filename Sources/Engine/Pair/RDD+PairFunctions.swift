import Runtime
import Scheduler
import Storage

extension RDD {
    /// Applies `f` to each value, keeping keys and the partitioner.
    ///
    /// Mirrors Spark's `PairRDDFunctions.mapValues`: narrow, and since keys are untouched the
    /// result keeps this RDD's partitioner (a later by-key operation with an equal partitioner
    /// needs no shuffle).
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func mapValues<K, V, U>(_ f: @escaping @Sendable (V) throws -> U, file: String = #fileID,
                                   line: Int = #line) -> RDD<(K, U)> where T == (K, V) {
        mapValues(shipping: .of(f), f, file: file, line: line)
    }

    @inlinable
    func mapValuesRDD<K, V, U>(_ f: @escaping @Sendable (V) throws -> U, file: String, line: Int) -> RDD<(K, U)> where T == (K, V) {
        derive("mapValues", callSite: makeCallSite(file, line), preservesPartitioning: true) { _, _, input in
            PartitionStream(next: {
                guard let chunk = try input.next() else { return nil }
                var out: [(K, U)] = []
                out.reserveCapacity(chunk.count)
                for (k, v) in chunk { out.append((k, try f(v))) }
                return out
            }, push: { sink in try input.forEachRecord { kv in try sink((kv.0, try f(kv.1))) } })
        }
    }

    /// Applies `f` to each value and pairs every element it returns with the key; keeps the partitioner.
    ///
    /// Mirrors Spark's `PairRDDFunctions.flatMapValues`: narrow.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func flatMapValues<K, V, S: Sequence>(_ f: @escaping @Sendable (V) throws -> S, file: String = #fileID,
                                                 line: Int = #line) -> RDD<(K, S.Element)> where T == (K, V) {
        flatMapValues(shipping: .of(f), f, file: file, line: line)
    }

    @inlinable
    func flatMapValuesRDD<K, V, S: Sequence>(_ f: @escaping @Sendable (V) throws -> S, file: String,
                                             line: Int) -> RDD<(K, S.Element)> where T == (K, V) {
        derive("flatMapValues", callSite: makeCallSite(file, line), preservesPartitioning: true) { _, _, input in
            PartitionStream {
                guard let chunk = try input.next() else { return nil }
                var out: [(K, S.Element)] = []
                out.reserveCapacity(chunk.count)
                for (k, v) in chunk { for u in try f(v) { out.append((k, u)) } }
                return out
            }
        }
    }

    /// The keys.
    ///
    /// Mirrors Spark's `PairRDDFunctions.keys`: narrow; the result has no partitioner.
    @inlinable
    public func keys<K, V>(file: String = #fileID, line: Int = #line) -> RDD<K> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(KeysOperator<K, V>.self, "keys", mark: mark, inputs: [self], file: file, line: line,
                                keysRDD(callSite: makeCallSite(file, line)))
    }

    @inlinable
    func keysRDD<K, V>(callSite site: String) -> RDD<K> where T == (K, V) {
        derive("keys", callSite: site) { _, _, input in
            PartitionStream { try input.next()?.map { $0.0 } }
        }
    }

    /// The values.
    ///
    /// Mirrors Spark's `PairRDDFunctions.values`: narrow.
    @inlinable
    public func values<K, V>(file: String = #fileID, line: Int = #line) -> RDD<V> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(ValuesOperator<K, V>.self, "values", mark: mark, inputs: [self], file: file, line: line,
                                valuesRDD(callSite: makeCallSite(file, line)))
    }

    @inlinable
    func valuesRDD<K, V>(callSite site: String) -> RDD<V> where T == (K, V) {
        derive("values", callSite: site) { _, _, input in
            PartitionStream { try input.next()?.map { $0.1 } }
        }
    }

    /// The partitioner a by-key operation uses: `numPartitions` given, else Spark's
    /// defaultPartitioner (see ``DefaultPartitioner``).
    @inlinable
    func defaultPartitioner(_ numPartitions: Int?) -> any Partitioner { defaultPartitioner(numPartitions, others: []) }

    /// Combines the values of each key with an ``Aggregator``, as Spark's combineByKeyWithClassTag:
    /// no shuffle when this RDD is already partitioned by `partitioner`.
    @inlinable
    func combineByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, C: Codable & SendableMetatype>(
        _ aggregator: Aggregator<V, C>, partitioner: any Partitioner, mapSideCombine: Bool,
        requested: Int? = nil, operation: String, callSite site: String
    ) -> RDD<(K, C)> where T == (K, V) {
        combineByKey(aggregator, partitioner: partitioner, mapSideCombine: mapSideCombine, requested: requested,
                     operation: operation, callSite: site, key: .codable, value: .codable, combiner: .codable)
    }

    /// ``combineByKey(_:partitioner:mapSideCombine:requested:operation:callSite:)`` with the codecs
    /// of keys, values and combiners given (values and combiners of any serializable shape);
    /// `refused` is why they cannot be serialized, reported by the first action.
    @inlinable
    func combineByKey<K: Hashable & SendableMetatype, V, C>(
        _ aggregator: Aggregator<V, C>, partitioner: any Partitioner, mapSideCombine: Bool,
        requested: Int? = nil, operation: String, callSite site: String,
        key keyCodec: ElementCodec<K>, value valueCodec: ElementCodec<V>, combiner combinerCodec: ElementCodec<C>,
        refused: String? = nil
    ) -> RDD<(K, C)> where T == (K, V) {
        let bad = (requested ?? 1) < 1 ? "\(operation): numPartitions must be at least 1, got \(requested!)"
            : refused ?? partitionerError(partitioner, keyType: K.self, operation)
        let pairs: RDD<(K, V)> = self
        if let mine = partitioner as (any Partitioner)?, let current = self.partitioner, current.isEqual(to: mine) {
            return derive(operation, callSite: site, preservesPartitioning: true, argumentError: bad) { _, ctx, input in
                let map = ExternalAppendOnlyMap<K, C>(context: ctx, key: keyCodec, combiner: combinerCodec,
                                                      mergeCombiners: aggregator.mergeCombiners)
                while let chunk = try input.next() {
                    try ctx.checkInterrupted()
                    try aggregator.combineValues(chunk, into: map)
                }
                return try map.stream()
            }
        }
        let partition = partitionFunction(partitioner, keyType: K.self)
        let n = partitioner.numPartitions
        let handle = mapSideCombine
            ? SortShuffleManager.registerShuffle(partition: partition, numPartitions: n, aggregator: aggregator,
                                                 key: keyCodec, combiner: combinerCodec)
            : SortShuffleManager.registerShuffle(partition: partition, numPartitions: n, key: keyCodec, value: valueCodec)
        let dep = ShuffleDependency<K, V>(rdd: pairs, partitioner: partitioner, shuffleHandle: handle)
        let shuffleId = dep.shuffleId
        return RDD<(K, C)>(context: context, kind: "ShuffledRDD", operation: operation, numPartitions: n,
                           dependencies: [.shuffle(dep)], partitioner: partitioner, callSite: site,
                           argumentError: bad) { p, ctx in
            try SortShuffleManager.of(ctx).getReader(shuffleId: shuffleId, reduceId: p, context: ctx)
                .read(aggregator: aggregator, mapSideCombine: mapSideCombine, key: keyCodec, value: valueCodec,
                      combiner: combinerCodec)
        }
    }

    /// Combines each key's values with `createCombiner`, `mergeValue` and `mergeCombiners`, as Spark's combineByKey.
    ///
    /// The general by-key aggregation the others are built on: `createCombiner` makes a
    /// combiner from a key's first value in a partition, `mergeValue` adds a value to it, and
    /// `mergeCombiners` merges combiners of different partitions after the shuffle. With
    /// `mapSideCombine` (the default) values are combined before the shuffle, in an
    /// open-addressing map that spills sorted runs to disk when execution memory is refused.
    /// Partitioned by `partitioner`, else `HashPartitioner(numPartitions)`, else as Spark's
    /// defaultPartitioner: this RDD's partitioner, else a ``HashPartitioner`` over
    /// `engine.default.parallelism` when set, else over this RDD's partition count; when this
    /// RDD is already partitioned that way there is no shuffle.
    ///
    /// A partitioner of your own travels to executors in other processes when its type is
    /// `Codable` (see ``PartitionerShape``); otherwise the job fails there with
    /// `Task not serializable: …`. A count below 1 is reported by the first action as
    /// `EngineError.invalidArgument`.
    /// - Throws: nothing here; an error thrown by one of the functions fails the action (`EngineError.jobFailed`).
    @inlinable
    public func combineByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, C: Codable & SendableMetatype>(
        createCombiner: @escaping @Sendable (V) throws -> C, mergeValue: @escaping @Sendable (C, V) throws -> C,
        mergeCombiners: @escaping @Sendable (C, C) throws -> C, numPartitions: Int? = nil,
        partitioner: (any Partitioner)? = nil, mapSideCombine: Bool = true, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, C)> where T == (K, V) {
        combineByKey(shipping: (.of(createCombiner), .of(mergeValue), .of(mergeCombiners)), createCombiner: createCombiner,
                     mergeValue: mergeValue, mergeCombiners: mergeCombiners, numPartitions: numPartitions,
                     partitioner: partitioner, mapSideCombine: mapSideCombine, file: file, line: line)
    }

    @inlinable
    func combineByKeyRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, C: Codable & SendableMetatype>(
        createCombiner: @escaping @Sendable (V) throws -> C, mergeValue: @escaping @Sendable (C, V) throws -> C,
        mergeCombiners: @escaping @Sendable (C, C) throws -> C, numPartitions: Int?,
        partitioner: (any Partitioner)?, mapSideCombine: Bool, file: String, line: Int
    ) -> RDD<(K, C)> where T == (K, V) {
        let agg = Aggregator<V, C>(createCombiner: createCombiner,
                                   mergeValue: { c, v in c = try mergeValue(c, v) },
                                   mergeCombiners: { c, d in c = try mergeCombiners(c, d) })
        return combineByKey(agg, partitioner: partitioner ?? defaultPartitioner(numPartitions),
                            mapSideCombine: mapSideCombine, requested: numPartitions, operation: "combineByKey",
                            callSite: makeCallSite(file, line))
    }

    /// Merges each key's values with `f` (associative and commutative), combining on the map side first.
    ///
    /// Mirrors Spark's `PairRDDFunctions.reduceByKey`; partitioned as
    /// ``combineByKey(createCombiner:mergeValue:mergeCombiners:numPartitions:partitioner:mapSideCombine:file:line:)-((V)->C,_,_,_,_,_,_,_)->RDD<(K,C)>``.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func reduceByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>(
        numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
        _ f: @escaping @Sendable (V, V) throws -> V, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, V)> where T == (K, V) {
        reduceByKey(shipping: .of(f), numPartitions: numPartitions, partitioner: partitioner, f, file: file, line: line)
    }

    @inlinable
    func reduceByKeyRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>(
        numPartitions: Int?, partitioner: (any Partitioner)?, _ f: @escaping @Sendable (V, V) throws -> V, file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        let agg = Aggregator<V, V>(createCombiner: { $0 }, mergeValue: { c, v in c = try f(c, v) },
                                   mergeCombiners: { c, d in c = try f(c, d) })
        return combineByKey(agg, partitioner: partitioner ?? defaultPartitioner(numPartitions), mapSideCombine: true,
                            requested: numPartitions, operation: "reduceByKey", callSite: makeCallSite(file, line))
    }

    /// Folds each key's values from `zero` with `f`.
    ///
    /// Mirrors Spark's `PairRDDFunctions.foldByKey`: `zero` starts each key's fold in each
    /// partition, so it must be an identity of `f`.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func foldByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>(
        _ zero: V, numPartitions: Int? = nil, _ f: @escaping @Sendable (V, V) throws -> V,
        file: String = #fileID, line: Int = #line
    ) -> RDD<(K, V)> where T == (K, V) {
        foldByKey(shipping: .of(f), zero, numPartitions: numPartitions, f, file: file, line: line)
    }

    @inlinable
    func foldByKeyRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>(
        _ zero: V, numPartitions: Int?, _ f: @escaping @Sendable (V, V) throws -> V, file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        let z = Unchecked(zero)
        let agg = Aggregator<V, V>(createCombiner: { try f(z.value, $0) }, mergeValue: { c, v in c = try f(c, v) },
                                   mergeCombiners: { c, d in c = try f(c, d) })
        return combineByKey(agg, partitioner: defaultPartitioner(numPartitions), mapSideCombine: true,
                            requested: numPartitions, operation: "foldByKey", callSite: makeCallSite(file, line))
    }

    /// Aggregates each key's values from `zero` with `seqOp` within a partition and `combOp` across partitions.
    ///
    /// Mirrors Spark's `PairRDDFunctions.aggregateByKey`.
    /// - Throws: nothing here; an error thrown by `seqOp` or `combOp` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func aggregateByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, U: Codable & SendableMetatype>(
        _ zero: U, numPartitions: Int? = nil, _ seqOp: @escaping @Sendable (U, V) throws -> U,
        _ combOp: @escaping @Sendable (U, U) throws -> U, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, U)> where T == (K, V) {
        aggregateByKey(shipping: (.of(seqOp), .of(combOp)), zero, numPartitions: numPartitions, seqOp, combOp,
                       file: file, line: line)
    }

    @inlinable
    func aggregateByKeyRDD<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, U: Codable & SendableMetatype>(
        _ zero: U, numPartitions: Int?, _ seqOp: @escaping @Sendable (U, V) throws -> U,
        _ combOp: @escaping @Sendable (U, U) throws -> U, file: String, line: Int
    ) -> RDD<(K, U)> where T == (K, V) {
        let z = Unchecked(zero)
        let agg = Aggregator<V, U>(createCombiner: { try seqOp(z.value, $0) }, mergeValue: { c, v in c = try seqOp(c, v) },
                                   mergeCombiners: { c, d in c = try combOp(c, d) })
        return combineByKey(agg, partitioner: defaultPartitioner(numPartitions), mapSideCombine: true,
                            requested: numPartitions, operation: "aggregateByKey", callSite: makeCallSite(file, line))
    }

    /// Groups each key's values into one array (no map-side combine, as Spark).
    ///
    /// Mirrors Spark's `PairRDDFunctions.groupByKey`: every value travels through the shuffle and
    /// each key's values are held in memory together; prefer
    /// ``reduceByKey(numPartitions:partitioner:_:file:line:)-4s7d1`` or
    /// ``aggregateByKey(_:numPartitions:_:_:file:line:)-6nlqi`` to aggregate.
    @inlinable
    public func groupByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>(
        numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, [V])> where T == (K, V) {
        let mark = context.idMark
        let agg = Aggregator<V, [V]>(createCombiner: { [$0] }, mergeValue: { c, v in c.append(v) },
                                     mergeCombiners: { c, d in c.append(contentsOf: d) })
        let out = combineByKey(agg, partitioner: partitioner ?? defaultPartitioner(numPartitions), mapSideCombine: false,
                               requested: numPartitions, operation: "groupByKey", callSite: makeCallSite(file, line))
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(GroupByKeyOperator<K, V>.self, "groupByKey", mark: mark, inputs: [self],
                                functions: [shape.shipped], params: shape, file: file, line: line, out)
    }

    /// Redistributes the records by key with `partitioner`; the same RDD when already partitioned so.
    ///
    /// Mirrors Spark's `PairRDDFunctions.partitionBy`. A partitioner of your own travels to executors
    /// in other processes when its type is `Codable`.
    @inlinable
    public func partitionBy<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>(
        _ partitioner: any Partitioner, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, V)> where T == (K, V) {
        if let current = self.partitioner, current.isEqual(to: partitioner) { return self }
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: nil, partitioner: partitioner)
        return context.recorded(PartitionByOperator<K, V>.self, "partitionBy", mark: mark, inputs: [self],
                                functions: [shape.shipped], params: shape, file: file, line: line,
                                shuffled(partitioner, operation: "partitionBy", callSite: makeCallSite(file, line),
                                         key: .codable, value: .codable))
    }

    /// A shuffle by key without aggregation, as Spark's ShuffledRDD with no aggregator.
    @inlinable
    func shuffled<K: Hashable & SendableMetatype, V>(_ partitioner: any Partitioner, operation: String, callSite site: String,
                                  key: ElementCodec<K>, value: ElementCodec<V>) -> RDD<(K, V)> where T == (K, V) {
        let pairs: RDD<(K, V)> = self
        let partition = partitionFunction(partitioner, keyType: K.self)
        let n = partitioner.numPartitions
        let dep = ShuffleDependency<K, V>(rdd: pairs, partitioner: partitioner,
                                          shuffleHandle: SortShuffleManager.registerShuffle(
                                              partition: partition, numPartitions: n, key: key, value: value))
        let shuffleId = dep.shuffleId
        return RDD<(K, V)>(context: context, kind: "ShuffledRDD", operation: operation, numPartitions: n,
                           dependencies: [.shuffle(dep)], partitioner: partitioner, callSite: site,
                           argumentError: partitionerError(partitioner, keyType: K.self, operation)) { p, ctx in
            try SortShuffleManager.of(ctx).getReader(shuffleId: shuffleId, reduceId: p, context: ctx).read(key: key, value: value)
        }
    }

    /// Number of records of each key, on the driver.
    ///
    /// Mirrors Spark's `PairRDDFunctions.countByKey`: a `reduceByKey` job whose counts are
    /// collected to the driver.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func countByKey<K: Hashable & Codable & SendableMetatype, V>(file: String = #fileID, line: Int = #line) throws(EngineError) -> [K: Int]
    where T == (K, V) {
        let counts = map(KeyWithOne<K, V>(), file: file, line: line).reduceByKey(+, file: file, line: line)
        return Dictionary(uniqueKeysWithValues: try counts.collect(file: file, line: line))
    }

    /// Every record's value under its key, on the driver (the last value for repeated keys).
    ///
    /// Mirrors Spark's `PairRDDFunctions.collectAsMap`.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func collectAsMap<K: Hashable, V>(file: String = #fileID, line: Int = #line) throws(EngineError) -> [K: V]
    where T == (K, V) {
        let all = try collect(file: file, line: line)
        return Dictionary(all, uniquingKeysWith: { _, b in b })
    }
}
