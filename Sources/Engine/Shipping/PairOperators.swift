import Runtime
import Scheduler
import Storage

// The operator types of pair transformations besides mapValues, reduceByKey and groupByKey
// (TransformationOperators.swift): each replays its operator on the rebuilt input.

@usableFromInline
enum FlatMapValuesOperator<K, V, S: Sequence>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).flatMapValuesRDD(i.function(0, V.self, S.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum KeysOperator<K, V>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).keysRDD(callSite: makeCallSite(i.file, i.line))
    }
}

@usableFromInline
enum ValuesOperator<K, V>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).valuesRDD(callSite: makeCallSite(i.file, i.line))
    }
}

/// How `combineByKey` was asked to partition, and whether it combines on the map side.
public struct CombineByKeyParams: Codable, Sendable {
    /// How the result is partitioned.
    public var shape: PartitionerShape
    /// Whether values are combined before the shuffle.
    public var mapSideCombine: Bool
    /// The parameters of one call.
    @inlinable
    public init(shape: PartitionerShape, mapSideCombine: Bool) {
        self.shape = shape
        self.mapSideCombine = mapSideCombine
    }
}

@usableFromInline
enum CombineByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                          C: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(CombineByKeyParams.self)
        return try i.input(0, as: RDD<(K, V)>.self).combineByKeyRDD(
            createCombiner: i.function(0, V.self, C.self), mergeValue: i.function2(1, C.self, V.self, C.self),
            mergeCombiners: i.function2(2, C.self, C.self, C.self), numPartitions: p.shape.numPartitions,
            partitioner: p.shape.partitioner, mapSideCombine: p.mapSideCombine, file: i.file, line: i.line)
    }
}

/// The zero value and partition count of `foldByKey` and `aggregateByKey`.
public struct ByKeyZeroParams<Zero: Codable>: Codable {
    /// The zero value each key's fold starts from.
    public var zero: Zero
    /// The partition count asked for, if any.
    public var numPartitions: Int?
    /// The parameters of one call.
    @inlinable
    public init(zero: Zero, numPartitions: Int?) {
        self.zero = zero
        self.numPartitions = numPartitions
    }
}

@usableFromInline
enum FoldByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ByKeyZeroParams<V>.self)
        return try i.input(0, as: RDD<(K, V)>.self).foldByKeyRDD(p.zero, numPartitions: p.numPartitions,
                                                                 i.function2(0, V.self, V.self, V.self),
                                                                 file: i.file, line: i.line)
    }
}

@usableFromInline
enum AggregateByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                            U: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ByKeyZeroParams<U>.self)
        return try i.input(0, as: RDD<(K, V)>.self).aggregateByKeyRDD(
            p.zero, numPartitions: p.numPartitions, i.function2(0, U.self, V.self, U.self),
            i.function2(1, U.self, U.self, U.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum PartitionByOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        guard let partitioner = try i.params(PartitionerShape.self).partitioner else {
            throw ShippingError.corrupt("partitionBy without its partitioner")
        }
        return try i.input(0, as: RDD<(K, V)>.self).shuffled(partitioner, operation: "partitionBy",
                                                             callSite: makeCallSite(i.file, i.line),
                                                             key: .codable, value: .codable)
    }
}
