import Runtime
import Scheduler
import Storage

/// Each task's bucket counts of its partition.
@usableFromInline
enum HistogramAction<T: NumericRecord>: RDDOperator {
    @inlinable
    static func make(_ buckets: HistogramBuckets) -> ResultFunction<T, [Int]> {
        ResultFunction(.codable) { _, s in
            var counts = [Int](repeating: 0, count: buckets.boundaries.count - 1)
            try s.forEachRecord { x in
                if let b = buckets.bucket(of: x.doubleValue) { counts[b] += 1 }
            }
            return counts
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.params(HistogramBuckets.self)) }
}
