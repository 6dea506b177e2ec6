import Runtime
import Storage

/// `(Int, PartitionIterator<Input>) -> some Sequence`, for `mapPartitionsWithIndex` given a named
/// `Codable` function type.
public protocol MapPartitionsWithIndexFunction: PortableFunction {
    /// The record type of the partitions it reads.
    associatedtype Input
    /// The sequence it returns for a partition; its elements are the new partition's records.
    associatedtype Output: Sequence & SendableMetatype
    /// Called once per partition with the partition's index, on task threads; an error it throws fails the task.
    func callAsFunction(_ index: Int, _ partition: PartitionIterator<Input>) throws -> Output
}

extension MapPartitionsWithIndexFunction {
    /// `callAsFunction` as the closure type `mapPartitionsWithIndex` runs.
    public func shippedClosure() -> Any {
        { (i: Int, it: PartitionIterator<Input>) throws -> Output in try self(i, it) }
            as @Sendable (Int, PartitionIterator<Input>) throws -> Output
    }
}
