import Runtime
import Scheduler
import Storage

extension RDD {
    /// A sample of each key's records at that key's rate in `fractions` (stratified sampling).
    ///
    /// Mirrors Spark's `PairRDDFunctions.sampleByKey`: one pass; without replacement each record
    /// is kept with probability `fractions[key]`, with replacement it is repeated a
    /// Poisson(`fractions[key]`) number of times. Each partition draws from its own generator seeded
    /// from `seed` and its index, so the same seed gives the same sample. Keeps the partitioner.
    /// A negative or non-finite fraction is reported by the first action as
    /// `EngineError.invalidArgument`; a record whose key has no fraction fails its task (and the
    /// action, with `EngineError.jobFailed`), as Spark's missing-key error.
    @inlinable
    public func sampleByKey<K: Hashable & Codable & SendableMetatype, V>(
        withReplacement: Bool, fractions: [K: Double], seed: UInt64 = 0x5eed, file: String = #fileID, line: Int = #line
    ) -> RDD<(K, V)> where T == (K, V) {
        let mark = context.idMark
        let params = SampleByKeyParams(withReplacement: withReplacement, fractions: fractions, seed: seed)
        return context.recorded(SampleByKeyOperator<K, V>.self, "sampleByKey", mark: mark, inputs: [self], params: params,
                                file: file, line: line, sampleByKeyRDD(params, file: file, line: line))
    }

    @inlinable
    func sampleByKeyRDD<K: Hashable & Codable & SendableMetatype, V>(
        _ params: SampleByKeyParams<K>, file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        let fractions = Unchecked(params.fractions), seed = params.seed, withReplacement = params.withReplacement
        var bad: String?
        if let (k, f) = fractions.value.first(where: { !($0.value >= 0) || !$0.value.isFinite }) {
            bad = "sampleByKey: fractions must be non-negative finite numbers, got \(f) for key \(k)"
        }
        let pairs: RDD<(K, V)> = self
        return pairs.derive("sampleByKey", callSite: makeCallSite(file, line), preservesPartitioning: true,
                            argumentError: bad) { p, _, input in
            var rng = SplitMix64(seed: seed &+ UInt64(p) &* 0x9E37_79B9_7F4A_7C15)
            return PartitionStream {
                guard let chunk = try input.next() else { return nil }
                var out: [(K, V)] = []
                for kv in chunk {
                    guard let f = fractions.value[kv.0] else {
                        throw EngineError.invalidArgument("sampleByKey: no fraction given for key \(kv.0); "
                                                          + "give every key of the RDD a fraction")
                    }
                    if withReplacement {
                        for _ in 0..<rng.nextPoisson(mean: f) { out.append(kv) }
                    } else if rng.nextDouble() < f {
                        out.append(kv)
                    }
                }
                return out
            }
        }
    }
}
