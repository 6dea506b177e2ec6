import Runtime
import Scheduler
import Storage

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
