import Runtime
import Scheduler
import Storage

// `sortByKey` runs a job to sample the keys, then records the call with the range bounds the
// sample gave, so that executors rebuild the same RangePartitioner without sampling again.

/// The range bounds and direction of a `sortByKey` call.
public struct SortByKeyParams<K: Codable>: Codable {
    /// The range bounds the sampling job found.
    public var bounds: [K]
    /// The sort direction.
    public var ascending: Bool
    /// The parameters of one call.
    @inlinable
    public init(bounds: [K], ascending: Bool) {
        self.bounds = bounds
        self.ascending = ascending
    }
}
