import Runtime
import Scheduler
import Storage

@usableFromInline
enum MapValuesOperator<K, V, U>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).mapValuesRDD(i.function(0, V.self, U.self),
                                                           file: i.file, line: i.line)
    }
}
