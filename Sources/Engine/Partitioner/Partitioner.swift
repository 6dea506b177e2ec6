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
/// A custom partitioner works in local mode. To travel to executors in other processes its type
/// must also be `Codable` and have a stable name (not `private`, not declared inside a
/// function): its mangled type name and encoded fields travel and the executor decodes the same
/// type; otherwise the job fails there with `Task not serializable: … uses the partitioner X,
/// which is not Codable`.
public protocol KeyPartitioner<Key>: Partitioner {
    /// The type of the keys it partitions.
    associatedtype Key
    /// The partition of `key`, in `0..<numPartitions`.
    func partition(for key: Key) -> Int
}

/// The function that assigns a key to a partition under `partitioner`, built once per shuffle.
/// A ``KeyPartitioner``'s answer is checked: one outside `0..<numPartitions` throws
/// ``EngineError/partitionOutOfRange(partitioner:key:partition:numPartitions:)``, which fails
/// the map task (and the job, once the task has failed `engine.task.maxFailures` times).
@inlinable
func partitionFunction<K: Hashable & SendableMetatype>(_ partitioner: any Partitioner,
                                                       keyType: K.Type) -> @Sendable (K) throws(EngineError) -> Int {
    if let hash = partitioner as? HashPartitioner {
        let n = hash.numPartitions
        return { key in HashPartitioner.partition(of: key, numPartitions: n) }
    }
    if let keyed = partitioner as? any KeyPartitioner<K> {
        let n = keyed.numPartitions
        return { key throws(EngineError) in
            let p = keyed.partition(for: key)
            guard p >= 0 && p < n else { throw partitionOutOfRange(keyed, key: key, partition: p, numPartitions: n) }
            return p
        }
    }
    // Not reached by a task: partitionerError(_:keyType:_:) fails the action before any task runs.
    let message = partitionerError(partitioner, keyType: K.self, "shuffle") ?? "\(partitioner) cannot partition \(K.self)"
    return { _ throws(EngineError) in throw .invalidArgument(message) }
}

/// The error of a partitioner that put `key` outside `0..<numPartitions` (kept out of line:
/// the per-record path only compares).
@usableFromInline
func partitionOutOfRange<K>(_ partitioner: any Partitioner, key: K, partition: Int, numPartitions: Int) -> EngineError {
    var text = String(describing: key)
    if text.count > 100 { text = String(text.prefix(100)) + "…" }
    return .partitionOutOfRange(partitioner: String(describing: type(of: partitioner)), key: text,
                                partition: partition, numPartitions: numPartitions)
}

/// Why `partitioner` cannot shuffle keys of type `K` for `operation`, if it cannot: a
/// HashPartitioner made with a count below 1, a partitioner with fewer than 1 partition, or
/// one that is neither a HashPartitioner nor a ``KeyPartitioner`` of `K`.
@usableFromInline
func partitionerError<K>(_ partitioner: any Partitioner, keyType: K.Type, _ operation: String) -> String? {
    if let h = partitioner as? HashPartitioner {
        return h.requestedPartitions < 1
            ? "\(operation): a HashPartitioner needs at least 1 partition, got \(h.requestedPartitions)" : nil
    }
    let name = String(describing: type(of: partitioner))
    guard partitioner is any KeyPartitioner<K> else {
        return "\(operation): partitioner \(name) cannot partition keys of type \(K.self); "
            + "conform it to KeyPartitioner with Key == \(K.self), or use HashPartitioner"
    }
    if partitioner.numPartitions < 1 {
        return "\(operation): partitioner \(name) has \(partitioner.numPartitions) partitions; "
            + "its numPartitions must be at least 1"
    }
    return nil
}

/// True when both are nil or equal.
func samePartitioner(_ a: (any Partitioner)?, _ b: (any Partitioner)?) -> Bool {
    guard let a, let b else { return false }
    return a.isEqual(to: b)
}
