import Runtime
import Storage

/// `(PartitionIterator<Input>) -> Void`, for `foreachPartition` given a named `Codable` function type.
public protocol ForeachPartitionFunction: PortableFunction {
    /// The record type of the partitions it reads.
    associatedtype Input
    /// Called once per partition, on the executors; an error it throws fails the task.
    func callAsFunction(_ partition: PartitionIterator<Input>) throws
}

extension ForeachPartitionFunction {
    /// `callAsFunction` as the closure type `foreachPartition` runs.
    public func shippedClosure() -> Any {
        { (it: PartitionIterator<Input>) throws -> Void in try self(it) } as @Sendable (PartitionIterator<Input>) throws -> Void
    }
}
