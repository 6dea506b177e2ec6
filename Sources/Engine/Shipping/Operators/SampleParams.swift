import Runtime
import Scheduler
import Storage

/// The arguments of `sample`.
public struct SampleParams: Codable, Sendable {
    /// Whether a record may be drawn more than once.
    public var withReplacement: Bool
    /// The expected share (without replacement) or count (with replacement) of each record.
    public var fraction: Double
    /// The seed every partition's generator is derived from.
    public var seed: UInt64
    /// The parameters of one call.
    @inlinable
    public init(withReplacement: Bool, fraction: Double, seed: UInt64) {
        self.withReplacement = withReplacement
        self.fraction = fraction
        self.seed = seed
    }
}
