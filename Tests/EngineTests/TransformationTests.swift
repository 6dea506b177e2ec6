import Engine
import Foundation
import Scheduler
import Testing

/// Narrow and shuffling transformations of single RDDs, each checked against the same
/// computation done on a plain Swift array.
@Suite("Transformations")
struct TransformationTests {
    @Test("map, flatMap and filter keep partition order", arguments: Master.both, Shape.withLarge)
    func mapFlatMapFilter(_ master: Master, shape: Shape) throws {
        let data = randomInts(shape.count, seed: 11 + UInt64(shape.count))
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            #expect(try rdd.map { $0 &* 3 &+ 1 }.collect() == data.map { $0 &* 3 &+ 1 })
            #expect(try rdd.map { "v\($0)" }.collect() == data.map { "v\($0)" })
            let flat = try rdd.flatMap { x in Array(repeating: x, count: abs(x) % 4) }.collect()
            #expect(flat == data.flatMap { x in Array(repeating: x, count: abs(x) % 4) })
            #expect(try rdd.filter { $0 % 3 == 0 }.collect() == data.filter { $0 % 3 == 0 })
            #expect(try rdd.filter { _ in false }.count() == 0)
            #expect(try rdd.count() == data.count)
        }
    }

    @Test("mapPartitions and mapPartitionsWithIndex see exactly parallelize's slices", arguments: Master.both, Shape.small)
    func mapPartitions(_ master: Master, shape: Shape) throws {
        let data = randomInts(shape.count, in: -1000...1000, seed: 12)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            let sums = try rdd.mapPartitions { it in [it.reduce(0, +)] }.collect()
            let expectedSums = (0..<shape.slices).map { i in data[sliceRange(i, count: shape.count, slices: shape.slices)].reduce(0, +) }
            #expect(sums == expectedSums)

            let tagged = try rdd.mapPartitionsWithIndex { p, it in it.map { (p, $0) } }.collect()
            var expected: [(Int, Int)] = []
            for i in 0..<shape.slices {
                for j in sliceRange(i, count: shape.count, slices: shape.slices) { expected.append((i, data[j])) }
            }
            #expect(tagged.map(KV.init) == expected.map(KV.init))
        }
    }

    @Test("glom gives slice i the records i*n/k ..< (i+1)*n/k", arguments: Master.both, Shape.small)
    func glom(_ master: Master, shape: Shape) throws {
        let data = randomInts(shape.count, seed: 13)
        try withContext(master) { ctx throws in
            let parts = try ctx.parallelize(data, numSlices: shape.slices).glom().collect()
            #expect(parts.count == shape.slices)
            for (i, part) in parts.enumerated() {
                #expect(part == Array(data[sliceRange(i, count: shape.count, slices: shape.slices)]), "slice \(i)")
            }
        }
    }

    @Test("union concatenates, including empty RDDs, without a shuffle", arguments: Master.both)
    func union(_ master: Master) throws {
        let a = randomInts(300, seed: 14), b = randomInts(77, seed: 15)
        try withContext(master) { ctx throws in
            let ra = ctx.parallelize(a, numSlices: 3), rb = ctx.parallelize(b, numSlices: 5)
            let u = ra.union(rb)
            #expect(u.numPartitions == 8)
            #expect(try u.collect() == a + b)
            #expect(hasOnlyNarrowDependencies(u))
            let empty = ctx.emptyRDD(of: Int.self)
            let many = ctx.union([empty, ra, ctx.parallelize([Int](), numSlices: 2), empty, rb, empty])
            #expect(many.numPartitions == 3 + 2 + 5)
            #expect(try many.collect() == a + b)
            #expect(try ctx.union([empty, empty]).collect().isEmpty)
            #expect(try ctx.union([RDD<Int>]()).count() == 0)
        }
    }

    @Test("distinct removes duplicates, also with one key holding most records", arguments: Master.both, [false, true])
    func distinct(_ master: Master, skewed: Bool) throws {
        let data = randomPairs(50_000, keys: 5000, skewed: skewed, seed: 16).map(\.0)
        try withContext(master) { ctx throws in
            let d = ctx.parallelize(data, numSlices: 6).distinct(numPartitions: 4)
            #expect(d.numPartitions == 4)
            let got = try d.collect()
            #expect(got.count == Set(got).count, "no record twice")
            #expect(Set(got) == Set(data))
            #expect(try ctx.parallelize([Int](), numSlices: 3).distinct().collect().isEmpty)
        }
    }

    @Test("sample without replacement: a subset of about fraction × n, the same for a seed", arguments: Master.both)
    func sampleWithoutReplacement(_ master: Master) throws {
        let n = 100_000
        let data = Array(0..<n)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: 7)
            for fraction in [0.01, 0.3, 0.9] {
                let s = try rdd.sample(withReplacement: false, fraction: fraction, seed: 42).collect()
                let sd = (Double(n) * fraction * (1 - fraction)).squareRoot()
                #expect(abs(Double(s.count) - Double(n) * fraction) < 6 * sd, "fraction \(fraction): \(s.count)")
                #expect(Set(s).count == s.count, "no record twice")
                #expect(s == s.sorted(), "records keep their order")
                #expect(s.allSatisfy { (0..<n).contains($0) })
                let again = try rdd.sample(withReplacement: false, fraction: fraction, seed: 42).collect()
                #expect(again == s, "same seed, same sample")
                let other = try rdd.sample(withReplacement: false, fraction: fraction, seed: 43).collect()
                #expect(other != s, "another seed, another sample")
            }
            #expect(try rdd.sample(withReplacement: false, fraction: 0).count() == 0)
            #expect(try rdd.sample(withReplacement: false, fraction: 1).collect() == data)
        }
    }

    @Test("sample with replacement repeats records, about fraction × n in all", arguments: Master.both)
    func sampleWithReplacement(_ master: Master) throws {
        let n = 50_000
        let data = Array(0..<n)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: 4)
            for fraction in [0.5, 2.0] {
                let s = try rdd.sample(withReplacement: true, fraction: fraction, seed: 7).collect()
                let sd = (Double(n) * fraction).squareRoot()  // a sum of Poisson(fraction) counts
                #expect(abs(Double(s.count) - Double(n) * fraction) < 6 * sd, "fraction \(fraction): \(s.count)")
                #expect(Set(s).count < s.count, "some record drawn twice")
                #expect(Set(s).isSubset(of: Set(data)))
                #expect(try rdd.sample(withReplacement: true, fraction: fraction, seed: 7).collect() == s)
            }
        }
    }

    @Test("coalesce merges neighbouring partitions without a shuffle", arguments: Master.both, [(10, 3), (7, 1), (3, 8), (0, 2)])
    func coalesce(_ master: Master, _ shape: (parents: Int, target: Int)) throws {
        let (parents, target) = shape
        let data = randomInts(1234, seed: 17)
        try withContext(master) { ctx throws in
            let rdd = parents == 0 ? ctx.emptyRDD(of: Int.self) : ctx.parallelize(data, numSlices: parents)
            let c = rdd.coalesce(target)
            #expect(c.numPartitions == (parents == 0 ? 0 : min(parents, target)))
            #expect(hasOnlyNarrowDependencies(c))
            #expect(shuffleDependencies(c).isEmpty)
            #expect(try c.collect() == (parents == 0 ? [] : data), "neighbours merged in order")
            #expect(try c.glom().collect().map(\.count).reduce(0, +) == (parents == 0 ? 0 : data.count))
        }
    }

    @Test("repartition gives exactly the partitions asked for, balanced, the same records",
          arguments: Master.both, [(3, 7), (8, 2), (1, 1), (5, 5), (4, 16)])
    func repartition(_ master: Master, _ counts: (from: Int, to: Int)) throws {
        let (from, to) = counts
        let data = randomInts(10_007, seed: 18)
        try withContext(master) { ctx throws in
            let r = ctx.parallelize(data, numSlices: from).repartition(to)
            #expect(r.numPartitions == to)
            #expect(shuffleDependencies(r).count == 1)
            let parts = try r.glom().collect()
            #expect(parts.count == to)
            #expect(parts.flatMap { $0 }.sorted() == data.sorted())
            // Round-robin from each map partition: each target gets ⌊m/to⌋ or ⌈m/to⌉ of every map partition's m records.
            let sizes = parts.map(\.count)
            #expect(sizes.max()! - sizes.min()! <= from, "sizes \(sizes)")
            let s = ctx.parallelize(data, numSlices: from).coalesce(to, shuffle: true)
            #expect(s.numPartitions == to)
            #expect(try s.collect().sorted() == data.sorted())
        }
    }

    @Test("repartition of pairs and of an empty RDD", arguments: Master.both)
    func repartitionPairsAndEmpty(_ master: Master) throws {
        let pairs = randomPairs(5000, skewed: true, seed: 19)
        try withContext(master) { ctx throws in
            let r = ctx.parallelize(pairs, numSlices: 3).repartition(6)
            #expect(r.numPartitions == 6)
            #expect(sortedPairs(try r.collect()) == sortedPairs(pairs))
            let e = ctx.parallelize([Int](), numSlices: 3).repartition(5)
            #expect(e.numPartitions == 5)
            #expect(try e.collect().isEmpty)
        }
    }

    @Test("zipWithIndex numbers records 0..<n in partition order", arguments: Master.both, Shape.withLarge)
    func zipWithIndex(_ master: Master, shape: Shape) throws {
        let data = randomInts(shape.count, seed: 20)
        try withContext(master) { ctx throws in
            // A filter makes partition sizes unknown without counting.
            let rdd = ctx.parallelize(data, numSlices: shape.slices).filter { $0 % 2 == 0 }
            let expected = data.filter { $0 % 2 == 0 }
            let z = try rdd.zipWithIndex().collect()
            #expect(z.map(\.1) == Array(0..<expected.count))
            #expect(z.map(\.0) == expected)
        }
    }

    @Test("zipWithIndex of an RDD with no partitions", arguments: Master.both)
    func zipWithIndexEmpty(_ master: Master) throws {
        try withContext(master) { ctx throws in
            #expect(try ctx.emptyRDD(of: String.self).zipWithIndex().collect().isEmpty)
        }
    }

    @Test("keyBy pairs each record with its key", arguments: Master.both)
    func keyBy(_ master: Master) throws {
        let data = randomInts(999, seed: 21)
        try withContext(master) { ctx throws in
            let k = try ctx.parallelize(data, numSlices: 4).keyBy { $0 % 10 }.collect()
            #expect(k.map(KV.init) == data.map { KV(($0 % 10, $0)) })
        }
    }

    @Test("cartesian yields every pair", arguments: Master.both, [(40, 3, 25, 4), (0, 2, 10, 3), (5, 8, 1, 1), (12, 1, 0, 0)])
    func cartesian(_ master: Master, _ sizes: (na: Int, pa: Int, nb: Int, pb: Int)) throws {
        let (na, pa, nb, pb) = sizes
        let a = randomInts(na, in: 0...50, seed: 22), b = randomInts(nb, in: 0...50, seed: 23)
        try withContext(master) { ctx throws in
            let rb = pb == 0 ? ctx.emptyRDD(of: Int.self) : ctx.parallelize(b, numSlices: pb)
            let c = ctx.parallelize(a, numSlices: pa).cartesian(rb)
            #expect(c.numPartitions == pa * pb)
            var expected: [(Int, Int)] = []
            for x in a { for y in b { expected.append((x, y)) } }
            #expect(sortedPairs(try c.collect()) == sortedPairs(expected))
        }
    }

    @Test("sortBy sorts globally across partitions", arguments: Master.both, [true, false])
    func sortBy(_ master: Master, ascending: Bool) throws {
        let data = randomInts(30_000, in: -5000...5000, seed: 24)
        try withContext(master) { ctx throws in
            let sorted = try ctx.parallelize(data, numSlices: 6).sortBy({ $0 }, ascending: ascending, numPartitions: 5)
            #expect(sorted.numPartitions <= 5)
            let expected = ascending ? data.sorted() : data.sorted(by: >)
            #expect(try sorted.collect() == expected)
            let parts = try sorted.glom().collect().filter { !$0.isEmpty }
            #expect(parts.count > 1, "the sort spread the records over several partitions")
            // Many equal keys: sorted by the last digit; the order within one digit is unspecified.
            let byDigit = try ctx.parallelize(data, numSlices: 3).sortBy({ abs($0) % 10 }, ascending: ascending).collect()
            let digits = byDigit.map { abs($0) % 10 }
            #expect(digits == (ascending ? digits.sorted() : digits.sorted(by: >)))
            #expect(byDigit.sorted() == data.sorted())
        }
    }

    @Test("sortBy of an empty RDD, of a one-key RDD, and with more partitions than records", arguments: Master.both)
    func sortByEdges(_ master: Master) throws {
        try withContext(master) { ctx throws in
            #expect(try ctx.parallelize([Int](), numSlices: 4).sortBy { $0 }.collect().isEmpty)
            #expect(try ctx.emptyRDD(of: Int.self).sortBy { $0 }.collect().isEmpty)
            let same = Array(repeating: 5, count: 1000)
            #expect(try ctx.parallelize(same, numSlices: 4).sortBy { $0 }.collect() == same)
            #expect(try ctx.parallelize([3, 1, 2], numSlices: 8).sortBy({ $0 }, numPartitions: 8).collect() == [1, 2, 3])
        }
    }

    @Test("narrow operators over shuffled parents: cartesian, union, zipWithIndex and coalesce", arguments: Master.both)
    func narrowOverShuffles(_ master: Master) throws {
        let data = randomPairs(3000, keys: 40, seed: 25)
        let sums = Dictionary(data, uniquingKeysWith: +)
        try withContext(master) { ctx throws in
            let reduced = ctx.parallelize(data, numSlices: 4).reduceByKey(numPartitions: 3, +)
            let small = ctx.parallelize([1, 2], numSlices: 2)
            do {
                let c = try small.cartesian(reduced).collect()
                #expect(c.count == 2 * sums.count)
                #expect(Set(c.map { "\($0.0):\($0.1.0):\($0.1.1)" })
                        == Set([1, 2].flatMap { i in sums.map { "\(i):\($0.key):\($0.value)" } }))
            }
            let u = try reduced.union(ctx.parallelize(Array(sums), numSlices: 2)).collect()
            #expect(sortedPairs(u) == sortedPairs(Array(sums) + Array(sums)))
            let z = try reduced.keys().zipWithIndex().collect()
            #expect(z.map(\.1) == Array(0..<sums.count))
            #expect(Set(z.map(\.0)) == Set(sums.keys))
            #expect(Dictionary(try reduced.coalesce(1).collect(), uniquingKeysWith: +) == sums)
        }
    }
}
