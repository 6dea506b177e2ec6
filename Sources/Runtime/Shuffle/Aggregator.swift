import Scheduler
import Storage
/// How values of one key are combined, as Spark's Aggregator: the first value makes a
/// combiner, later values merge into it, and combiners from different map tasks merge.
/// Merges work in place so that growing combiners (lists) are not copied.
public struct Aggregator<V, C>: Sendable {
    /// Makes a key's combiner from its first value in a task.
    @usableFromInline package let createCombiner: @Sendable (V) throws -> C
    /// Folds one more value of the key into its combiner, in place (within a task).
    @usableFromInline package let mergeValue: @Sendable (inout C, V) throws -> Void
    /// Merges another combiner of the same key into this one, in place (across map tasks and spill runs).
    @usableFromInline package let mergeCombiners: @Sendable (inout C, C) throws -> Void

    /// An aggregator of Spark's three `combineByKey` functions; `@Sendable` because they travel in
    /// task binaries and run on executor threads.
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
