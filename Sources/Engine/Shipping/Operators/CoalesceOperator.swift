import Runtime
import Scheduler
import Storage

@usableFromInline
enum CoalesceOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).coalesceRDD(i.params(Int.self), file: i.file, line: i.line)
    }
}
