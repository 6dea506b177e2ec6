import Runtime
import Scheduler
import Storage

/// Which join a recorded join of values of any serializable shape made, so that its replay makes the same.
public enum JoinKind: String, Codable, Sendable {
    /// Keys on both sides.
    case inner
    /// Every record of the left side.
    case leftOuter
    /// Every record of the right side.
    case rightOuter
    /// Every key of either side.
    case fullOuter
}

// Cogroup and joins of values of any serializable shape, as a join result joined again
// (`a.join(b).join(c)`: values `(V, W)` on the left). The overloads for `Codable` values are
// preferred where they apply; values that cannot be serialized are reported by the first action.
extension RDD {
    /// The cogroup of this RDD and `other`: one implementation for every value type, given the
    /// values' codecs; `refused` is why they cannot be serialized, reported by the first action.
    @inlinable
    func cogroupImpl<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, partitioner: any Partitioner, requested: Int? = nil, operation: String,
        callSite site: String, value: ElementCodec<V>, otherValue: ElementCodec<W>, refused: String? = nil
    ) -> RDD<(K, ([V], [W]))> where T == (K, V) {
        let bad = (requested ?? 1) < 1 ? "\(operation): numPartitions must be at least 1, got \(requested!)"
            : refused ?? partitionerError(partitioner, keyType: K.self, operation)
        let left: RDD<(K, V)> = self
        let leftSource = CoGroupSource(left, partitioner: partitioner, value: value)
        let rightSource = CoGroupSource(other, partitioner: partitioner, value: otherValue)
        let groupsCodec = ElementCodecs.tuple(ElementCodecs.array(value, minimumSize: 0),
                                              ElementCodecs.array(otherValue, minimumSize: 0))
        return RDD<(K, ([V], [W]))>(context: context, kind: "CoGroupedRDD", operation: operation,
                                    numPartitions: partitioner.numPartitions,
                                    dependencies: [leftSource.dependency, rightSource.dependency],
                                    partitioner: partitioner, callSite: site, argumentError: bad) { p, ctx in
            let groups = ExternalAppendOnlyMap<K, ([V], [W])>(
                context: ctx, key: .codable, combiner: groupsCodec,
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

    /// ``cogroup(_:numPartitions:partitioner:file:line:)`` for values of any serializable shape.
    ///
    /// Mirrors Spark's `PairRDDFunctions.cogroup`.
    @_disfavoredOverload
    @inlinable
    public func cogroup<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, partitioner: (any Partitioner)? = nil,
        file: String = #fileID, line: Int = #line
    ) -> RDD<(K, ([V], [W]))> where T == (K, V) {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(ShapedCoGroupOperator<K, V, W>.self, "cogroup", mark: mark, inputs: [self, other],
                                functions: [shape.shipped], params: shape, file: file, line: line,
                                shapedCogroupRDD(other, numPartitions: numPartitions, partitioner: partitioner,
                                                 operation: "cogroup", file: file, line: line))
    }

    @inlinable
    func shapedCogroupRDD<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int?, partitioner: (any Partitioner)?, operation: String,
        file: String, line: Int
    ) -> RDD<(K, ([V], [W]))> where T == (K, V) {
        let site = makeCallSite(file, line)
        let value = shapedElementCodec(V.self, "\(operation) at \(site)")
        let otherValue = shapedElementCodec(W.self, "\(operation) at \(site)")
        return cogroupImpl(other, partitioner: partitioner ?? pairPartitioner(other, numPartitions), requested: numPartitions,
                           operation: operation, callSite: site, value: value.codec, otherValue: otherValue.codec,
                           refused: value.refused ?? otherValue.refused)
    }

    /// ``join(_:numPartitions:file:line:)`` for values of any serializable shape: `a.join(b).join(c)`.
    ///
    /// Mirrors Spark's `PairRDDFunctions.join`.
    @_disfavoredOverload
    @inlinable
    public func join<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, (V, W))> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(ShapedJoinOperator<K, V, W>.self, "join", mark: mark, inputs: [self, other],
                                params: ShapedJoinParams(kind: .inner, numPartitions: numPartitions), file: file, line: line,
                                shapedJoinRDD(other, numPartitions: numPartitions, file: file, line: line))
    }

    /// ``leftOuterJoin(_:numPartitions:file:line:)`` for values of any serializable shape.
    ///
    /// Mirrors Spark's `PairRDDFunctions.leftOuterJoin`.
    @_disfavoredOverload
    @inlinable
    public func leftOuterJoin<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, (V, W?))> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(ShapedJoinOperator<K, V, W>.self, "leftOuterJoin", mark: mark, inputs: [self, other],
                                params: ShapedJoinParams(kind: .leftOuter, numPartitions: numPartitions), file: file, line: line,
                                shapedLeftOuterJoinRDD(other, numPartitions: numPartitions, file: file, line: line))
    }

    /// ``rightOuterJoin(_:numPartitions:file:line:)`` for values of any serializable shape.
    ///
    /// Mirrors Spark's `PairRDDFunctions.rightOuterJoin`.
    @_disfavoredOverload
    @inlinable
    public func rightOuterJoin<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, (V?, W))> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(ShapedJoinOperator<K, V, W>.self, "rightOuterJoin", mark: mark, inputs: [self, other],
                                params: ShapedJoinParams(kind: .rightOuter, numPartitions: numPartitions), file: file, line: line,
                                shapedRightOuterJoinRDD(other, numPartitions: numPartitions, file: file, line: line))
    }

    /// ``fullOuterJoin(_:numPartitions:file:line:)`` for values of any serializable shape.
    ///
    /// Mirrors Spark's `PairRDDFunctions.fullOuterJoin`.
    @_disfavoredOverload
    @inlinable
    public func fullOuterJoin<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, (V?, W?))> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(ShapedJoinOperator<K, V, W>.self, "fullOuterJoin", mark: mark, inputs: [self, other],
                                params: ShapedJoinParams(kind: .fullOuter, numPartitions: numPartitions), file: file, line: line,
                                shapedFullOuterJoinRDD(other, numPartitions: numPartitions, file: file, line: line))
    }

    /// Cogroups with `other`, then turns each key's two value lists into result values with `combine`.
    @inlinable
    func shapedJoined<K: Hashable & Codable & SendableMetatype, V, W, X>(
        _ other: RDD<(K, W)>, numPartitions: Int?, operation: String, file: String, line: Int,
        _ combine: @escaping @Sendable ([V], [W]) -> [X]
    ) -> RDD<(K, X)> where T == (K, V) {
        shapedCogroupRDD(other, numPartitions: numPartitions, partitioner: nil, operation: operation, file: file, line: line)
            .flatMapValuesRDD({ (vs: [V], ws: [W]) in combine(vs, ws) }, file: file, line: line)
    }

    @inlinable
    func shapedJoinRDD<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int?, file: String, line: Int
    ) -> RDD<(K, (V, W))> where T == (K, V) {
        shapedJoined(other, numPartitions: numPartitions, operation: "join", file: file, line: line) { crossProduct($0, $1) }
    }

    @inlinable
    func shapedLeftOuterJoinRDD<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int?, file: String, line: Int
    ) -> RDD<(K, (V, W?))> where T == (K, V) {
        shapedJoined(other, numPartitions: numPartitions, operation: "leftOuterJoin", file: file, line: line) {
            crossProduct($0, orNil($1))
        }
    }

    @inlinable
    func shapedRightOuterJoinRDD<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int?, file: String, line: Int
    ) -> RDD<(K, (V?, W))> where T == (K, V) {
        shapedJoined(other, numPartitions: numPartitions, operation: "rightOuterJoin", file: file, line: line) {
            crossProduct(orNil($0), $1)
        }
    }

    @inlinable
    func shapedFullOuterJoinRDD<K: Hashable & Codable & SendableMetatype, V, W>(
        _ other: RDD<(K, W)>, numPartitions: Int?, file: String, line: Int
    ) -> RDD<(K, (V?, W?))> where T == (K, V) {
        shapedJoined(other, numPartitions: numPartitions, operation: "fullOuterJoin", file: file, line: line) {
            crossProduct(orNil($0), orNil($1))
        }
    }
}
