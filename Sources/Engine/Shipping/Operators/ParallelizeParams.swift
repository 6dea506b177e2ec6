import Runtime
import Scheduler
import Storage

/// The encoded elements and slice count of `parallelize`.
public struct ParallelizeParams: Codable, Sendable {
    /// The elements, encoded as cached partitions are.
    public var data: [UInt8]
    /// The slice count asked for, if any.
    public var numSlices: Int?
    /// The parameters of one call.
    @inlinable
    public init(data: [UInt8], numSlices: Int?) {
        self.data = data
        self.numSlices = numSlices
    }
}
