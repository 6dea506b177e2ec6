import Runtime
import Scheduler
import Storage

/// The arguments of `sampleByKey`.
public struct SampleByKeyParams<K: Hashable & Codable>: Codable {
    /// Whether a record may be drawn more than once.
    public var withReplacement: Bool
    /// Each key's sampling rate.
    public var fractions: [K: Double]
    /// The seed every partition's generator is derived from.
    public var seed: UInt64
    /// The parameters of one call.
    @inlinable
    public init(withReplacement: Bool, fractions: [K: Double], seed: UInt64) {
        self.withReplacement = withReplacement
        self.fractions = fractions
        self.seed = seed
    }
}

@usableFromInline
enum SampleByKeyOperator<K: Hashable & Codable & SendableMetatype, V>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).sampleByKeyRDD(i.params(SampleByKeyParams<K>.self), file: i.file, line: i.line)
    }
}
