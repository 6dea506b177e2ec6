import Runtime
import Scheduler
import Storage

@usableFromInline
enum FilterOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).filterRDD(i.predicate(0, T.self), file: i.file, line: i.line)
    }
}
