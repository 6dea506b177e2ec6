import Runtime
import Scheduler
import Storage

@usableFromInline
enum GroupByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).groupByKey(numPartitions: shape.numPartitions, partitioner: shape.partitioner,
                                                                file: i.file, line: i.line)
    }
}
