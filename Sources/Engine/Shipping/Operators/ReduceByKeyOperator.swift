import Runtime
import Scheduler
import Storage

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
