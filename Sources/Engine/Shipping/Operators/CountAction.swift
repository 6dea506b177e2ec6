import Runtime
import Scheduler
import Storage

@usableFromInline
enum CountAction<T>: RDDOperator {
    @inlinable
    static func make() -> ResultFunction<T, Int> {
        ResultFunction(.codable) { _, s in
            var n = 0
            try s.forEachRecord { _ in n += 1 }
            return n
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make() }
}
