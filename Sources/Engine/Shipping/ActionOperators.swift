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

/// `top(n, by:)`: `takeOrdered` under the reversed ordering; the user's ordering travels as given.
@usableFromInline
enum TopAction<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let less = try i.ordering(0, T.self)
        return TakeOrderedAction<T>.make(try i.params(Int.self), { less($1, $0) })
    }
}

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

@usableFromInline
enum ForeachAction<T>: RDDOperator {
    @inlinable
    static func make(_ f: @escaping @Sendable (T) throws -> Void) -> ResultFunction<T, Void> {
        ResultFunction(.void) { _, s in try s.forEachRecord { x in try f(x) } }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.effect(0, T.self)) }
}

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
