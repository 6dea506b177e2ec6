/// Assigns keys to partitions by sorted ranges, as Spark's RangePartitioner: the range
/// bounds come from a sample of the RDD, so partitions are of roughly equal size, and
/// partition i holds keys no greater than those of partition i + 1 (when ascending).
///
/// ``RDD/sortByKey(ascending:numPartitions:file:line:)-41nb1`` builds one from a sample of the keys.
public struct RangePartitioner<K: Comparable & Sendable>: KeyPartitioner, CustomStringConvertible {
    /// Upper bounds of every partition but the last, ascending.
    public let bounds: [K]
    /// True when partition 0 holds the smallest keys; false when it holds the largest.
    public let ascending: Bool

    /// A partitioner with explicit bounds: `bounds.count + 1` partitions.
    public init(bounds: [K], ascending: Bool = true) {
        self.bounds = bounds
        self.ascending = ascending
    }

    /// `bounds.count + 1`.
    public var numPartitions: Int { bounds.count + 1 }

    /// Binary search for the first bound ≥ key.
    /// Mirrors Spark's `RangePartitioner.getPartition`.
    @inlinable
    public func partition(for key: K) -> Int {
        var lo = 0
        var hi = bounds.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if bounds[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return ascending ? lo : bounds.count - lo
    }

    /// True when `other` is a `RangePartitioner` of the same key type, bounds and direction.
    public func isEqual(to other: any Partitioner) -> Bool {
        guard let o = other as? RangePartitioner<K> else { return false }
        return o.ascending == ascending && o.bounds == bounds
    }

    /// `RangePartitioner(n partitions)`.
    public var description: String { "RangePartitioner(\(numPartitions) partitions)" }

    /// Picks `partitions - 1` bounds from `sample`, weighting each sampled key by
    /// `weight` (records it stands for), as Spark's RangePartitioner.determineBounds.
    @usableFromInline
    static func determineBounds(_ sample: [(key: K, weight: Double)], partitions: Int) -> [K] {
        let ordered = sample.sorted { $0.key < $1.key }
        let total = ordered.reduce(0.0) { $0 + $1.weight }
        guard partitions > 1, !ordered.isEmpty else { return [] }
        let step = total / Double(partitions)
        var cumulative = 0.0
        var target = step
        var bounds: [K] = []
        var previous: K?
        for (key, weight) in ordered {
            cumulative += weight
            if cumulative >= target {
                if previous == nil || previous! < key {
                    bounds.append(key)
                    target += step
                    previous = key
                    if bounds.count == partitions - 1 { break }
                }
            }
        }
        return bounds
    }
}

/// A RangePartitioner of `Codable` keys is `Codable`, so it travels to executors in other processes.
extension RangePartitioner: Codable where K: Codable {}
