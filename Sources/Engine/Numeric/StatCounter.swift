/// The count, mean, variance, minimum and maximum of a set of numbers, kept in one pass in a
/// numerically robust way and mergeable, as Spark's `StatCounter` (Welford's update for one
/// value, Chan's formula for merging two counters).
///
/// ```swift
/// let s = try nums.stats()
/// print(s.count, s.mean, s.stdev, s.min, s.max)
/// ```
/// An empty counter has count 0, mean 0, sum 0, variance NaN, min +∞ and max −∞. A NaN among the
/// values makes mean, variance, min and max NaN (as Java's `Math.min`/`max` do for Spark).
public struct StatCounter: Codable, Sendable, Equatable, CustomStringConvertible {
    /// How many values were merged.
    public private(set) var count: Int = 0
    /// Their mean (0 when there are none).
    public private(set) var mean: Double = 0
    /// The sum of squared differences from the mean (Spark's `m2`).
    public private(set) var m2: Double = 0
    /// The largest value (−∞ when there are none).
    public private(set) var max: Double = -.infinity
    /// The smallest value (+∞ when there are none).
    public private(set) var min: Double = .infinity

    /// An empty counter.
    public init() {}

    /// A counter of `values`.
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        merge(values)
    }

    /// Adds one value (Welford's update).
    public mutating func merge(_ value: Double) {
        let delta = value - mean
        count += 1
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        max = Self.javaMax(max, value)
        min = Self.javaMin(min, value)
    }

    /// Adds every value of `values`.
    public mutating func merge<S: Sequence>(_ values: S) where S.Element == Double {
        for v in values { merge(v) }
    }

    /// Adds the values another counter has seen (Chan's parallel formula, weighting the mean
    /// towards the larger side as Spark does to keep precision).
    public mutating func merge(_ other: StatCounter) {
        guard other.count != 0 else { return }
        guard count != 0 else {
            self = other
            return
        }
        let n = Double(count), m = Double(other.count)
        let delta = other.mean - mean
        if other.count * 10 < count {
            mean += delta * m / (n + m)
        } else if count * 10 < other.count {
            mean = other.mean - delta * n / (n + m)
        } else {
            mean = (mean * n + other.mean * m) / (n + m)
        }
        m2 += other.m2 + delta * delta * n * m / (n + m)
        count += other.count
        max = Self.javaMax(max, other.max)
        min = Self.javaMin(min, other.min)
    }

    /// This counter merged with `other`.
    public func merging(_ other: StatCounter) -> StatCounter {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// count × mean.
    public var sum: Double { Double(count) * mean }

    /// The population variance, m2 / count (NaN when empty).
    public var variance: Double { count == 0 ? .nan : m2 / Double(count) }

    /// The sample variance, m2 / (count − 1), which corrects the bias of estimating the variance
    /// from a sample (NaN for fewer than two values).
    public var sampleVariance: Double { count <= 1 ? .nan : m2 / Double(count - 1) }

    /// The population standard deviation.
    public var stdev: Double { variance.squareRoot() }

    /// The sample standard deviation.
    public var sampleStdev: Double { sampleVariance.squareRoot() }

    /// `(count: 3, mean: 2.000000, stdev: 0.816497, max: 3.000000, min: 1.000000)`, as Spark prints it.
    public var description: String {
        "(count: \(count), mean: \(Self.fixed(mean)), stdev: \(Self.fixed(stdev)), max: \(Self.fixed(max)), min: \(Self.fixed(min)))"
    }

    /// Equal when every statistic is equal (NaNs compare equal to NaNs here).
    public static func == (a: StatCounter, b: StatCounter) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return a.count == b.count && same(a.mean, b.mean) && same(a.m2, b.m2) && same(a.max, b.max) && same(a.min, b.min)
    }

    static func javaMax(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
    static func javaMin(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }

    /// `x` with six decimals, as `%f`.
    static func fixed(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "Infinity" : "-Infinity") }
        let scaled = (abs(x) * 1_000_000).rounded()
        guard scaled < 9e18 else { return "\(x)" }
        let whole = Int(scaled) / 1_000_000, frac = Int(scaled) % 1_000_000
        let digits = String(frac)
        return (x < 0 && scaled > 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: 6 - digits.count) + digits
    }
}
