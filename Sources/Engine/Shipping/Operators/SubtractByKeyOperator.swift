import Runtime
import Scheduler
import Storage

@usableFromInline
enum SubtractByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                           W: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).subtractByKeyRDD(i.input(1, as: RDD<(K, W)>.self),
                                                                    numPartitions: shape.numPartitions,
                                                                    partitioner: shape.partitioner, file: i.file, line: i.line)
    }
}
