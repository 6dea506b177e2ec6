import Runtime
import Scheduler
import Storage

/// `zipWithIndex` records the index of each partition's first record, which its counting job found.
@usableFromInline
enum ZipWithIndexOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).zipWithIndexRDD(starts: i.params([Int].self), file: i.file, line: i.line)
    }
}
