import Runtime
import Scheduler
import Storage

// The operator types of shuffles of records or values of any serializable shape (see RDD+ShapedValues).

@usableFromInline
enum ShapedRepartitionOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).shapedRepartitionRDD(i.params(Int.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum ShapedReduceByKeyOperator<K: Hashable & Codable & SendableMetatype, V>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).shapedReduceByKeyRDD(
            numPartitions: shape.numPartitions, partitioner: shape.partitioner,
            i.function2(0, V.self, V.self, V.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum ShapedGroupByKeyOperator<K: Hashable & Codable & SendableMetatype, V>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).shapedGroupByKeyRDD(
            numPartitions: shape.numPartitions, partitioner: shape.partitioner, file: i.file, line: i.line)
    }
}
