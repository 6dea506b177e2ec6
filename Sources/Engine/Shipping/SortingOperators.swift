import Runtime
import Scheduler
import Storage

// `sortByKey` runs a job to sample the keys, then records the call with the range bounds the
// sample gave, so that executors rebuild the same RangePartitioner without sampling again.

/// The range bounds and direction of a `sortByKey` call.
public struct SortByKeyParams<K: Codable>: Codable {
    /// The range bounds the sampling job found.
    public var bounds: [K]
    /// The sort direction.
    public var ascending: Bool
    /// The parameters of one call.
    @inlinable
    public init(bounds: [K], ascending: Bool) {
        self.bounds = bounds
        self.ascending = ascending
    }
}

@usableFromInline
enum SortByKeyOperator<K: Comparable & Hashable & Codable & Sendable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(SortByKeyParams<K>.self)
        return try i.input(0, as: RDD<(K, V)>.self).sortByKeyRDD(bounds: p.bounds, ascending: p.ascending,
                                                                 file: i.file, line: i.line)
    }
}

/// A partition's reservoir sample of keys and how many keys it had.
public struct KeySample<T: Codable>: Codable {
    /// The sampled keys.
    public var keys: [T]
    /// How many keys the partition had, to weight its sample.
    public var seen: Int
    /// One partition's sample.
    @inlinable
    public init(keys: [T], seen: Int) {
        self.keys = keys
        self.seen = seen
    }
}

/// The job function of `sortByKey`'s sample: a reservoir of at most `perPartition` keys of each partition.
@usableFromInline
enum SampleBoundsAction<T: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func make(_ perPartition: Int) -> ResultFunction<T, KeySample<T>> {
        ResultFunction(.codable) { ctx, s in
            var rng = SplitMix64(seed: 0x5a3d1e ^ UInt64(ctx.partitionId))
            var reservoir: [T] = []
            var seen = 0
            try s.forEachChunk { chunk in
                for x in chunk {
                    seen += 1
                    if reservoir.count < perPartition {
                        reservoir.append(x)
                    } else {
                        let j = Int(rng.next() % UInt64(seen))
                        if j < perPartition { reservoir[j] = x }
                    }
                }
            }
            return KeySample(keys: reservoir, seen: seen)
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.params(Int.self)) }
}
