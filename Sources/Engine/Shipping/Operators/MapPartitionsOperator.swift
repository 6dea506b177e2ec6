import Runtime
import Scheduler
import Storage

@usableFromInline
enum MapPartitionsOperator<T, S: Sequence & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).mapPartitionsRDD(preservesPartitioning: i.params(Bool.self),
                                                         i.partitionFunction(0, T.self, S.self),
                                                         file: i.file, line: i.line)
    }
}
