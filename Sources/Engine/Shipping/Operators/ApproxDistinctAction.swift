import Runtime
import Scheduler
import Storage

/// Each task's HyperLogLog++ sketch of its partition.
@usableFromInline
enum ApproxDistinctAction<T: Hashable & Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func make(_ p: Int) -> ResultFunction<T, HyperLogLogPlus> {
        ResultFunction(.codable) { _, s in
            var sketch = HyperLogLogPlus(p: p)
            try s.forEachRecord { x in sketch.offer(hash: try HyperLogLogPlus.hash(x)) }
            return sketch
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.params(Int.self)) }
}
