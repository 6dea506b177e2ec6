import Runtime
import Scheduler
import Storage

@usableFromInline
enum ReduceAction<T>: RDDOperator {
    @inlinable
    static func make(_ f: @escaping @Sendable (T, T) throws -> T) -> ResultFunction<T, Unchecked<T?>> {
        ResultFunction(.records(T.self, wrap: { Unchecked($0.first) }, unwrap: { $0.value.map { [$0] } ?? [] })) { _, s in
            var acc: T?
            try s.forEachRecord { x in acc = try acc.map { try f($0, x) } ?? x }
            return Unchecked(acc)
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.function2(0, T.self, T.self, T.self)) }
}
