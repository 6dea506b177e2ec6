/// Assigns a key to partition `hash(key) mod numPartitions` (non-negative), as Spark's
/// HashPartitioner. Keys' hashes come from `Hashable`; engine-submit runs jobs with
/// deterministic hashing so that every process of a job agrees.
public struct HashPartitioner: Partitioner, Equatable, CustomStringConvertible {
    public let numPartitions: Int

    /// A partitioner into `partitions` partitions (at least 1).
    public init(_ partitions: Int) {
        precondition(partitions >= 1, "HashPartitioner needs at least one partition, got \(partitions)")
        numPartitions = partitions
    }

    /// The partition of `key`.
    @inlinable
    public func partition<K: Hashable>(for key: K) -> Int {
        Self.partition(of: key, numPartitions: numPartitions)
    }

    @inlinable
    static func partition<K: Hashable>(of key: K, numPartitions: Int) -> Int {
        let h = key.hashValue % numPartitions
        return h < 0 ? h + numPartitions : h
    }

    public func isEqual(to other: any Partitioner) -> Bool {
        (other as? HashPartitioner)?.numPartitions == numPartitions
    }

    public var description: String { "HashPartitioner(\(numPartitions))" }
}
