import Runtime
import Scheduler
import Storage

/// How a by-key operation was asked to partition: a count, a HashPartitioner, or the default.
public struct PartitionerShape: Codable, Sendable {
    /// The partition count asked for, if any.
    public var numPartitions: Int?
    /// The count of the ``HashPartitioner`` given, if one was.
    public var hashPartitions: Int?
    /// False for a custom partitioner, which cannot travel yet.
    public var portable: Bool

    /// The shape of a call's `numPartitions` and `partitioner` arguments.
    @inlinable
    public init(numPartitions: Int?, partitioner: (any Partitioner)?) {
        self.numPartitions = numPartitions
        if let partitioner {
            let hash = partitioner as? HashPartitioner
            hashPartitions = hash?.requestedPartitions
            portable = hash != nil
        } else {
            hashPartitions = nil
            portable = true
        }
    }

    @inlinable
    var shipped: ShippedFunction { portable ? .value : .notPortable(reason: "uses a partitioner other than HashPartitioner") }
    @inlinable
    var partitioner: (any Partitioner)? { hashPartitions.map { HashPartitioner($0) } }
}
