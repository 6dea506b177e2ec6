import Runtime
import Scheduler
import Storage

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
