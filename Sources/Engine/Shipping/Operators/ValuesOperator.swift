import Runtime
import Scheduler
import Storage

@usableFromInline
enum ValuesOperator<K, V>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).valuesRDD(callSite: makeCallSite(i.file, i.line))
    }
}
