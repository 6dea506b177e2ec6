import Runtime
import Scheduler
import Storage

extension RDD {
    /// Splits the records at random into one RDD per weight, each record going to exactly one of them.
    ///
    /// Mirrors Spark's `RDD.randomSplit`: the weights are normalized to sum to 1; every split
    /// recomputes this RDD and draws, for each record, the same uniform number from a generator
    /// seeded by `seed` and the partition index, keeping the record when the number falls in its
    /// split's range. So the splits are disjoint and together hold every record once, provided
    /// this RDD gives the same records in the same order each time it is computed (cache it
    /// otherwise). The last range ends at exactly 1, so no record is lost to rounding.
    ///
    /// A negative or non-finite weight, or weights that do not sum to a positive number, are
    /// reported by the first action on any split as `EngineError.invalidArgument` (no weights at all
    /// give one split that reports it).
    @inlinable
    public func randomSplit(_ weights: [Double], seed: UInt64 = 0x5eed, file: String = #fileID,
                            line: Int = #line) -> [RDD<T>] {
        (0..<Swift.max(1, weights.count)).map { index in
            let mark = context.idMark
            let params = RandomSplitParams(weights: weights, index: index, seed: seed)
            return context.recorded(RandomSplitOperator<T>.self, "randomSplit", mark: mark, inputs: [self], params: params,
                                    file: file, line: line, randomSplitRDD(params, file: file, line: line))
        }
    }

    @inlinable
    func randomSplitRDD(_ params: RandomSplitParams, file: String, line: Int) -> RDD<T> {
        let (lower, upper, bad) = params.range
        let seed = params.seed
        return derive("randomSplit", callSite: makeCallSite(file, line), preservesPartitioning: true,
                      argumentError: bad) { p, _, input in
            var rng = SplitMix64(seed: seed &+ UInt64(p) &* 0x9E37_79B9_7F4A_7C15)
            return PartitionStream {
                guard let chunk = try input.next() else { return nil }
                var out: [T] = []
                for x in chunk {
                    let u = rng.nextDouble()
                    if u >= lower && u < upper { out.append(x) }
                }
                return out
            }
        }
    }

    /// A random sample of exactly `num` records (fewer only when the RDD has fewer and
    /// `withReplacement` is false), in random order, on the driver.
    ///
    /// Mirrors Spark's `RDD.takeSample`: counts the records (one job), then samples with a
    /// fraction chosen so that one pass very likely gives enough records, sampling again with a
    /// new seed in the rare case it does not, then shuffles the sample with a generator seeded
    /// by `seed` and keeps `num`. Without replacement, asking for at least as many records as
    /// there are returns them all, shuffled. The same seed on the same data gives the same sample.
    /// - Throws: `EngineError.invalidArgument` when `num` is negative or above 2,147,021,420
    ///   (Spark's limit); otherwise as ``collect(file:line:)``.
    public func takeSample(withReplacement: Bool, num: Int, seed: UInt64 = UInt64.random(in: 0...UInt64.max),
                           file: String = #fileID, line: Int = #line) throws(EngineError) -> [T] {
        guard num >= 0 else { throw .invalidArgument("takeSample: num must be at least 0, got \(num)") }
        guard num <= takeSampleLimit else {
            throw .invalidArgument("takeSample: cannot return more than \(takeSampleLimit) records, asked for \(num)")
        }
        guard num > 0 else { return [] }
        let total = try count(file: file, line: line)
        guard total > 0 else { return [] }
        var rng = SplitMix64(seed: seed)
        if !withReplacement && num >= total {
            var all = try collect(file: file, line: line)
            shuffleInPlace(&all, &rng)
            return all
        }
        let fraction = sampleFraction(forSize: num, total: total, withReplacement: withReplacement)
        var samples = try sample(withReplacement: withReplacement, fraction: fraction, seed: rng.next(),
                                 file: file, line: line).collect(file: file, line: line)
        while samples.count < num {
            context.logger.warning("takeSample: needed to sample again: \(samples.count) of \(num) records drawn")
            samples = try sample(withReplacement: withReplacement, fraction: fraction, seed: rng.next(),
                                 file: file, line: line).collect(file: file, line: line)
        }
        shuffleInPlace(&samples, &rng)
        return Array(samples.prefix(num))
    }
}

/// The largest sample `takeSample` returns, as Spark's (Int.MaxValue less ten standard deviations).
@usableFromInline let takeSampleLimit = Int(Int32.max) - Int(10.0 * Double(Int32.max).squareRoot())

/// Fisher–Yates shuffle with `rng`, as Spark's Utils.randomizeInPlace.
@inlinable
func shuffleInPlace<E>(_ a: inout [E], _ rng: inout SplitMix64) {
    guard a.count > 1 else { return }
    for i in stride(from: a.count - 1, to: 0, by: -1) {
        let j = Int(rng.next() % UInt64(i + 1))
        a.swapAt(i, j)
    }
}

/// The sampling fraction that gives at least `size` of `total` records with probability about
/// 1 − 10⁻⁴, as Spark's SamplingUtils.computeFractionForSampleSize (Poisson bounds with
/// replacement, binomial bounds without).
@inlinable
func sampleFraction(forSize size: Int, total: Int, withReplacement: Bool) -> Double {
    let s = Double(size), n = Double(total)
    if withReplacement {
        let sd: Double = s < 6 ? 12 : (s < 16 ? 9 : 6)
        return Swift.max(s + sd * s.squareRoot(), 1e-10) / n
    }
    let fraction = s / n
    let gamma = -_log(1e-4) / n
    return Swift.min(1, Swift.max(1e-10, fraction + gamma + (gamma * gamma + 2 * gamma * fraction).squareRoot()))
}
