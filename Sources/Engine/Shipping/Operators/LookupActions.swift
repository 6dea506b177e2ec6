import Runtime
import Scheduler
import Storage

/// Each task's values of the looked-up key.
@usableFromInline
enum LookupAction<K: Hashable & Codable & SendableMetatype, V>: RDDOperator {
    @inlinable
    static func make(_ key: K) -> ResultFunction<(K, V), Unchecked<[V]>> {
        let wanted = Unchecked(key)
        return ResultFunction(.records(V.self, wrap: { Unchecked($0) }, unwrap: { $0.value })) { _, s in
            var out: [V] = []
            try s.forEachRecord { kv in if kv.0 == wanted.value { out.append(kv.1) } }
            return Unchecked(out)
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.params(K.self)) }
}

/// Each task's values reduced by key into a dictionary.
@usableFromInline
enum ReduceByKeyLocallyAction<K: Hashable & SendableMetatype, V>: RDDOperator {
    @inlinable
    static func make(_ f: @escaping @Sendable (V, V) throws -> V) -> ResultFunction<(K, V), Unchecked<[K: V]>> {
        ResultFunction(.records((K, V).self, wrap: { Unchecked(Dictionary($0, uniquingKeysWith: { a, _ in a })) },
                                unwrap: { $0.value.map { ($0.key, $0.value) } })) { _, s in
            var map: [K: V] = [:]
            try s.forEachRecord { kv in
                if let old = map[kv.0] { map[kv.0] = try f(old, kv.1) } else { map[kv.0] = kv.1 }
            }
            return Unchecked(map)
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.function2(0, V.self, V.self, V.self)) }
}

/// `min(by:)` and `max(by:)`: each task's extreme record under the shipped ordering.
@usableFromInline
enum ExtremeAction<T>: RDDOperator {
    @inlinable
    static func make(_ less: @escaping @Sendable (T, T) -> Bool, largest: Bool) -> ResultFunction<T, Unchecked<T?>> {
        if largest { return ReduceAction<T>.make { a, b in less(a, b) ? b : a } }
        return ReduceAction<T>.make { a, b in less(b, a) ? b : a }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.ordering(0, T.self), largest: try i.params(Bool.self)) }
}
