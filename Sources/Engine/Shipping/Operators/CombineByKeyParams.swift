import Runtime
import Scheduler
import Storage

/// How `combineByKey` was asked to partition, and whether it combines on the map side.
public struct CombineByKeyParams: Codable, Sendable {
    /// How the result is partitioned.
    public var shape: PartitionerShape
    /// Whether values are combined before the shuffle.
    public var mapSideCombine: Bool
    /// The parameters of one call.
    @inlinable
    public init(shape: PartitionerShape, mapSideCombine: Bool) {
        self.shape = shape
        self.mapSideCombine = mapSideCombine
    }
}
