import Runtime
import Scheduler
import Storage

@usableFromInline
enum KeyByOperator<T, K>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).keyByRDD(i.function(0, T.self, K.self), file: i.file, line: i.line)
    }
}
