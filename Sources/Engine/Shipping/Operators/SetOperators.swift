import Runtime
import Scheduler
import Storage

// The operator types of intersection, subtract and groupBy (see RDDOperator).

@usableFromInline
enum IntersectionOperator<T: Hashable & Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<T>.self).intersectionRDD(i.input(1, as: RDD<T>.self), numPartitions: shape.numPartitions,
                                                              partitioner: shape.partitioner, file: i.file, line: i.line)
    }
}

@usableFromInline
enum SubtractOperator<T: Hashable & Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<T>.self).subtractRDD(i.input(1, as: RDD<T>.self), numPartitions: shape.numPartitions,
                                                          partitioner: shape.partitioner, file: i.file, line: i.line)
    }
}

@usableFromInline
enum GroupByOperator<T: Codable & SendableMetatype, K: Hashable & Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<T>.self).groupByRDD(numPartitions: shape.numPartitions, partitioner: shape.partitioner,
                                                         i.function(0, T.self, K.self), file: i.file, line: i.line)
    }
}
