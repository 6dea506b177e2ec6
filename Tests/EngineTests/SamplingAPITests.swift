import Engine
import Testing

@Suite("randomSplit, takeSample, sampleByKey")
struct SamplingAPITests {
    @Test(arguments: Master.both)
    func randomSplitPartitionsTheRecords(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices) in [(0, 3), (4, 9), (20_000, 6)] {
                let data = Array(0..<n)
                let rdd = ctx.parallelize(data, numSlices: slices)
                let splits = rdd.randomSplit([0.7, 0.2, 0.1], seed: 7)
                #expect(splits.count == 3)
                let parts = try splits.map { try $0.collect() }
                #expect(parts.flatMap { $0 }.sorted() == data, "disjoint and complete")
                if n >= 10_000 {
                    for (part, w) in zip(parts, [0.7, 0.2, 0.1]) {
                        #expect(abs(Double(part.count) / Double(n) - w) < 0.02, "share near its weight")
                    }
                }
                // Same seed, same split; another seed, another split.
                #expect(try rdd.randomSplit([0.7, 0.2, 0.1], seed: 7)[0].collect() == parts[0])
                if n >= 10_000 { #expect(try rdd.randomSplit([0.7, 0.2, 0.1], seed: 8)[0].collect() != parts[0]) }
                // Weights are normalized.
                let halves = try rdd.randomSplit([3, 3], seed: 1).map { try $0.count() }
                #expect(halves.reduce(0, +) == n)
            }
            let rdd = ctx.parallelize(Array(0..<10))
            expectEngineError(.invalidArgument, mentioning: ["randomSplit", "non-negative", "-0.5"]) {
                try rdd.randomSplit([1, -0.5], seed: 1)[0].count()
            }
            expectEngineError(.invalidArgument, mentioning: ["randomSplit", "sum"]) {
                try rdd.randomSplit([0, 0], seed: 1)[1].count()
            }
            expectEngineError(.invalidArgument, mentioning: ["randomSplit"]) { try rdd.randomSplit([], seed: 1)[0].count() }
            expectEngineError(.invalidArgument, mentioning: ["randomSplit"]) { try rdd.randomSplit([.nan, 1], seed: 1)[0].count() }
        }
    }

    @Test(arguments: Master.both)
    func takeSampleReturnsExactlyNumRecords(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let data = Array(0..<5000)
            let rdd = ctx.parallelize(data, numSlices: 5)
            for num in [0, 1, 5, 100, 4999] {
                let s = try rdd.takeSample(withReplacement: false, num: num, seed: 7)
                #expect(s.count == num)
                #expect(Set(s).count == num, "no record twice without replacement")
                #expect(Set(s).isSubset(of: Set(data)))
            }
            #expect(try rdd.takeSample(withReplacement: false, num: 5, seed: 7) == rdd.takeSample(withReplacement: false, num: 5, seed: 7))
            let all = try rdd.takeSample(withReplacement: false, num: 9000, seed: 3)
            #expect(all.sorted() == data, "asking for more than there are gives every record")
            #expect(all != data, "shuffled")
            let withRep = try rdd.takeSample(withReplacement: true, num: 8000, seed: 3)
            #expect(withRep.count == 8000)
            #expect(Set(withRep).isSubset(of: Set(data)))
            let small = try ctx.parallelize([1, 2, 3], numSlices: 8).takeSample(withReplacement: true, num: 20, seed: 1)
            #expect(small.count == 20)
            #expect(try ctx.emptyRDD(of: Int.self).takeSample(withReplacement: false, num: 5, seed: 1).isEmpty)
            expectEngineError(.invalidArgument, mentioning: ["takeSample", "-1"]) {
                try rdd.takeSample(withReplacement: false, num: -1, seed: 1)
            }
            expectEngineError(.invalidArgument, mentioning: ["takeSample"]) {
                try rdd.takeSample(withReplacement: true, num: Int.max, seed: 1)
            }
        }
    }

    @Test(arguments: Master.both)
    func sampleByKeySamplesEachKeyAtItsRate(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let data = randomPairs(30_000, keys: 3, skewed: false, seed: 21)
            let pairs = ctx.parallelize(data, numSlices: 6)
            let fractions: [Int: Double] = [0: 0.1, 1: 0.5, 2: 1.0]
            let sample = try pairs.sampleByKey(withReplacement: false, fractions: fractions, seed: 3).collect()
            let counts = Dictionary(data.map { ($0.0, 1) }, uniquingKeysWith: +)
            let got = Dictionary(sample.map { ($0.0, 1) }, uniquingKeysWith: +)
            for (k, f) in fractions {
                #expect(abs(Double(got[k] ?? 0) - f * Double(counts[k]!)) < 0.05 * Double(counts[k]!))
            }
            #expect(got[2] == counts[2], "rate 1 keeps every record")
            // Every sampled record is one of the data's, and the same seed gives the same sample.
            let original = Set(data.map { KV($0) })
            #expect(sample.allSatisfy { original.contains(KV($0)) })
            #expect(try pairs.sampleByKey(withReplacement: false, fractions: fractions, seed: 3).count() == sample.count)
            let rep = try pairs.sampleByKey(withReplacement: true, fractions: [0: 2.0, 1: 0.0, 2: 0.5], seed: 4).collect()
            let repCounts = Dictionary(rep.map { ($0.0, 1) }, uniquingKeysWith: +)
            #expect(repCounts[1] == nil)
            #expect(abs(Double(repCounts[0] ?? 0) - 2 * Double(counts[0]!)) < 0.1 * Double(counts[0]!))
            expectEngineError(.invalidArgument, mentioning: ["sampleByKey", "-1"]) {
                try pairs.sampleByKey(withReplacement: false, fractions: [0: -1, 1: 1, 2: 1]).count()
            }
            expectEngineError(.jobFailed, mentioning: ["sampleByKey", "no fraction", "key 2"]) {
                try pairs.sampleByKey(withReplacement: false, fractions: [0: 1, 1: 1]).count()
            }
        }
    }
}
