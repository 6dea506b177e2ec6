import Runtime
import Scheduler
import Storage

@usableFromInline
enum MapPartitionsWithIndexOperator<T, S: Sequence & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(MapPartitionsParams.self)
        return try i.input(0, as: RDD<T>.self).mapPartitionsWithIndexRDD(
            preservesPartitioning: p.preservesPartitioning, i.indexedPartitionFunction(0, T.self, S.self),
            operation: p.operation, file: i.file, line: i.line)
    }
}
