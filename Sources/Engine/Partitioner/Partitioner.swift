/// How keyed records are assigned to partitions, as Spark's Partitioner. Two RDDs
/// partitioned by equal partitioners have their keys in the same partitions, so
/// joining or aggregating them by key needs no new shuffle.
public protocol Partitioner: Sendable {
    /// Number of partitions.
    var numPartitions: Int { get }
    /// True when `other` assigns every key to the same partition as this one.
    func isEqual(to other: any Partitioner) -> Bool
}

/// A partitioner for keys of type `Key`. Implement it to partition by your own rule.
///
/// A custom partitioner works in local mode; it cannot travel to executors in other processes
/// yet (the job fails with `Task not serializable: … uses a partitioner other than HashPartitioner`).
public protocol KeyPartitioner<Key>: Partitioner {
    /// The type of the keys it partitions.
    associatedtype Key
    /// The partition of `key`, in `0..<numPartitions`.
    func partition(for key: Key) -> Int
}

/// The function that assigns a key to a partition under `partitioner`, built once per shuffle.
@inlinable
func partitionFunction<K: Hashable & SendableMetatype>(_ partitioner: any Partitioner, keyType: K.Type) -> @Sendable (K) -> Int {
    if let hash = partitioner as? HashPartitioner {
        let n = hash.numPartitions
        return { key in HashPartitioner.partition(of: key, numPartitions: n) }
    }
    if let keyed = partitioner as? any KeyPartitioner<K> {
        return { key in keyed.partition(for: key) }
    }
    preconditionFailure("partitioner \(partitioner) cannot partition keys of type \(K.self)")
}

/// The error of a partitioner made with an invalid count, if any.
@usableFromInline
func partitionerError(_ partitioner: any Partitioner, _ operation: String) -> String? {
    if let h = partitioner as? HashPartitioner, h.requestedPartitions < 1 {
        return "\(operation): a HashPartitioner needs at least 1 partition, got \(h.requestedPartitions)"
    }
    return nil
}

/// True when both are nil or equal.
func samePartitioner(_ a: (any Partitioner)?, _ b: (any Partitioner)?) -> Bool {
    guard let a, let b else { return false }
    return a.isEqual(to: b)
}
