import Engine
import Foundation
import Testing

/// The three function forms of every action that takes a function (reduce, fold, aggregate,
/// foreach, foreachPartition, takeOrdered, top) in both masters, each compared with plain Swift.
@Suite struct FunctionFormsActionTests {
    @Test(arguments: Master.both)
    func reduceFoldAndAggregate(_ master: Master) throws {
        try withContext(master) { ctx in
            let table = try ctx.broadcast(ffWeights)
            for (count, slices) in ffSizes {
                let data = ffData(count, seed: UInt64(count) + 6)
                let rdd = ctx.parallelize(data, numSlices: slices)
                let sum = data.reduce(0, +)
                let nonEmpty = ffSlices(data, slices).filter { !$0.isEmpty }.count

                if count == 0 {
                    #expect(throws: EngineError.self) { try rdd.reduce { $0 + $1 } }
                    #expect(throws: EngineError.self) { try rdd.reduce(with: 1) { _, a, b in a + b } }
                } else {
                    #expect(try rdd.reduce { $0 + $1 } == sum)
                    let calls = ctx.longAccumulator()
                    #expect(try rdd.reduce(FFSum(calls: calls)) == sum)
                    // Each task reduces its partition, the driver the partitions' results: n - 1 calls in all.
                    #expect(calls.value == Int64(count - 1))
                    let withCalls = ctx.longAccumulator()
                    #expect(try rdd.reduce(with: (table, withCalls)) { env, a, b in
                        env.1.add(1)
                        return a + b * (try env.0.value[0]!)
                    } == sum)
                    #expect(withCalls.value == Int64(count - 1))
                    #expect(nonEmpty >= 1)
                }

                #expect(try rdd.fold(0) { $0 + $1 } == sum)
                let folds = ctx.longAccumulator()
                #expect(try rdd.fold(0, FFSum(calls: folds)) == sum)
                // Each partition folds its records from zero, then the driver folds the partitions' results.
                #expect(folds.value == Int64(count + slices))
                let withFolds = ctx.longAccumulator()
                #expect(try rdd.fold(0, with: (withFolds, table)) { env, a, b in
                    env.0.add(1)
                    return a + b * (try env.1.value[0]!)
                } == sum)
                #expect(withFolds.value == Int64(count + slices))

                let weighted = data.reduce(0) { $0 + ffWeights[mod7($1)]! }
                #expect(try rdd.aggregate(0, { $0 + $1 * 3 }, { $0 + $1 }) == sum * 3)
                let combs = ctx.longAccumulator()
                #expect(try rdd.aggregate(0, FFWeightedAdd(weight: 3), FFSum(calls: combs)) == sum * 3)
                #expect(combs.value == Int64(slices))
                let steps = ctx.longAccumulator()
                #expect(try rdd.aggregate(0, with: (table, steps)) { env, u, x in
                    env.1.add(1)
                    return u + (try env.0.value[mod7(x)]!)
                } _: { env, a, b in
                    env.1.add(1000)
                    return a + b
                } == weighted)
                #expect(steps.value == Int64(count + 1000 * slices))
            }
        }
    }

    @Test(arguments: Master.both)
    func foreachAndForeachPartition(_ master: Master) throws {
        try withContext(master) { ctx in
            let table = try ctx.broadcast(ffWeights)
            for (count, slices) in ffSizes {
                let data = ffData(count, seed: UInt64(count) + 7)
                let rdd = ctx.parallelize(data, numSlices: slices)

                // A closure that captures nothing has no way out but an error: it runs on every record.
                try rdd.foreach { x in if x > 1000 { throw EngineError.invalidArgument("\(x) > 1000") } }
                if data.contains(7) {
                    #expect(throws: EngineError.self) {
                        try rdd.map { $0 + 1 }.foreach { x in if x == 8 { throw EngineError.invalidArgument("saw 8") } }
                    }
                }
                let sum = ctx.longAccumulator()
                try rdd.foreach(FFAddTo(sum: sum))
                #expect(sum.value == Int64(data.reduce(0, +)))
                let acc = ctx.longAccumulator()
                try rdd.foreach(with: acc) { acc, x in acc.add(x) }
                #expect(acc.value == Int64(data.reduce(0, +)))
                let weighted = ctx.longAccumulator()
                try rdd.foreach(with: (weighted, table, 2)) { env, x in env.0.add(try env.1.value[mod7(x)]! * env.2) }
                #expect(weighted.value == Int64(data.reduce(0) { $0 + ffWeights[mod7($1)]! * 2 }))

                try rdd.foreachPartition { it in if it.contains(where: { $0 > 1000 }) { throw EngineError.invalidArgument("big") } }
                let rows = ctx.longAccumulator()
                try rdd.foreachPartition(FFCountPartition(count: rows))
                #expect(rows.value == Int64(count))
                let partitions = ctx.longAccumulator()
                try rdd.foreachPartition(with: (partitions, table)) { env, it in
                    let w = try env.1.value
                    env.0.add(1_000_000 + it.reduce(0) { $0 + w[mod7($1)]! })
                }
                #expect(partitions.value == Int64(1_000_000 * slices + data.reduce(0) { $0 + ffWeights[mod7($1)]! }))
            }
        }
    }

    @Test(arguments: Master.both)
    func takeOrderedAndTopWithAnOrdering(_ master: Master) throws {
        try withContext(master) { ctx in
            let table = try ctx.broadcast(ffWeights)
            for (count, slices) in ffSizes {
                let data = ffData(count, seed: UInt64(count) + 8)
                let rdd = ctx.parallelize(data, numSlices: slices)
                let byDistance: (Int, Int) -> Bool = { a, b in (abs(a - 100), a) < (abs(b - 100), b) }
                for n in [0, 1, 5, count + 3] {
                    #expect(try rdd.takeOrdered(n, by: { $0 > $1 }) == Array(data.sorted(by: >).prefix(n)))
                    #expect(try rdd.top(n, by: { $0 > $1 }) == Array(data.sorted().prefix(n)))
                    #expect(try rdd.takeOrdered(n, by: FFByDistance(pivot: 100)) == Array(data.sorted(by: byDistance).prefix(n)))
                    #expect(try rdd.top(n, by: FFByDistance(pivot: 100)) == Array(data.sorted(by: byDistance).reversed().prefix(n)))
                    #expect(try rdd.takeOrdered(n, with: 100) { p, a, b in (abs(a - p), a) < (abs(b - p), b) }
                            == Array(data.sorted(by: byDistance).prefix(n)))
                    // By weight then value, the weights read from a broadcast (an ordering cannot throw).
                    let byWeight: (Int, Int) -> Bool = { a, b in (ffWeights[mod7(a)]!, a) < (ffWeights[mod7(b)]!, b) }
                    #expect(try rdd.top(n, with: (table, 0)) { env, a, b in
                        let w = (try? env.0.value) ?? [:]
                        return (w[mod7(a)] ?? env.1, a) < (w[mod7(b)] ?? env.1, b)
                    } == Array(data.sorted(by: byWeight).reversed().prefix(n)))
                }
            }
        }
    }
}
