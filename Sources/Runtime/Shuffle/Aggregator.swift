import Scheduler
import Storage
/// How values of one key are combined, as Spark's Aggregator: the first value makes a
/// combiner, later values merge into it, and combiners from different map tasks merge.
/// Merges work in place so that growing combiners (lists) are not copied.
public struct Aggregator<V, C>: Sendable {
    @usableFromInline package let createCombiner: @Sendable (V) throws -> C
    @usableFromInline package let mergeValue: @Sendable (inout C, V) throws -> Void
    @usableFromInline package let mergeCombiners: @Sendable (inout C, C) throws -> Void

    @inlinable
    public init(createCombiner: @escaping @Sendable (V) throws -> C,
                mergeValue: @escaping @Sendable (inout C, V) throws -> Void,
                mergeCombiners: @escaping @Sendable (inout C, C) throws -> Void) {
        self.createCombiner = createCombiner
        self.mergeValue = mergeValue
        self.mergeCombiners = mergeCombiners
    }

    /// Folds `chunk`'s values into `map` by key.
    @inlinable
    package func combineValues<K: Hashable>(_ chunk: [(K, V)], into map: ExternalAppendOnlyMap<K, C>) throws {
        for (k, v) in chunk { try map.upsert(k, v, create: createCombiner, merge: mergeValue) }
    }

    /// Folds a combiner into `map` under `key`.
    @inlinable
    package func combineCombiner<K: Hashable>(_ key: K, _ c: C, into map: ExternalAppendOnlyMap<K, C>) throws {
        try map.upsert(key, c, create: { $0 }, merge: mergeCombiners)
    }
}
