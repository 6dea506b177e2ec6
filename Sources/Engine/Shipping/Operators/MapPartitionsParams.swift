import Runtime
import Scheduler
import Storage

// The operator types of transformations without a shuffle that work on whole partitions or on
// several inputs: each replays its operator on the rebuilt inputs (see RDDOperator).

/// How `mapPartitionsWithIndex` was called: whether it keeps the partitioner, and its name.
public struct MapPartitionsParams: Codable, Sendable {
    /// Whether the result keeps the input's partitioner.
    public var preservesPartitioning: Bool
    /// The operation's name in logs and lineage (`mapPartitionsWithIndex` unless given).
    public var operation: String
    /// The parameters of one call.
    @inlinable
    public init(preservesPartitioning: Bool, operation: String) {
        self.preservesPartitioning = preservesPartitioning
        self.operation = operation
    }
}
