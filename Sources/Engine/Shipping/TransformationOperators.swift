import Runtime
import Scheduler
import Storage

// The operator types of transformations: each replays its operator on the rebuilt input with
// the shipped functions and parameters (see RDDOperator). Replays go through the same
// `@inlinable` operator bodies as the driver's calls, so they run the same code.

@usableFromInline
enum MapOperator<T, U>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).mapRDD(i.function(0, T.self, U.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum FlatMapOperator<T, S: Sequence>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).flatMapRDD(i.function(0, T.self, S.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum FilterOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).filterRDD(i.predicate(0, T.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum MapValuesOperator<K, V, U>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).mapValuesRDD(i.function(0, V.self, U.self),
                                                           file: i.file, line: i.line)
    }
}

/// How a by-key operation was asked to partition: a count, a HashPartitioner, or the default.
public struct PartitionerShape: Codable, Sendable {
    /// The partition count asked for, if any.
    public var numPartitions: Int?
    /// The count of the ``HashPartitioner`` given, if one was.
    public var hashPartitions: Int?
    /// False for a custom partitioner, which cannot travel yet.
    public var portable: Bool

    /// The shape of a call's `numPartitions` and `partitioner` arguments.
    @inlinable
    public init(numPartitions: Int?, partitioner: (any Partitioner)?) {
        self.numPartitions = numPartitions
        if let partitioner {
            let hash = partitioner as? HashPartitioner
            hashPartitions = hash?.requestedPartitions
            portable = hash != nil
        } else {
            hashPartitions = nil
            portable = true
        }
    }

    @inlinable
    var shipped: ShippedFunction { portable ? .value : .notPortable(reason: "uses a partitioner other than HashPartitioner") }
    @inlinable
    var partitioner: (any Partitioner)? { hashPartitions.map { HashPartitioner($0) } }
}

@usableFromInline
enum ReduceByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).reduceByKey(
            numPartitions: shape.numPartitions, partitioner: shape.partitioner,
            i.function2(0, V.self, V.self, V.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum GroupByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).groupByKey(numPartitions: shape.numPartitions, partitioner: shape.partitioner,
                                                                file: i.file, line: i.line)
    }
}

/// The path and split count of a text file source.
public struct TextFileParams: Codable, Sendable {
    /// The file or directory read.
    public var path: String
    /// The `minPartitions` asked for, if any.
    public var minPartitions: Int?
    /// The parameters of one call.
    public init(path: String, minPartitions: Int?) {
        self.path = path
        self.minPartitions = minPartitions
    }
}

@usableFromInline
enum TextFileOperator: RDDOperator {
    @usableFromInline
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(TextFileParams.self)
        return try i.context.textFile(p.path, minPartitions: p.minPartitions, file: i.file, line: i.line)
    }
}

@usableFromInline
enum TextFileBytesOperator: RDDOperator {
    @usableFromInline
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(TextFileParams.self)
        return try i.context.textFileBytes(p.path, minPartitions: p.minPartitions, file: i.file, line: i.line)
    }
}

/// The encoded elements and slice count of `parallelize`.
public struct ParallelizeParams: Codable, Sendable {
    /// The elements, encoded as cached partitions are.
    public var data: [UInt8]
    /// The slice count asked for, if any.
    public var numSlices: Int?
    /// The parameters of one call.
    @inlinable
    public init(data: [UInt8], numSlices: Int?) {
        self.data = data
        self.numSlices = numSlices
    }
}

@usableFromInline
enum ParallelizeOperator<T>: RDDOperator {
    /// The elements, as bytes when they are Codable (else a reason the RDD cannot travel).
    @inlinable
    static func encode(_ values: [T]) -> (values: [T], bytes: [UInt8], shipped: ShippedFunction) {
        guard let s = PersistSerializers.dynamic(T.self), let bytes = try? s.encode(values) else {
            return (values, [], .notPortable(reason: "distributes elements of \(T.self), which is not Codable"))
        }
        return (values, bytes, .value)
    }

    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ParallelizeParams.self)
        guard let s = PersistSerializers.dynamic(T.self) else { throw ShippingError.corrupt("parallelize of \(T.self)") }
        return i.context.parallelizeRDD(try s.decode(p.data), numSlices: p.numSlices, file: i.file, line: i.line)
    }
}
