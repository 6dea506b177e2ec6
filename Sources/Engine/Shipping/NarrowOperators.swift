import Runtime
import Scheduler
import Storage

// The operator types of transformations without a shuffle that work on whole partitions or on
// several inputs: each replays its operator on the rebuilt inputs (see RDDOperator).

/// How `mapPartitionsWithIndex` was called: whether it keeps the partitioner, and its name.
public struct MapPartitionsParams: Codable, Sendable {
    /// Whether the result keeps the input's partitioner.
    public var preservesPartitioning: Bool
    /// The operation's name in logs and lineage (`mapPartitionsWithIndex` unless given).
    public var operation: String
    /// The parameters of one call.
    @inlinable
    public init(preservesPartitioning: Bool, operation: String) {
        self.preservesPartitioning = preservesPartitioning
        self.operation = operation
    }
}

@usableFromInline
enum MapPartitionsOperator<T, S: Sequence & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).mapPartitionsRDD(preservesPartitioning: i.params(Bool.self),
                                                         i.partitionFunction(0, T.self, S.self),
                                                         file: i.file, line: i.line)
    }
}

@usableFromInline
enum MapPartitionsWithIndexOperator<T, S: Sequence & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(MapPartitionsParams.self)
        return try i.input(0, as: RDD<T>.self).mapPartitionsWithIndexRDD(
            preservesPartitioning: p.preservesPartitioning, i.indexedPartitionFunction(0, T.self, S.self),
            operation: p.operation, file: i.file, line: i.line)
    }
}

@usableFromInline
enum GlomOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).glomRDD(file: i.file, line: i.line)
    }
}

@usableFromInline
enum KeyByOperator<T, K>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).keyByRDD(i.function(0, T.self, K.self), file: i.file, line: i.line)
    }
}

/// The arguments of `sample`.
public struct SampleParams: Codable, Sendable {
    /// Whether a record may be drawn more than once.
    public var withReplacement: Bool
    /// The expected share (without replacement) or count (with replacement) of each record.
    public var fraction: Double
    /// The seed every partition's generator is derived from.
    public var seed: UInt64
    /// The parameters of one call.
    @inlinable
    public init(withReplacement: Bool, fraction: Double, seed: UInt64) {
        self.withReplacement = withReplacement
        self.fraction = fraction
        self.seed = seed
    }
}

@usableFromInline
enum SampleOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(SampleParams.self)
        return try i.input(0, as: RDD<T>.self).sampleRDD(withReplacement: p.withReplacement, fraction: p.fraction,
                                                         seed: p.seed, file: i.file, line: i.line)
    }
}

@usableFromInline
enum CoalesceOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).coalesceRDD(i.params(Int.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum UnionOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        var rdds: [RDD<T>] = []
        for k in 0..<i.inputCount { rdds.append(try i.input(k, as: RDD<T>.self)) }
        return i.context.unionRDD(rdds, file: i.file, line: i.line)
    }
}

@usableFromInline
enum CartesianOperator<T, U>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).cartesianRDD(i.input(1, as: RDD<U>.self), file: i.file, line: i.line)
    }
}

/// `zipWithIndex` records the index of each partition's first record, which its counting job found.
@usableFromInline
enum ZipWithIndexOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).zipWithIndexRDD(starts: i.params([Int].self), file: i.file, line: i.line)
    }
}
