import Runtime
import Scheduler
import Storage

@usableFromInline
enum TakeAction<T>: RDDOperator {
    @inlinable
    static func make(_ left: Int) -> ResultFunction<T, Unchecked<[T]>> {
        ResultFunction(.records(T.self, wrap: { Unchecked($0) }, unwrap: { $0.value })) { _, s in
            var out: [T] = []
            while out.count < left, let chunk = try s.next() { out.append(contentsOf: chunk.prefix(left - out.count)) }
            return Unchecked(out)
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.params(Int.self)) }
}
