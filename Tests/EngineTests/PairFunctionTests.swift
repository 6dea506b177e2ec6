import Engine
import Foundation
import Scheduler
import Testing

/// A data set of pairs: size, partitions, key count, and whether one key holds most records.
struct PairShape: Sendable, CustomTestStringConvertible {
    let count: Int
    let slices: Int
    let keys: Int
    let skewed: Bool
    var testDescription: String { "\(count) pairs, \(keys) keys\(skewed ? " (skewed)" : ""), \(slices) slices" }

    static let all: [PairShape] = [
        PairShape(count: 0, slices: 3, keys: 10, skewed: false),
        PairShape(count: 5, slices: 9, keys: 3, skewed: false),
        PairShape(count: 4000, slices: 6, keys: 100, skewed: false),
        PairShape(count: 4000, slices: 6, keys: 1000, skewed: true),
        PairShape(count: 2000, slices: 1, keys: 1, skewed: false),
    ]
    static let withLarge: [PairShape] = all + [PairShape(count: 200_000, slices: 8, keys: 10_000, skewed: true)]

    func data(seed: UInt64) -> [(Int, Int)] { randomPairs(count, keys: keys, skewed: skewed, seed: seed) }
}

/// Groups values by key in plain Swift.
func groupedValues<K: Hashable, V>(_ pairs: [(K, V)]) -> [K: [V]] {
    var out: [K: [V]] = [:]
    for (k, v) in pairs { out[k, default: []].append(v) }
    return out
}

/// One join result as text, so that results with optionals compare and sort.
func joinRow(_ k: Int, _ v: Int?, _ w: String?) -> String { "\(k)|\(v.map(String.init) ?? "nil")|\(w ?? "nil")" }

@Suite("Pair functions")
struct PairFunctionTests {
    @Test("reduceByKey sums each key's values", arguments: Master.both, PairShape.withLarge)
    func reduceByKey(_ master: Master, shape: PairShape) throws {
        let data = shape.data(seed: 31)
        let expected = Dictionary(data, uniquingKeysWith: +)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            for n in [1, 4, 13] {
                let r = rdd.reduceByKey(numPartitions: n, +)
                #expect(r.numPartitions == n)
                let got = try r.collect()
                #expect(got.count == expected.count, "each key once")
                #expect(Dictionary(got, uniquingKeysWith: { a, _ in a }) == expected)
            }
            let byPartitioner = try rdd.reduceByKey(partitioner: HashPartitioner(3), { max($0, $1) }).collect()
            #expect(Dictionary(byPartitioner, uniquingKeysWith: { a, _ in a }) == Dictionary(data, uniquingKeysWith: max))
        }
    }

    @Test("groupByKey gathers every value of each key", arguments: Master.both, PairShape.withLarge)
    func groupByKey(_ master: Master, shape: PairShape) throws {
        let data = shape.data(seed: 32)
        let expected = groupedValues(data).mapValues { $0.sorted() }
        try withContext(master) { ctx throws in
            let g = try ctx.parallelize(data, numSlices: shape.slices).groupByKey(numPartitions: 5).collect()
            #expect(g.count == expected.count, "each key once")
            #expect(Dictionary(g.map { ($0.0, $0.1.sorted()) }, uniquingKeysWith: { a, _ in a }) == expected)
        }
    }

    @Test("aggregateByKey starts from zero once per key and map partition, as Spark", arguments: Master.both, PairShape.all)
    func aggregateByKey(_ master: Master, shape: PairShape) throws {
        let data = shape.data(seed: 33)
        var expected: [Int: SumCount] = [:]
        for (k, v) in data { expected[k] = SumCount.adding(expected[k] ?? .zero, v) }
        // A zero of 1000 is added once for every map partition holding the key.
        var withZeros: [Int: Int] = [:]
        for i in 0..<shape.slices {
            let slice = data[sliceRange(i, count: data.count, slices: shape.slices)]
            for (k, v) in slice { withZeros[k, default: 0] += v }
            for k in Set(slice.map(\.0)) { withZeros[k, default: 0] += 1000 }
        }
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            let sc = try rdd.aggregateByKey(SumCount.zero, numPartitions: 3, { SumCount.adding($0, $1) },
                                            { SumCount.merging($0, $1) }).collect()
            #expect(sc.count == expected.count)
            #expect(Dictionary(sc, uniquingKeysWith: { a, _ in a }) == expected)
            let z = try rdd.aggregateByKey(1000, { $0 + $1 }, { $0 + $1 }).collect()
            #expect(Dictionary(z, uniquingKeysWith: { a, _ in a }) == withZeros)
        }
    }

    @Test("foldByKey folds from a neutral zero", arguments: Master.both, PairShape.all)
    func foldByKey(_ master: Master, shape: PairShape) throws {
        let data = shape.data(seed: 34)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            let sums = try rdd.foldByKey(0, numPartitions: 4, +).collect()
            #expect(Dictionary(sums, uniquingKeysWith: { a, _ in a }) == Dictionary(data, uniquingKeysWith: +))
            let maxes = try rdd.foldByKey(Int.min, { max($0, $1) }).collect()
            #expect(Dictionary(maxes, uniquingKeysWith: { a, _ in a }) == Dictionary(data, uniquingKeysWith: max))
        }
    }

    @Test("combineByKey with and without map-side combine", arguments: Master.both, PairShape.all)
    func combineByKey(_ master: Master, shape: PairShape) throws {
        let data = shape.data(seed: 35)
        let expected = groupedValues(data).mapValues { $0.sorted() }
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            for mapSide in [true, false] {
                let lists = try rdd.combineByKey(createCombiner: { [$0] }, mergeValue: { $0 + [$1] },
                                                 mergeCombiners: { $0 + $1 }, numPartitions: 3,
                                                 mapSideCombine: mapSide).collect()
                #expect(lists.count == expected.count)
                #expect(Dictionary(lists.map { ($0.0, $0.1.sorted()) }, uniquingKeysWith: { a, _ in a }) == expected,
                        "mapSideCombine \(mapSide)")
            }
            let viaPartitioner = try rdd.combineByKey(createCombiner: { Set([$0]) }, mergeValue: { $0.union([$1]) },
                                                      mergeCombiners: { $0.union($1) },
                                                      partitioner: HashPartitioner(2)).collect()
            #expect(Dictionary(viaPartitioner, uniquingKeysWith: { a, _ in a }) == expected.mapValues { Set($0) })
        }
    }

    @Test("mapValues and flatMapValues transform values and keep the partitioner", arguments: Master.both)
    func mapValuesAndFlatMapValues(_ master: Master) throws {
        let data = randomPairs(3000, keys: 50, seed: 36)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: 4)
            let m = try rdd.mapValues { $0 * 2 + 1 }.collect()
            #expect(m.map(KV.init) == data.map { KV(($0.0, $0.1 * 2 + 1)) })
            let f = try rdd.flatMapValues { v in Array(repeating: "x\(v)", count: abs(v) % 3) }.collect()
            var want: [(Int, String)] = []
            for (k, v) in data { for _ in 0..<(abs(v) % 3) { want.append((k, "x\(v)")) } }
            #expect(f.map(KV.init) == want.map(KV.init))

            let reduced = rdd.reduceByKey(numPartitions: 6, +)
            #expect(reduced.mapValues { $0 + 1 }.partitioner?.isEqual(to: HashPartitioner(6)) == true)
            #expect(reduced.flatMapValues { [$0, $0] }.partitioner?.isEqual(to: HashPartitioner(6)) == true)
        }
    }

    @Test("keys, values and countByKey", arguments: Master.both)
    func keysValuesCountByKey(_ master: Master) throws {
        let data = randomPairs(5000, keys: 40, skewed: true, seed: 37)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: 5)
            #expect(try rdd.keys().collect() == data.map(\.0))
            #expect(try rdd.values().collect() == data.map(\.1))
            var counts: [Int: Int] = [:]
            for (k, _) in data { counts[k, default: 0] += 1 }
            #expect(try rdd.countByKey() == counts)
            #expect(try ctx.parallelize([(Int, Int)](), numSlices: 2).countByKey().isEmpty)
        }
    }

    @Test("join, leftOuterJoin, rightOuterJoin and fullOuterJoin match nested loops",
          arguments: Master.both, [(3000, 400, false), (3000, 200, true), (0, 100, false), (100, 0, false), (7, 5, false)])
    func joins(_ master: Master, _ sizes: (leftCount: Int, rightCount: Int, skewed: Bool)) throws {
        let (leftCount, rightCount, skewed) = sizes
        let left = randomPairs(leftCount, keys: 300, skewed: skewed, seed: 38)
        let right = randomPairs(rightCount, keys: 200, seed: 39).map { ($0.0, "w\($0.1)") }
        var inner: [String] = [], leftOuter: [String] = [], rightOuter: [String] = [], fullOuter: [String] = []
        for (k, v) in left {
            var matched = false
            for (k2, w) in right where k2 == k {
                inner.append(joinRow(k, v, w))
                matched = true
            }
            if !matched { leftOuter.append(joinRow(k, v, nil)) }
        }
        for (k2, w) in right where !left.contains(where: { $0.0 == k2 }) { rightOuter.append(joinRow(k2, nil, w)) }
        fullOuter = inner + leftOuter + rightOuter
        leftOuter += inner
        rightOuter += inner
        try withContext(master) { ctx throws in
            let l = ctx.parallelize(left, numSlices: 4), r = ctx.parallelize(right, numSlices: 3)
            do {
                let j = try l.join(r, numPartitions: 5).collect().map { joinRow($0.0, $0.1.0, $0.1.1) }
                #expect(j.sorted() == inner.sorted())
            }
            do {
                let lo = try l.leftOuterJoin(r).collect().map { joinRow($0.0, $0.1.0, $0.1.1) }
                #expect(lo.sorted() == leftOuter.sorted())
            }
            do {
                let ro = try l.rightOuterJoin(r, numPartitions: 2).collect().map { joinRow($0.0, $0.1.0, $0.1.1) }
                #expect(ro.sorted() == rightOuter.sorted())
            }
            do {
                let fo = try l.fullOuterJoin(r, numPartitions: 7).collect().map { joinRow($0.0, $0.1.0, $0.1.1) }
                #expect(fo.sorted() == fullOuter.sorted())
            }
        }
    }

    @Test("cogroup lists each key of either side once, with both sides' values", arguments: Master.both)
    func cogroup(_ master: Master) throws {
        let left = randomPairs(2500, keys: 150, skewed: true, seed: 40)
        let right = randomPairs(1800, keys: 300, seed: 41).map { ($0.0, Double($0.1) / 2) }
        let gl = groupedValues(left), gr = groupedValues(right)
        try withContext(master) { ctx throws in
            do {
                let c = try ctx.parallelize(left, numSlices: 5).cogroup(ctx.parallelize(right, numSlices: 2), numPartitions: 4)
                    .collect()
                #expect(c.count == Set(gl.keys).union(gr.keys).count, "each key once")
                for (k, (vs, ws)) in c {
                    #expect(vs.sorted() == (gl[k] ?? []).sorted(), "left values of \(k)")
                    #expect(ws.sorted() == (gr[k] ?? []).sorted(), "right values of \(k)")
                }
            }
            let empty = try ctx.parallelize([(Int, Int)](), numSlices: 2)
                .cogroup(ctx.emptyRDD(of: (Int, Double).self)).collect()
            #expect(empty.isEmpty)
        }
    }

    @Test("subtractByKey keeps the records whose key is absent from the other side", arguments: Master.both)
    func subtractByKey(_ master: Master) throws {
        let left = randomPairs(4000, keys: 200, skewed: true, seed: 42)
        let right = randomPairs(150, keys: 400, seed: 43).map { ($0.0, "r") }
        let rightKeys = Set(right.map(\.0))
        try withContext(master) { ctx throws in
            let s = try ctx.parallelize(left, numSlices: 3).subtractByKey(ctx.parallelize(right, numSlices: 2)).collect()
            #expect(sortedPairs(s) == sortedPairs(left.filter { !rightKeys.contains($0.0) }))
        }
    }

    @Test("sortByKey range-partitions: partition i's keys precede partition i+1's", arguments: Master.both, [true, false])
    func sortByKey(_ master: Master, ascending: Bool) throws {
        let data = randomPairs(50_000, keys: 20_000, skewed: true, seed: 44)
        try withContext(master) { ctx throws in
            let sorted = try ctx.parallelize(data, numSlices: 6).sortByKey(ascending: ascending, numPartitions: 4)
            #expect(sorted.partitioner is RangePartitioner<Int>)
            #expect(sorted.numPartitions == sorted.partitioner?.numPartitions)
            let all = try sorted.collect()
            let keys = all.map(\.0)
            #expect(keys == (ascending ? data.map(\.0).sorted() : data.map(\.0).sorted(by: >)))
            #expect(sortedPairs(all) == sortedPairs(data))
            let parts = try sorted.keys().glom().collect().filter { !$0.isEmpty }
            #expect(parts.count > 1)
            for i in 0..<(parts.count - 1) {
                let here = parts[i], next = parts[i + 1]
                if ascending {
                    #expect(here.max()! <= next.min()!, "partition \(i) and \(i + 1)")
                } else {
                    #expect(here.min()! >= next.max()!, "partition \(i) and \(i + 1)")
                }
            }
        }
    }

    @Test("sortByKey of string keys and of an empty RDD", arguments: Master.both)
    func sortByKeyStringsAndEmpty(_ master: Master) throws {
        var rng = SeededRandom(seed: 45)
        let words = (0..<3000).map { _ in
            (String((0..<Int.random(in: 0...6, using: &rng)).map { _ in "abcxyzé".randomElement(using: &rng)! }),
             Int.random(in: 0...9, using: &rng))
        }
        try withContext(master) { ctx throws in
            let got = try ctx.parallelize(words, numSlices: 4).sortByKey(numPartitions: 3).collect()
            #expect(got.map(\.0) == words.map(\.0).sorted())
            #expect(try ctx.parallelize([(String, Int)](), numSlices: 3).sortByKey().collect().isEmpty)
        }
    }

    @Test("partitionBy puts each key in its partitioner's partition; the same partitioner returns the same RDD", arguments: Master.both)
    func partitionBy(_ master: Master) throws {
        let data = randomPairs(6000, keys: 500, skewed: true, seed: 46)
        let p = HashPartitioner(5)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: 3)
            let byHash = rdd.partitionBy(p)
            #expect(byHash.numPartitions == 5)
            #expect(byHash.partitionBy(HashPartitioner(5)) === byHash, "no new shuffle for an equal partitioner")
            #expect(shuffleDependencies(byHash.partitionBy(HashPartitioner(5))).count == 1)
            #expect(byHash.partitionBy(HashPartitioner(4)) !== byHash)
            let placed = try byHash.mapPartitionsWithIndex { i, it in it.map { (i, $0.0) } }.collect()
            #expect(placed.allSatisfy { $0.0 == p.partition(for: $0.1) })
            #expect(sortedPairs(try byHash.collect()) == sortedPairs(data))

            let byMod = rdd.partitionBy(ModPartitioner(numPartitions: 7))
            let modPlaced = try byMod.mapPartitionsWithIndex { i, it in it.map { (i, $0.0) } }.collect()
            #expect(modPlaced.count == data.count)
            #expect(modPlaced.allSatisfy { $0.0 == $0.1 % 7 })
        }
    }
}

/// A sum and a count, as an aggregation's combiner.
struct SumCount: Codable, Equatable, Sendable {
    let sum: Int
    let count: Int
    static let zero = SumCount(sum: 0, count: 0)
    static func adding(_ a: SumCount, _ v: Int) -> SumCount { SumCount(sum: a.sum + v, count: a.count + 1) }
    static func merging(_ a: SumCount, _ b: SumCount) -> SumCount { SumCount(sum: a.sum + b.sum, count: a.count + b.count) }
}

/// A custom partitioner: key mod n (Codable, so it travels to executors).
struct ModPartitioner: KeyPartitioner, Codable {
    let numPartitions: Int
    func partition(for key: Int) -> Int { ((key % numPartitions) + numPartitions) % numPartitions }
    func isEqual(to other: any Partitioner) -> Bool { (other as? ModPartitioner)?.numPartitions == numPartitions }
}
