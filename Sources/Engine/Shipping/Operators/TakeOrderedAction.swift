import Runtime
import Scheduler
import Storage

@usableFromInline
enum TakeOrderedAction<T>: RDDOperator {
    @inlinable
    static func make(_ n: Int, _ less: @escaping @Sendable (T, T) -> Bool) -> ResultFunction<T, Unchecked<[T]>> {
        ResultFunction(.records(T.self, wrap: { Unchecked($0) }, unwrap: { $0.value })) { _, s in
            var best = BoundedSmallest<T>(capacity: n, by: less)
            try s.forEachRecord { x in best.insert(x) }
            return Unchecked(best.items)
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.params(Int.self), try i.ordering(0, T.self)) }
}
