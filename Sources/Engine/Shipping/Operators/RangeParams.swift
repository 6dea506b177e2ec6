import Runtime
import Scheduler
import Storage

// The operator types of sources without files or elements: `range` and `emptyRDD`
// (see TransformationOperators.swift for `textFile` and `parallelize`).

/// The arguments of `range`.
public struct RangeParams: Codable, Sendable {
    /// The first integer.
    public var start: Int
    /// The bound, excluded.
    public var end: Int
    /// The step, not 0.
    public var step: Int
    /// The partition count asked for, if any.
    public var numSlices: Int?
    /// The parameters of one call.
    public init(start: Int, end: Int, step: Int, numSlices: Int?) {
        self.start = start
        self.end = end
        self.step = step
        self.numSlices = numSlices
    }
}
