import Storage

/// Assigns a key to partition `hash(key) mod numPartitions`, as Spark's HashPartitioner.
/// ByteString, String and integer keys use `FastHash`, which is the same in every
/// process and every run (as Java's hashCode is for Spark); other keys use `Hashable`,
/// whose seed is per process.
///
/// The default of every by-key operation; it travels to executors in other processes as its
/// count (a partitioner of your own travels when its type is `Codable`).
public struct HashPartitioner: Partitioner, Equatable, CustomStringConvertible {
    /// Number of partitions: ``requestedPartitions``, or 1 when that is below 1.
    public let numPartitions: Int
    /// The count asked for; below 1 it is an error, reported by the first action on an RDD using it.
    public let requestedPartitions: Int

    /// A partitioner into `partitions` partitions (at least 1: an RDD shuffled by a smaller
    /// count fails its first action with `EngineError.invalidArgument`).
    public init(_ partitions: Int) {
        requestedPartitions = partitions
        numPartitions = Swift.max(1, partitions)
    }

    /// A partitioner into `max(1, partitions)` partitions, for counts checked elsewhere.
    @usableFromInline
    init(atLeastOne partitions: Int) { self.init(Swift.max(1, partitions)) }

    /// The partition of `key`.
    /// Mirrors Spark's `HashPartitioner.getPartition`.
    @inlinable
    public func partition<K: Hashable>(for key: K) -> Int {
        Self.partition(of: key, numPartitions: numPartitions)
    }

    @inlinable
    static func partition<K: Hashable>(of key: K, numPartitions: Int) -> Int {
        // The high half: hash tables index by the low bits, and keys of one partition must
        // not share those.
        Int(truncatingIfNeeded: (FastHash.hash(key) >> 32) % UInt64(numPartitions))
    }

    /// True when `other` is a `HashPartitioner` with the same ``numPartitions``.
    public func isEqual(to other: any Partitioner) -> Bool {
        (other as? HashPartitioner)?.numPartitions == numPartitions
    }

    /// `HashPartitioner(n)`.
    public var description: String { "HashPartitioner(\(numPartitions))" }
}
