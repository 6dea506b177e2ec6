import Engine
import Foundation
import Testing

/// The three function forms of every transformation that takes a function — a closure literal that
/// captures nothing, a named Codable function type, and a closure with `with:` values (a plain
/// value, a tuple holding a broadcast handle and an accumulator) — in both masters, each compared
/// with plain Swift.
@Suite struct FunctionFormsTransformationTests {
    @Test(arguments: Master.both)
    func mapFlatMapFilterAndKeyBy(_ master: Master) throws {
        try withContext(master) { ctx in
            let table = try ctx.broadcast(ffWeights)
            for (count, slices) in ffSizes {
                let data = ffData(count, seed: UInt64(count) + 1)
                let rdd = ctx.parallelize(data, numSlices: slices)
                let weighted = data.map { $0 * 3 + ffWeights[mod7($0)]! }

                #expect(try rdd.map { $0 * 3 }.collect() == data.map { $0 * 3 })
                #expect(try rdd.map(FFScale(factor: 3)).collect() == data.map { $0 * 3 })
                #expect(try rdd.map(with: 3) { k, x in x * k }.collect() == data.map { $0 * 3 })
                let mapped = ctx.longAccumulator()
                #expect(try rdd.map(with: (3, table, mapped)) { env, x in
                    env.2.add(1)
                    return try x * env.0 + env.1.value[mod7(x)]!
                }.collect() == weighted)
                #expect(mapped.value == Int64(count))

                #expect(try rdd.flatMap { [$0, $0 * 2] }.collect() == data.flatMap { [$0, $0 * 2] })
                #expect(try rdd.flatMap(FFTwice(factor: 2)).collect() == data.flatMap { [$0, $0 * 2] })
                let flat = ctx.longAccumulator()
                #expect(try rdd.flatMap(with: (table, flat)) { env, x in
                    env.1.add(1)
                    return Array(repeating: x, count: try env.0.value[mod7(x)]! % 3)
                }.collect() == data.flatMap { Array(repeating: $0, count: ffWeights[mod7($0)]! % 3) })
                #expect(flat.value == Int64(count))

                #expect(try rdd.filter { $0 % 4 == 0 }.collect() == data.filter { $0 % 4 == 0 })
                #expect(try rdd.filter(FFMultipleOf(of: 4)).collect() == data.filter { $0 % 4 == 0 })
                let kept = ctx.longAccumulator()
                #expect(try rdd.filter(with: (4, table, kept, "unused", 0.5)) { env, x in
                    let keep = try x % env.0 == 0 && env.1.value[mod7(x)]! > 20
                    if keep { env.2.add(1) }
                    return keep
                }.collect() == data.filter { $0 % 4 == 0 && ffWeights[mod7($0)]! > 20 })
                #expect(kept.value == Int64(data.filter { $0 % 4 == 0 && ffWeights[mod7($0)]! > 20 }.count))

                let keyed = data.map { [mod7($0), $0] }
                #expect(try rdd.keyBy { mod7($0) }.collect().map { [$0.0, $0.1] } == keyed)
                #expect(try rdd.keyBy(FFScale(factor: -1)).collect().map { [$0.0, $0.1] } == data.map { [-$0, $0] })
                let keys = ctx.longAccumulator()
                #expect(try rdd.keyBy(with: (table, keys)) { env, x in
                    env.1.add(1)
                    return try env.0.value[mod7(x)]!
                }.collect().map { [$0.0, $0.1] } == data.map { [ffWeights[mod7($0)]!, $0] })
                #expect(keys.value == Int64(count))
            }
        }
    }

    @Test(arguments: Master.both)
    func mapPartitionsAndMapPartitionsWithIndex(_ master: Master) throws {
        try withContext(master) { ctx in
            let table = try ctx.broadcast(ffWeights)
            for (count, slices) in ffSizes {
                let data = ffData(count, seed: UInt64(count) + 2)
                let parts = ffSlices(data, slices)
                let rdd = ctx.parallelize(data, numSlices: slices)

                #expect(try rdd.mapPartitions { it in [it.reduce(0, +)] }.collect() == parts.map { $0.reduce(0, +) })
                #expect(try rdd.mapPartitions(FFPartitionSum(offset: 5)).collect() == parts.map { $0.reduce(5, +) })
                let seen = ctx.longAccumulator()
                #expect(try rdd.mapPartitions(with: (5, table, seen)) { env, it in
                    env.2.add(1)
                    let w = try env.1.value
                    return [it.reduce(env.0) { $0 + w[mod7($1)]! }]
                }.collect() == parts.map { $0.reduce(5) { $0 + ffWeights[mod7($1)]! } })
                #expect(seen.value == Int64(slices))

                let indexed = parts.enumerated().flatMap { p, xs in xs.map { $0 * 2 + p } }
                #expect(try rdd.mapPartitionsWithIndex { p, it in it.map { $0 * 2 + p } }.collect() == indexed)
                #expect(try rdd.mapPartitionsWithIndex(FFIndexed(factor: 2)).collect() == indexed)
                #expect(try rdd.mapPartitionsWithIndex(with: 2) { k, p, it in it.map { $0 * k + p } }.collect() == indexed)
                let rows = ctx.longAccumulator()
                #expect(try rdd.mapPartitionsWithIndex(preservesPartitioning: true, with: (table, rows)) { env, p, it in
                    let w = try env.0.value
                    return it.map { x in
                        env.1.add(1)
                        return w[mod7(x)]! + p
                    }
                }.collect() == parts.enumerated().flatMap { p, xs in xs.map { ffWeights[mod7($0)]! + p } })
                #expect(rows.value == Int64(count))
            }
        }
    }

    @Test(arguments: Master.both)
    func sortByMapValuesAndFlatMapValues(_ master: Master) throws {
        try withContext(master) { ctx in
            let table = try ctx.broadcast(ffWeights)
            for (count, slices) in ffSizes {
                let data = ffData(count, seed: UInt64(count) + 3)
                let rdd = ctx.parallelize(data, numSlices: slices)
                // Sort keys that tie (mod 7, weight): compare the keys' order and the records as a multiset.
                func check(_ out: [Int], by key: (Int) -> Int) {
                    #expect(out.map(key) == data.map(key).sorted())
                    #expect(out.sorted() == data.sorted())
                }
                check(try rdd.sortBy { mod7($0) }.collect(), by: mod7)
                check(try rdd.sortBy(FFScale(factor: -1), numPartitions: 3).collect(), by: { -$0 })
                let sorted = ctx.longAccumulator()
                check(try rdd.sortBy(with: (table, sorted)) { env, x in
                    env.1.add(1)
                    return try env.0.value[mod7(x)]!
                }.collect(), by: { ffWeights[mod7($0)]! })
                // The sampling job (run when there is more than one partition) and the sort both
                // compute the key of every record.
                #expect(sorted.value == Int64(count) * (slices > 1 ? 2 : 1))

                let pairs = rdd.keyBy { mod7($0) }
                let expectedValues = data.map { [mod7($0), $0 * 3] }
                // (Computed outside #expect, whose expansion mistypes this closure.)
                let tripled = try pairs.mapValues { $0 * 3 }.collect().map { [$0.0, $0.1] }
                #expect(tripled == expectedValues)
                #expect(try pairs.mapValues(FFScale(factor: 3)).collect().map { [$0.0, $0.1] } == expectedValues)
                let mappedValues = ctx.longAccumulator()
                #expect(try pairs.mapValues(with: (3, table, mappedValues)) { env, v in
                    env.2.add(1)
                    return try v * env.0 + env.1.value[mod7(v)]!
                }.collect().map { [$0.0, $0.1] } == data.map { [mod7($0), $0 * 3 + ffWeights[mod7($0)]!] })
                #expect(mappedValues.value == Int64(count))

                let flat = data.flatMap { x in [[mod7(x), x], [mod7(x), x * 2]] }
                #expect(try pairs.flatMapValues { [$0, $0 * 2] }.collect().map { [$0.0, $0.1] } == flat)
                #expect(try pairs.flatMapValues(FFTwice(factor: 2)).collect().map { [$0.0, $0.1] } == flat)
                let flatValues = ctx.longAccumulator()
                #expect(try pairs.flatMapValues(with: (2, flatValues)) { env, v in
                    env.1.add(1)
                    return [v, v * env.0]
                }.collect().map { [$0.0, $0.1] } == flat)
                #expect(flatValues.value == Int64(count))
            }
        }
    }
}
