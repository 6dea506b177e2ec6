import Engine
import Foundation
import Testing

/// Two-pass statistics, computed independently of StatCounter.
struct TwoPass {
    let count: Int, mean: Double, variance: Double, sampleVariance: Double, min: Double, max: Double
    init(_ xs: [Double]) {
        count = xs.count
        mean = xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count)
        let m = mean
        let ss = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        variance = xs.isEmpty ? .nan : ss / Double(xs.count)
        sampleVariance = xs.count < 2 ? .nan : ss / Double(xs.count - 1)
        min = xs.min() ?? .infinity
        max = xs.max() ?? -.infinity
    }
}

func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    (a.isNaN && b.isNaN) || a == b || abs(a - b) <= tolerance * Swift.max(1, abs(a), abs(b))
}

@Suite("Numeric RDDs: sum, stats, histogram")
struct NumericRDDTests {
    static func doubles(_ n: Int, seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in Double.random(in: -1e3...1e3, using: &rng) }
    }

    @Test func statCounterMergesAsATwoPassComputation() {
        for (n, cut) in [(0, 0), (1, 0), (1, 1), (2, 1), (1000, 3), (1000, 999), (5000, 2500)] {
            let xs = Self.doubles(n, seed: UInt64(n + cut)).map { $0 + 1e6 }  // a large offset tests stability
            var left = StatCounter(xs[..<cut]), right = StatCounter(xs[cut...])
            let direct = TwoPass(xs)
            left.merge(right)
            #expect(left.count == direct.count)
            #expect(close(left.mean, direct.mean))
            #expect(close(left.variance, direct.variance, 1e-6))
            #expect(close(left.sampleVariance, direct.sampleVariance, 1e-6))
            #expect(close(left.stdev, direct.variance.squareRoot(), 1e-6))
            #expect(left.min == direct.min && left.max == direct.max)
            #expect(close(left.sum, xs.reduce(0, +), 1e-9))
            right.merge(StatCounter())
            #expect(right == StatCounter(xs[cut...]), "merging an empty counter changes nothing")
            #expect(StatCounter().merging(StatCounter(xs)) == StatCounter(xs))
        }
        let empty = StatCounter()
        #expect(empty.count == 0 && empty.mean == 0 && empty.variance.isNaN && empty.sampleVariance.isNaN)
        #expect(empty.max == -.infinity && empty.min == .infinity)
        let one = StatCounter([4])
        #expect(one.variance == 0 && one.sampleVariance.isNaN)
        let withNaN = StatCounter([1, .nan, 3])
        #expect(withNaN.max.isNaN && withNaN.min.isNaN && withNaN.mean.isNaN)
        #expect(StatCounter([1, 2, 3]).description == "(count: 3, mean: 2.000000, stdev: 0.816497, max: 3.000000, min: 1.000000)")
    }

    @Test(arguments: Master.both)
    func statsOfDoublesAndIntegers(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices) in [(0, 3), (1, 4), (3, 8), (20_000, 7)] {
                let xs = Self.doubles(n, seed: 41)
                let direct = TwoPass(xs)
                let rdd = ctx.parallelize(xs, numSlices: slices)
                let s = try rdd.stats()
                #expect(s.count == n)
                #expect(close(s.mean, direct.mean) && close(s.variance, direct.variance, 1e-7))
                #expect(close(s.sampleVariance, direct.sampleVariance, 1e-7))
                #expect(s.min == direct.min && s.max == direct.max)
                #expect(close(try rdd.mean(), direct.mean))
                #expect(close(try rdd.variance(), direct.variance, 1e-7))
                #expect(close(try rdd.sampleVariance(), direct.sampleVariance, 1e-7))
                #expect(close(try rdd.stdev(), direct.variance.squareRoot(), 1e-7))
                #expect(close(try rdd.sampleStdev(), direct.sampleVariance.squareRoot(), 1e-7))
                #expect(close(try rdd.sum(), xs.reduce(0, +), 1e-9))

                let ints = randomInts(n, seed: 42)
                let irdd = ctx.parallelize(ints, numSlices: slices)
                let isum: Int = try irdd.sum()
                #expect(isum == ints.reduce(0, +), "the sum of integers is an exact integer")
                #expect(close(try irdd.mean(), TwoPass(ints.map(Double.init)).mean))
                #expect(try irdd.stats().count == n)
            }
            let bytes: [UInt8] = [200, 100, 7]
            expectEngineError(.invalidArgument, mentioning: ["sum", "307", "UInt8"]) {
                try ctx.parallelize(bytes, numSlices: 2).sum()
            }
            // Partial sums may leave Int's range as long as the total does not.
            let big = [Int.max, Int.max, -Int.max, -Int.max, 5]
            #expect(try ctx.parallelize(big, numSlices: 1).sum() == 5)
            expectEngineError(.invalidArgument, mentioning: ["sum", "does not fit"]) {
                try ctx.parallelize([Int.max, 1], numSlices: 2).sum()
            }
            #expect(try ctx.parallelize([Float(1.5), 2.5]).sum() == 4)
        }
    }

    @Test(arguments: Master.both)
    func histogramWithGivenBuckets(_ master: Master) throws {
        try withContext(master) { ctx throws in
            // Buckets [1, 10), [10, 20), [20, 50]: the last is closed; outside values and NaN count nowhere.
            let values: [Double] = [1, 50, 9.99, 10, 19.999, 20, 0.999, 50.001, .nan, -.infinity, .infinity, 35]
            let rdd = ctx.parallelize(values, numSlices: 3)
            #expect(try rdd.histogram(buckets: [1, 10, 20, 50]) == [2, 2, 3])
            #expect(try rdd.histogram(buckets: [1, 10, 20, 50], evenBuckets: false) == [2, 2, 3])
            // Even buckets take the computed path and agree with the search.
            #expect(try rdd.histogram(buckets: [0, 10, 20, 30, 40, 50], evenBuckets: true)
                        == rdd.histogram(buckets: [0, 10, 20, 30, 40, 50]))
            #expect(try rdd.histogram(buckets: [0, 10, 20, 30, 40, 50]) == [3, 2, 1, 1, 1])
            // Even buckets too wide for a Double's span fall back to the search.
            let wide = ctx.parallelize([-1e308, -5e307, 5e307, 1e308, 0], numSlices: 2)
            #expect(try wide.histogram(buckets: [-1e308, 0, 1e308], evenBuckets: true) == [2, 3])
            #expect(try wide.histogram(buckets: [-1e308, 0, 1e308]) == [2, 3])
            // A NaN last boundary collects NaN and everything from the boundary before it up.
            #expect(try rdd.histogram(buckets: [0, 20, .nan]) == [5, 6])
            // Infinite boundaries are allowed.
            #expect(try rdd.histogram(buckets: [-.infinity, 0, .infinity]) == [1, 10])
            #expect(try ctx.emptyRDD(of: Double.self).histogram(buckets: [0, 1]) == [0])
            #expect(try ctx.parallelize([Int](0..<100), numSlices: 4).histogram(buckets: [0, 50, 99]) == [50, 50])
            expectEngineError(.invalidArgument, mentioning: ["histogram", "at least two"]) { try rdd.histogram(buckets: [1]) }
            expectEngineError(.invalidArgument, mentioning: ["histogram", "sorted"]) { try rdd.histogram(buckets: [1, 3, 2]) }
            expectEngineError(.invalidArgument, mentioning: ["histogram", "sorted"]) { try rdd.histogram(buckets: [1, 1, 2]) }
        }
    }

    @Test(arguments: Master.both)
    func histogramWithEvenlySpacedBuckets(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices, count) in [(1000, 4, 4), (3, 9, 10), (20_000, 6, 7)] {
                let xs = Self.doubles(n, seed: 43)
                let (lo, hi) = (xs.min()!, xs.max()!)
                let (buckets, counts) = try ctx.parallelize(xs, numSlices: slices).histogram(count)
                #expect(buckets.count == count + 1 && buckets.first == lo && buckets.last == hi)
                // Plain-Swift counts: bucket i is [b_i, b_i+1), the last closed.
                var expected = [Int](repeating: 0, count: count)
                for x in xs {
                    if x == hi { expected[count - 1] += 1; continue }
                    if let i = (0..<count).first(where: { x >= buckets[$0] && x < buckets[$0 + 1] }) { expected[i] += 1 }
                }
                #expect(counts == expected)
                #expect(counts.reduce(0, +) == n)
            }
            // Spark's example: min 0, max 100, two buckets: [0, 50) and [50, 100].
            let (b, c) = try ctx.parallelize([0.0, 49.9, 50, 100], numSlices: 2).histogram(2)
            #expect(b == [0, 50, 100] && c == [2, 2])
            // Every value equal: one bucket [v, v] holding them all.
            let same = try ctx.parallelize([Double](repeating: 3.5, count: 10), numSlices: 3).histogram(5)
            #expect(same.buckets == [3.5, 3.5] && same.counts == [10])
            let ints = try ctx.parallelize(Array(0..<10), numSlices: 2).histogram(3)
            #expect(ints.buckets == [0, 3, 6, 9] && ints.counts == [3, 3, 4])
            expectEngineError(.invalidArgument, mentioning: ["histogram", "empty"]) { try ctx.emptyRDD(of: Double.self).histogram(3) }
            expectEngineError(.invalidArgument, mentioning: ["histogram", "NaN"]) { try ctx.parallelize([1, Double.nan]).histogram(3) }
            expectEngineError(.invalidArgument, mentioning: ["histogram", "infinity"]) {
                try ctx.parallelize([1, Double.infinity]).histogram(3)
            }
            expectEngineError(.invalidArgument, mentioning: ["bucketCount", "0"]) { try ctx.parallelize([1.0]).histogram(0) }
        }
    }
}
