import Runtime
import Scheduler
import Storage

@usableFromInline
enum DistinctOperator<T: Hashable & Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).distinctRDD(numPartitions: i.params(PartitionerShape.self).numPartitions,
                                                    file: i.file, line: i.line)
    }
}
