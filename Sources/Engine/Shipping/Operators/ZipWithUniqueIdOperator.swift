import Runtime
import Scheduler
import Storage

@usableFromInline
enum ZipWithUniqueIdOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).zipWithUniqueIdRDD(file: i.file, line: i.line)
    }
}
