import Runtime
import Scheduler
import Storage

@usableFromInline
enum ForeachAction<T>: RDDOperator {
    @inlinable
    static func make(_ f: @escaping @Sendable (T) throws -> Void) -> ResultFunction<T, Void> {
        ResultFunction(.void) { _, s in try s.forEachRecord { x in try f(x) } }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.effect(0, T.self)) }
}
