import Runtime
import Scheduler
import Storage

@usableFromInline
enum FlatMapOperator<T, S: Sequence>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).flatMapRDD(i.function(0, T.self, S.self), file: i.file, line: i.line)
    }
}
