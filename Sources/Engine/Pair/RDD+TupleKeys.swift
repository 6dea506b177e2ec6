import Runtime
import Scheduler
import Storage

/// What each part of a tuple key must be: the parts of a key `(A, B)` travel and hash as a ``Pair``.
public typealias TupleKeyPart = Hashable & Codable & SendableMetatype

// By-key operations on records `((A, B), V)`, whose key is a tuple of two fields: Swift's tuples
// are neither Hashable nor Codable, so each overload turns the keys into ``Pair`` keys (a `map`
// of ``TupleKeyToPair``), runs the operation on them and turns them back (``PairKeyToTuple``).
// The user's functions travel as they do for any key; results keep tuple keys. Values (and zero
// values) of reduceByKey, groupByKey, aggregateByKey and foldByKey may be of any serializable shape. The result has
// no partitioner (its keys are tuples), so a later by-key operation shuffles again.
extension RDD {
    /// The records with their tuple keys as ``Pair`` keys (Hashable and Codable).
    @inlinable
    public func pairKeys<A: TupleKeyPart, B: TupleKeyPart, V>(file: String = #fileID,
                                                               line: Int = #line) -> RDD<(Pair<A, B>, V)>
    where T == ((A, B), V) {
        map(TupleKeyToPair<A, B, V>(), file: file, line: line)
    }

    /// The records with their ``Pair`` keys as tuples again.
    @inlinable
    public func tupleKeys<A, B, V>(file: String = #fileID, line: Int = #line) -> RDD<((A, B), V)>
    where T == (Pair<A, B>, V) {
        map(PairKeyToTuple<A, B, V>(), file: file, line: line)
    }

    /// ``reduceByKey(numPartitions:partitioner:_:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `reduceByKey` on `RDD[((A, B), V)]`.
    @inlinable
    public func reduceByKey<A: TupleKeyPart, B: TupleKeyPart, V>(
        numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
        _ f: @escaping @Sendable (V, V) throws -> V, file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), V)> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .reduceByKey(numPartitions: numPartitions, partitioner: partitioner, f, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``groupByKey(numPartitions:partitioner:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `groupByKey` on `RDD[((A, B), V)]`.
    @inlinable
    public func groupByKey<A: TupleKeyPart, B: TupleKeyPart, V>(
        numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), [V])> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .groupByKey(numPartitions: numPartitions, partitioner: partitioner, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``aggregateByKey(_:numPartitions:_:_:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `aggregateByKey` on `RDD[((A, B), V)]`.
    @inlinable
    public func aggregateByKey<A: TupleKeyPart, B: TupleKeyPart, V, U>(
        _ zero: U, numPartitions: Int? = nil, _ seqOp: @escaping @Sendable (U, V) throws -> U,
        _ combOp: @escaping @Sendable (U, U) throws -> U, file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), U)> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .aggregateByKey(zero, numPartitions: numPartitions, seqOp, combOp, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``foldByKey(_:numPartitions:_:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `foldByKey` on `RDD[((A, B), V)]`.
    @inlinable
    public func foldByKey<A: TupleKeyPart, B: TupleKeyPart, V>(
        _ zero: V, numPartitions: Int? = nil, _ f: @escaping @Sendable (V, V) throws -> V,
        file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), V)> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .foldByKey(zero, numPartitions: numPartitions, f, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``combineByKey(createCombiner:mergeValue:mergeCombiners:numPartitions:partitioner:mapSideCombine:file:line:)-((V)->C,_,_,_,_,_,_,_)->RDD<(K,C)>``
    /// for keys of two fields.
    ///
    /// Mirrors Spark's `combineByKey` on `RDD[((A, B), V)]`.
    @inlinable
    public func combineByKey<A: TupleKeyPart, B: TupleKeyPart, V: Codable & SendableMetatype, C: Codable & SendableMetatype>(
        createCombiner: @escaping @Sendable (V) throws -> C, mergeValue: @escaping @Sendable (C, V) throws -> C,
        mergeCombiners: @escaping @Sendable (C, C) throws -> C, numPartitions: Int? = nil,
        partitioner: (any Partitioner)? = nil, mapSideCombine: Bool = true, file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), C)> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .combineByKey(createCombiner: createCombiner, mergeValue: mergeValue, mergeCombiners: mergeCombiners,
                          numPartitions: numPartitions, partitioner: partitioner, mapSideCombine: mapSideCombine,
                          file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``cogroup(_:numPartitions:partitioner:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `cogroup` on `RDD[((A, B), V)]`.
    @inlinable
    public func cogroup<A: TupleKeyPart, B: TupleKeyPart, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<((A, B), W)>, numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
        file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), ([V], [W]))> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .cogroup(other.pairKeys(file: file, line: line), numPartitions: numPartitions, partitioner: partitioner,
                     file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``join(_:numPartitions:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `join` on `RDD[((A, B), V)]`.
    @inlinable
    public func join<A: TupleKeyPart, B: TupleKeyPart, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<((A, B), W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), (V, W))> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .join(other.pairKeys(file: file, line: line), numPartitions: numPartitions, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``leftOuterJoin(_:numPartitions:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `leftOuterJoin` on `RDD[((A, B), V)]`.
    @inlinable
    public func leftOuterJoin<A: TupleKeyPart, B: TupleKeyPart, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<((A, B), W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), (V, W?))> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .leftOuterJoin(other.pairKeys(file: file, line: line), numPartitions: numPartitions, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``rightOuterJoin(_:numPartitions:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `rightOuterJoin` on `RDD[((A, B), V)]`.
    @inlinable
    public func rightOuterJoin<A: TupleKeyPart, B: TupleKeyPart, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<((A, B), W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), (V?, W))> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .rightOuterJoin(other.pairKeys(file: file, line: line), numPartitions: numPartitions, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``fullOuterJoin(_:numPartitions:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `fullOuterJoin` on `RDD[((A, B), V)]`.
    @inlinable
    public func fullOuterJoin<A: TupleKeyPart, B: TupleKeyPart, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<((A, B), W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), (V?, W?))> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .fullOuterJoin(other.pairKeys(file: file, line: line), numPartitions: numPartitions, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``subtractByKey(_:numPartitions:file:line:)`` for keys of two fields.
    ///
    /// Mirrors Spark's `subtractByKey` on `RDD[((A, B), V)]`.
    @inlinable
    public func subtractByKey<A: TupleKeyPart, B: TupleKeyPart, V: Codable & SendableMetatype, W: Codable & SendableMetatype>(
        _ other: RDD<((A, B), W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<((A, B), V)> where T == ((A, B), V) {
        pairKeys(file: file, line: line)
            .subtractByKey(other.pairKeys(file: file, line: line), numPartitions: numPartitions, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``sortByKey(ascending:numPartitions:file:line:)`` for keys of two fields, ordered by the
    /// first field, then the second (Scala's tuple ordering).
    ///
    /// Mirrors Spark's `sortByKey` on `RDD[((A, B), V)]`.
    /// - Throws: as ``sortByKey(ascending:numPartitions:file:line:)``.
    @inlinable
    public func sortByKey<A: TupleKeyPart & Comparable & Sendable, B: TupleKeyPart & Comparable & Sendable,
                          V: Codable & SendableMetatype>(
        ascending: Bool = true, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> RDD<((A, B), V)> where T == ((A, B), V) {
        try pairKeys(file: file, line: line)
            .sortByKey(ascending: ascending, numPartitions: numPartitions, file: file, line: line)
            .tupleKeys(file: file, line: line)
    }

    /// ``countByKey(file:line:)`` for keys of two fields: the counts under ``Pair`` keys
    /// (a dictionary cannot have tuple keys).
    ///
    /// Mirrors Spark's `countByKey` on `RDD[((A, B), V)]`.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func countByKey<A: TupleKeyPart, B: TupleKeyPart, V>(file: String = #fileID,
                                                                 line: Int = #line) throws(EngineError) -> [Pair<A, B>: Int]
    where T == ((A, B), V) {
        try pairKeys(file: file, line: line).countByKey(file: file, line: line)
    }
}
