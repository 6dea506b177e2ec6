import Runtime
import Scheduler
import Storage

@usableFromInline
enum AggregateAction<T, U>: RDDOperator {
    /// The zero value as bytes, or why it cannot travel (as a shipped-function entry, so the job says so).
    @inlinable
    static func encodeZero(_ zero: U) -> (bytes: [UInt8], shipped: ShippedFunction) {
        guard let s = PersistSerializers.dynamic(U.self), let bytes = try? s.encode([zero]) else {
            return ([], .notPortable(reason: "has a zero value of \(U.self), which is not Codable"))
        }
        return (bytes, .value)
    }

    @inlinable
    static func make(_ zero: U, _ seqOp: @escaping @Sendable (U, T) throws -> U) -> ResultFunction<T, Unchecked<U>> {
        let z = Unchecked(zero)
        return ResultFunction(.records(U.self, wrap: { Unchecked($0[0]) }, unwrap: { [$0.value] })) { _, s in
            var acc = z.value
            try s.forEachRecord { x in acc = try seqOp(acc, x) }
            return Unchecked(acc)
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        guard let s = PersistSerializers.dynamic(U.self), let zero = try s.decode(try i.params([UInt8].self)).first else {
            throw ShippingError.corrupt("aggregate's zero value")
        }
        return make(zero, try i.function2(0, U.self, T.self, U.self))
    }
}
