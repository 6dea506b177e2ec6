import Runtime
import Scheduler
import Storage

@usableFromInline
enum ForeachPartitionAction<T>: RDDOperator {
    @inlinable
    static func make(_ f: @escaping @Sendable (PartitionIterator<T>) throws -> Void) -> ResultFunction<T, Void> {
        ResultFunction(.void) { _, s in
            let it = PartitionIterator(s)
            try f(it)
            try it.rethrowIfFailed()
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.partitionEffect(0, T.self)) }
}
