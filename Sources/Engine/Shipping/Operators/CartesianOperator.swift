import Runtime
import Scheduler
import Storage

@usableFromInline
enum CartesianOperator<T, U>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).cartesianRDD(i.input(1, as: RDD<U>.self), file: i.file, line: i.line)
    }
}
