import Runtime
import Scheduler
import Storage

// The operator types of cogroup with two and three other RDDs (see RDDOperator).

@usableFromInline
enum CoGroup3Operator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                      W1: Codable & SendableMetatype, W2: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).cogroup3RDD(i.input(1, as: RDD<(K, W1)>.self), i.input(2, as: RDD<(K, W2)>.self),
                                                               numPartitions: shape.numPartitions,
                                                               partitioner: shape.partitioner, file: i.file, line: i.line)
    }
}

@usableFromInline
enum CoGroup4Operator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                      W1: Codable & SendableMetatype, W2: Codable & SendableMetatype,
                      W3: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).cogroup4RDD(i.input(1, as: RDD<(K, W1)>.self), i.input(2, as: RDD<(K, W2)>.self),
                                                               i.input(3, as: RDD<(K, W3)>.self),
                                                               numPartitions: shape.numPartitions,
                                                               partitioner: shape.partitioner, file: i.file, line: i.line)
    }
}
