import Runtime
import Scheduler
import Storage

/// The arguments of one split of `randomSplit`.
public struct RandomSplitParams: Codable, Sendable {
    /// Every split's weight, as given.
    public var weights: [Double]
    /// Which split this is.
    public var index: Int
    /// The seed every partition's generator is derived from.
    public var seed: UInt64

    /// The parameters of one split.
    @inlinable
    public init(weights: [Double], index: Int, seed: UInt64) {
        self.weights = weights
        self.index = index
        self.seed = seed
    }

    /// This split's range of the uniform draw, and why the weights are bad, if they are.
    @usableFromInline
    var range: (lower: Double, upper: Double, error: String?) {
        let shown = "[" + weights.map { "\($0)" }.joined(separator: ", ") + "]"
        if let w = weights.first(where: { !($0 >= 0) || !$0.isFinite }) {
            return (0, 0, "randomSplit: weights must be non-negative finite numbers, got \(w) in \(shown)")
        }
        let total = weights.reduce(0, +)
        guard total > 0, total.isFinite else {
            return (0, 0, "randomSplit: the weights must sum to a positive finite number, got \(shown)")
        }
        var cumulative = 0.0
        for w in weights.prefix(index) { cumulative += w }
        let lower = cumulative / total
        let upper = index == weights.count - 1 ? 1.0 : (cumulative + weights[index]) / total
        return (lower, upper, nil)
    }
}

@usableFromInline
enum RandomSplitOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).randomSplitRDD(i.params(RandomSplitParams.self), file: i.file, line: i.line)
    }
}
