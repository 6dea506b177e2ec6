import Runtime
import Scheduler
import Storage

// The job functions of actions, one operator type each, so that an executor in another process
// builds the same function the driver did (see RDDOperator). `make` is what both sides call.

@usableFromInline
enum CollectAction<T>: RDDOperator {
    @inlinable
    static func make() -> ResultFunction<T, Unchecked<[T]>> {
        ResultFunction(.records(T.self, wrap: { Unchecked($0) }, unwrap: { $0.value })) { _, s in Unchecked(try s.collectAll()) }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make() }
}
