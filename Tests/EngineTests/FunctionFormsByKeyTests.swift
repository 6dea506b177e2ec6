import Engine
import Foundation
import Testing

/// The three function forms of the by-key aggregations (reduceByKey, foldByKey, aggregateByKey,
/// combineByKey) in both masters, each compared with plain Swift. Accumulators in `with:` values
/// count the calls: merging `n` values into `k` results always takes `n - k` calls of a binary
/// function, whatever the partitioning, which makes the counts exact.
@Suite struct FunctionFormsByKeyTests {
    /// Each key's values summed, as plain Swift.
    func sums(_ pairs: [(Int, Int)], weight: (Int) -> Int = { $0 }) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for (k, v) in pairs { out[k, default: 0] += weight(v) }
        return out
    }

    func dict(_ pairs: [(Int, Int)]) -> [Int: Int] { Dictionary(uniqueKeysWithValues: pairs) }

    @Test(arguments: Master.both)
    func reduceByKeyAndFoldByKey(_ master: Master) throws {
        try withContext(master) { ctx in
            let table = try ctx.broadcast(ffWeights)
            for (count, slices) in ffSizes {
                let pairs = ffData(count, seed: UInt64(count) + 4).map { (mod7($0), $0) }
                let rdd = ctx.parallelize(pairs, numSlices: slices)
                let keys = ffDistinctKeys(pairs, slices: slices)
                let expected = sums(pairs)

                #expect(dict(try rdd.reduceByKey { $0 + $1 }.collect()) == expected)
                let calls = ctx.longAccumulator()
                #expect(dict(try rdd.reduceByKey(numPartitions: 3, FFSum(calls: calls)).collect()) == expected)
                #expect(calls.value == Int64(count - keys.overall))
                let withCalls = ctx.longAccumulator()
                #expect(dict(try rdd.reduceByKey(with: (table, withCalls)) { env, a, b in
                    env.1.add(1)
                    return a + b + (try env.0.value[0]! - 1)  // weight of 0 is 1: adds nothing
                }.collect()) == expected)
                #expect(withCalls.value == Int64(count - keys.overall))
                #expect(dict(try rdd.reduceByKey(with: 2) { k, a, b in Swift.max(a, b) * k / k }.collect())
                        == Dictionary(pairs, uniquingKeysWith: Swift.max))

                // foldByKey: every value is folded into its key's partial (n calls), then partials merge.
                #expect(dict(try rdd.foldByKey(0) { $0 + $1 }.collect()) == expected)
                let foldCalls = ctx.longAccumulator()
                #expect(dict(try rdd.foldByKey(0, numPartitions: 2, FFSum(calls: foldCalls)).collect()) == expected)
                #expect(foldCalls.value == Int64(count + keys.perPartition - keys.overall))
                let withFold = ctx.longAccumulator()
                #expect(dict(try rdd.foldByKey(0, with: (table, withFold, 1)) { env, a, b in
                    env.1.add(1)
                    return a + b * env.2 * (try env.0.value[0]!)
                }.collect()) == expected)
                #expect(withFold.value == Int64(count + keys.perPartition - keys.overall))
            }
        }
    }

    @Test(arguments: Master.both)
    func aggregateByKeyAndCombineByKey(_ master: Master) throws {
        try withContext(master) { ctx in
            let table = try ctx.broadcast(ffWeights)
            for (count, slices) in ffSizes {
                let pairs = ffData(count, seed: UInt64(count) + 5).map { (mod7($0), $0) }
                let rdd = ctx.parallelize(pairs, numSlices: slices)
                let keys = ffDistinctKeys(pairs, slices: slices)
                let weighted = sums(pairs) { $0 * 3 }

                #expect(dict(try rdd.aggregateByKey(0, { $0 + $1 * 3 }, { $0 + $1 }).collect()) == weighted)
                let combs = ctx.longAccumulator()
                #expect(dict(try rdd.aggregateByKey(0, numPartitions: 4, FFWeightedAdd(weight: 3), FFSum(calls: combs))
                    .collect()) == weighted)
                #expect(combs.value == Int64(keys.perPartition - keys.overall))
                let seqs = ctx.longAccumulator()
                #expect(dict(try rdd.aggregateByKey(0, with: (3, table, seqs)) { env, u, v in
                    env.2.add(1)
                    return u + v * env.0 * (try env.1.value[0]!)
                } _: { env, a, b in
                    env.2.add(1000)
                    return a + b
                }.collect()) == weighted)
                #expect(seqs.value == Int64(count + 1000 * (keys.perPartition - keys.overall)))

                // combineByKey into each key's sorted list of values.
                var lists: [Int: [Int]] = [:]
                for (k, v) in pairs { lists[k, default: []].append(v) }
                let expected = lists.mapValues { $0.sorted() }
                func sortedLists(_ out: [(Int, [Int])]) -> [Int: [Int]] {
                    Dictionary(uniqueKeysWithValues: out.map { ($0.0, $0.1.sorted()) })
                }
                #expect(sortedLists(try rdd.combineByKey(createCombiner: { [$0] }, mergeValue: { $0 + [$1] },
                                                         mergeCombiners: { $0 + $1 }).collect()) == expected)
                #expect(sortedLists(try rdd.combineByKey(createCombiner: FFSingleton(), mergeValue: FFAppend(),
                                                         mergeCombiners: FFConcat(), numPartitions: 3).collect()) == expected)
                let steps = ctx.longAccumulator()
                #expect(sortedLists(try rdd.combineByKey(
                    with: (table, steps),
                    createCombiner: { env, v in
                        env.1.add(1)
                        return [v * (try env.0.value[0]!)]
                    },
                    mergeValue: { env, c, v in
                        env.1.add(1000)
                        return c + [v]
                    },
                    mergeCombiners: { env, c, d in
                        env.1.add(1_000_000)
                        return c + d
                    }, numPartitions: 2).collect()) == expected)
                #expect(steps.value == Int64(keys.perPartition + 1000 * (count - keys.perPartition)
                                             + 1_000_000 * (keys.perPartition - keys.overall)))
            }
        }
    }
}
