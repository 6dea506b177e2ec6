import Engine
import Foundation
import Testing

/// The three function forms of `groupBy` and `treeReduce` (issue 13 §1): a closure that captures
/// nothing, a named Codable function type, and `with:` values (one, a tuple, a broadcast, an
/// accumulator), each compared with plain Swift in both masters.
@Suite struct FunctionFormsNewOperatorsTests {
    /// `groupBy`'s result as a dictionary of sorted groups, for comparison.
    func groups(_ pairs: [(Int, [Int])]) -> [Int: [Int]] {
        Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, $0.1.sorted()) })
    }

    /// Plain Swift's grouping of `data` by `key`, groups sorted.
    func expected(_ data: [Int], _ key: (Int) -> Int) -> [Int: [Int]] {
        Dictionary(grouping: data, by: key).mapValues { $0.sorted() }
    }

    @Test(arguments: Master.both)
    func groupByInEveryForm(_ master: Master) throws {
        try withContext(master) { ctx in
            let data = ffData(600, seed: 21)
            let rdd = ctx.parallelize(data, numSlices: 4)
            let table = try ctx.broadcast(ffWeights)
            let seen = ctx.longAccumulator()
            #expect(groups(try rdd.groupBy { mod7($0) }.collect()) == expected(data, mod7))
            #expect(groups(try rdd.groupBy(FFScale(factor: 3)).collect()) == expected(data) { $0 * 3 })
            #expect(groups(try rdd.groupBy(with: 5) { m, x in ((x % m) + m) % m }.collect())
                    == expected(data) { (($0 % 5) + 5) % 5 })
            #expect(groups(try rdd.groupBy(numPartitions: 3, with: (4, 1)) { e, x in ((x % e.0) + e.0) % e.0 + e.1 }.collect())
                    == expected(data) { (($0 % 4) + 4) % 4 + 1 })
            #expect(groups(try rdd.groupBy(with: (table, seen)) { e, x in
                e.1.add(1)
                return try e.0.value[mod7(x)]!
            }.collect()) == expected(data) { ffWeights[mod7($0)]! })
            #expect(seen.value == Int64(data.count))
            // Empty input: no groups in any form.
            let empty = ctx.parallelize([Int](), numSlices: 3)
            #expect(try empty.groupBy(with: 2) { m, x in x % m }.collect().isEmpty)
            #expect(try empty.groupBy(FFScale(factor: 2)).collect().isEmpty)
        }
    }

    @Test(arguments: Master.both)
    func treeReduceInEveryForm(_ master: Master) throws {
        try withContext(master) { ctx in
            let data = ffData(700, seed: 22)
            let rdd = ctx.parallelize(data, numSlices: 9)
            let table = try ctx.broadcast(ffWeights)
            let calls = ctx.longAccumulator()
            let total = data.reduce(0, +)
            #expect(try rdd.treeReduce { $0 + $1 } == total)
            #expect(try rdd.treeReduce(FFSum(calls: calls), depth: 3) == total)
            #expect(calls.value > 0)
            #expect(try rdd.treeReduce(with: 2) { m, a, b in Swift.max(a, b) * 1 + 0 * m } == data.max()!)
            #expect(try rdd.treeReduce(with: (1, 0), { e, a, b in a * e.0 + b + e.1 }, depth: 1) == total)
            let counted = ctx.longAccumulator()
            let skew = rdd.map { mod7($0) }
            #expect(try skew.treeReduce(with: (table, counted), { e, a, b in
                e.1.add(1)
                return (a + b) % (try e.0.value[6]!)
            }, depth: 4) == data.map(mod7).reduce(0) { ($0 + $1) % ffWeights[6]! })
            #expect(counted.value > 0)
            // Empty input: refused with one line, as the closure form.
            let empty = ctx.parallelize([Int](), numSlices: 3)
            #expect { _ = try empty.treeReduce(with: 1) { m, a, b in a + b * m } } throws: { error in
                "\(error)".contains("treeReduce() on an empty RDD")
            }
            #expect { _ = try rdd.treeReduce(FFSum(calls: calls), depth: 0) } throws: { error in
                "\(error)".contains("treeReduce: depth must be at least 1, got 0")
            }
        }
    }
}
