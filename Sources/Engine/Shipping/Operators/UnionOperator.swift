import Runtime
import Scheduler
import Storage

@usableFromInline
enum UnionOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        var rdds: [RDD<T>] = []
        for k in 0..<i.inputCount { rdds.append(try i.input(k, as: RDD<T>.self)) }
        return i.context.unionRDD(rdds, file: i.file, line: i.line)
    }
}
