import Engine
import Foundation
import Testing

/// The three function forms of `groupBy`, `treeReduce`, `reduceByKeyLocally`, `min`/`max` and `sortByKey(by:)` (issue 13 §1): a closure that captures
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

    @Test(arguments: Master.both)
    func reduceByKeyLocallyInEveryForm(_ master: Master) throws {
        try withContext(master) { ctx in
            let data = ffData(500, seed: 23)
            let pairs = ctx.parallelize(data, numSlices: 4).map { (mod7($0), $0) }
            let table = try ctx.broadcast(ffWeights)
            let calls = ctx.longAccumulator()
            let sums = Dictionary(grouping: data, by: mod7).mapValues { $0.reduce(0, +) }
            #expect(try pairs.reduceByKeyLocally { $0 + $1 } == sums)
            #expect(try pairs.reduceByKeyLocally(FFSum(calls: calls)) == sums)
            #expect(calls.value > 0)
            // The smallest value per key, clamped from below at `lo` (associative and commutative).
            let lo = -500
            #expect(try pairs.reduceByKeyLocally(with: lo) { lo, a, b in Swift.max(Swift.min(a, b), lo) }
                    == Dictionary(grouping: data, by: mod7).mapValues { vs in vs.count == 1 ? vs[0] : Swift.max(vs.min()!, lo) })
            #expect(try pairs.reduceByKeyLocally(with: (table, calls)) { e, a, b in
                e.1.add(1)
                return Swift.max(a, b) + 0 * (try e.0.value[0]!)
            } == Dictionary(grouping: data, by: mod7).mapValues { $0.max()! })
            let empty = ctx.parallelize([(Int, Int)](), numSlices: 2)
            #expect(try empty.reduceByKeyLocally(with: 1) { m, a, b in a + b * m }.isEmpty)
        }
    }

    @Test(arguments: Master.both)
    func minAndMaxInEveryForm(_ master: Master) throws {
        try withContext(master) { ctx in
            let data = ffData(400, seed: 24)
            let rdd = ctx.parallelize(data, numSlices: 5)
            let pivot = 100
            let byDistance: (Int, Int) -> Bool = { (abs($0 - pivot), $0) < (abs($1 - pivot), $1) }
            #expect(try rdd.max { $0 < $1 } == data.max()!)
            #expect(try rdd.min { $0 < $1 } == data.min()!)
            #expect(try rdd.min(by: FFByDistance(pivot: pivot)) == data.min(by: byDistance)!)
            #expect(try rdd.max(by: FFByDistance(pivot: pivot)) == data.max(by: byDistance)!)
            #expect(try rdd.min(with: pivot) { p, a, b in (abs(a - p), a) < (abs(b - p), b) } == data.min(by: byDistance)!)
            let farthest = try rdd.max(with: (pivot, 1)) { e, a, b -> Bool in
                let da: Int = abs(a - e.0) * e.1
                let db: Int = abs(b - e.0) * e.1
                return (da, a) < (db, b)
            }
            #expect(farthest == data.max(by: byDistance)!)
            let table = try ctx.broadcast(ffWeights)
            let heaviest = try rdd.max(with: table) { t, a, b -> Bool in
                let wa: Int = (try? t.value[mod7(a)]) ?? 0
                let wb: Int = (try? t.value[mod7(b)]) ?? 0
                return (wa, a) < (wb, b)
            }
            #expect(heaviest == data.max { (ffWeights[mod7($0)]!, $0) < (ffWeights[mod7($1)]!, $1) }!)
            let empty = ctx.parallelize([Int](), numSlices: 2)
            #expect(throws: EngineError.self) { _ = try empty.min(with: 0) { z, a, b in a + z < b } }
        }
    }

    @Test(arguments: Master.both)
    func sortByKeyWithAKeyFunctionInEveryForm(_ master: Master) throws {
        try withContext(master) { ctx in
            let data = ffData(300, seed: 25)
            let pairs = ctx.parallelize(data.enumerated().map { ($0.element, $0.offset) }, numSlices: 4)
            /// The sort keys of the result, in order, and whether it holds the input's pairs.
            func check(_ out: [(Int, Int)], _ key: (Int) -> Int, ascending: Bool = true) {
                let keys = out.map { key($0.0) }
                #expect(keys == keys.sorted(by: ascending ? (<) : (>)))
                #expect(out.map { "\($0)" }.sorted() == data.enumerated().map { "\(($0.element, $0.offset))" }.sorted())
            }
            check(try pairs.sortByKey(by: { mod7($0) }).collect(), mod7)
            check(try pairs.sortByKey(by: FFScale(factor: -1)).collect()) { -$0 }
            check(try pairs.sortByKey(ascending: false, numPartitions: 3, with: 5) { m, k in ((k % m) + m) % m }.collect(),
                  { (($0 % 5) + 5) % 5 }, ascending: false)
            let table = try ctx.broadcast(ffWeights)
            let seen = ctx.longAccumulator()
            check(try pairs.sortByKey(with: (table, seen)) { e, k in
                e.1.add(1)
                return try e.0.value[mod7(k)]!
            }.collect()) { ffWeights[mod7($0)]! }
            #expect(seen.value >= Int64(data.count))
            let empty = ctx.parallelize([(Int, Int)](), numSlices: 2)
            #expect(try empty.sortByKey(with: 1) { m, k in k * m }.collect().isEmpty)
        }
    }
}
