import Runtime
import Scheduler
import Storage

// The operator types of two-RDD pair operations: cogroup, the joins and subtractByKey.
// Each replays its operator on the two rebuilt inputs (see RDDOperator).

@usableFromInline
enum CoGroupOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                     W: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        let left = try i.input(0, as: RDD<(K, V)>.self), right = try i.input(1, as: RDD<(K, W)>.self)
        return left.cogroupImpl(right, partitioner: shape.partitioner ?? left.pairPartitioner(right, shape.numPartitions),
                                requested: shape.numPartitions, operation: "cogroup",
                                callSite: makeCallSite(i.file, i.line))
    }
}

@usableFromInline
enum JoinOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                  W: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).joinRDD(i.input(1, as: RDD<(K, W)>.self),
                                                     numPartitions: i.params(PartitionerShape.self).numPartitions,
                                                     file: i.file, line: i.line)
    }
}

@usableFromInline
enum LeftOuterJoinOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                           W: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).leftOuterJoinRDD(i.input(1, as: RDD<(K, W)>.self),
                                                              numPartitions: i.params(PartitionerShape.self).numPartitions,
                                                              file: i.file, line: i.line)
    }
}

@usableFromInline
enum RightOuterJoinOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                            W: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).rightOuterJoinRDD(i.input(1, as: RDD<(K, W)>.self),
                                                               numPartitions: i.params(PartitionerShape.self).numPartitions,
                                                               file: i.file, line: i.line)
    }
}

@usableFromInline
enum FullOuterJoinOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                           W: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).fullOuterJoinRDD(i.input(1, as: RDD<(K, W)>.self),
                                                              numPartitions: i.params(PartitionerShape.self).numPartitions,
                                                              file: i.file, line: i.line)
    }
}

@usableFromInline
enum SubtractByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                           W: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).subtractByKeyRDD(i.input(1, as: RDD<(K, W)>.self),
                                                              numPartitions: i.params(PartitionerShape.self).numPartitions,
                                                              file: i.file, line: i.line)
    }
}
