import Runtime
import Scheduler
import Storage

/// The zero value and partition count of `foldByKey` and `aggregateByKey`.
public struct ByKeyZeroParams<Zero: Codable>: Codable {
    /// The zero value each key's fold starts from.
    public var zero: Zero
    /// The partition count asked for, if any.
    public var numPartitions: Int?
    /// The parameters of one call.
    @inlinable
    public init(zero: Zero, numPartitions: Int?) {
        self.zero = zero
        self.numPartitions = numPartitions
    }
}
