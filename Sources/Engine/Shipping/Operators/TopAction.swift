import Runtime
import Scheduler
import Storage

/// `top(n, by:)`: `takeOrdered` under the reversed ordering; the user's ordering travels as given.
@usableFromInline
enum TopAction<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let less = try i.ordering(0, T.self)
        return TakeOrderedAction<T>.make(try i.params(Int.self), { less($1, $0) })
    }
}
