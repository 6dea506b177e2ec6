import Runtime
import Storage

/// `(PartitionIterator<Input>) -> some Sequence`, for `mapPartitions` given a named `Codable` function type.
public protocol MapPartitionsFunction: PortableFunction {
    /// The record type of the partitions it reads.
    associatedtype Input
    /// The sequence it returns for a partition; its elements are the new partition's records.
    associatedtype Output: Sequence & SendableMetatype
    /// Called once per partition, on task threads; an error it throws fails the task.
    func callAsFunction(_ partition: PartitionIterator<Input>) throws -> Output
}

extension MapPartitionsFunction {
    /// `callAsFunction` as the closure type `mapPartitions` runs.
    public func shippedClosure() -> Any {
        { (it: PartitionIterator<Input>) throws -> Output in try self(it) } as @Sendable (PartitionIterator<Input>) throws -> Output
    }
}
