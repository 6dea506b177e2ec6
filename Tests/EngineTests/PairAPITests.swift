import Engine
import Testing

/// A user's partitioner: keys by their value mod n, made Codable so it travels to executors.
struct UserModPartitioner: KeyPartitioner, Codable {
    typealias Key = Int
    let numPartitions: Int
    func partition(for key: Int) -> Int { ((key % numPartitions) + numPartitions) % numPartitions }
    func isEqual(to other: any Partitioner) -> Bool { (other as? UserModPartitioner)?.numPartitions == numPartitions }
}

/// A user's partitioner that is not Codable: it cannot travel.
struct LocalOnlyPartitioner: KeyPartitioner {
    typealias Key = Int
    let numPartitions = 2
    func partition(for key: Int) -> Int { key & 1 }
    func isEqual(to other: any Partitioner) -> Bool { other is LocalOnlyPartitioner }
}

@Suite("lookup, reduceByKeyLocally, cogroup of several, repartitionAndSortWithinPartitions, countApproxDistinct, custom partitioners")
struct PairAPITests {
    @Test(arguments: Master.both)
    func lookupFindsEveryValueOfAKey(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for shape in PairShape.all {
                let data = shape.data(seed: 71)
                let grouped = groupedValues(data)
                let pairs = ctx.parallelize(data, numSlices: shape.slices)
                let partitioned = pairs.partitionBy(HashPartitioner(4))
                let custom = pairs.partitionBy(UserModPartitioner(numPartitions: 3))
                for k in [7, 0, 1, 99, -5] {
                    let expected = (grouped[k] ?? []).sorted()
                    #expect(try pairs.lookup(k).sorted() == expected)
                    #expect(try partitioned.lookup(k).sorted() == expected, "one partition searched")
                    #expect(try custom.lookup(k).sorted() == expected)
                }
            }
            // With a partitioner, one task reads the one partition that can hold the key.
            let partitioned = ctx.parallelize(randomPairs(1000, keys: 40, seed: 70), numSlices: 3).partitionBy(HashPartitioner(6))
            _ = try partitioned.count()  // the shuffle's map outputs now exist: lookup's job skips that stage
            _ = try partitioned.lookup(11)
            #expect(ctx.lastJobSummary?.tasksRun == 1)
            _ = try ctx.parallelize(randomPairs(1000, keys: 40, seed: 70), numSlices: 3).lookup(11)
            #expect(ctx.lastJobSummary?.tasksRun == 3, "without a partitioner every partition is searched")
            let words = ctx.parallelize([("a", 1), ("b", 2), ("a", 3)], numSlices: 2)
            #expect(try words.lookup("a").sorted() == [1, 3])
            #expect(try words.lookup("zz").isEmpty)
        }
    }

    @Test(arguments: Master.both)
    func reduceByKeyLocallyMergesOnTheDriver(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for shape in PairShape.all {
                let data = shape.data(seed: 72)
                let got = try ctx.parallelize(data, numSlices: shape.slices).reduceByKeyLocally(+)
                #expect(got == Dictionary(data, uniquingKeysWith: +))
            }
            #expect(try ctx.emptyRDD(of: (Int, Int).self).reduceByKeyLocally(+).isEmpty)
            let strings = try ctx.parallelize([("x", "a"), ("y", "b"), ("x", "c")], numSlices: 3).reduceByKeyLocally { $0 < $1 ? $0 : $1 }
            #expect(strings == ["x": "a", "y": "b"])
        }
    }

    @Test(arguments: Master.both)
    func cogroupOfThreeAndFour(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let a = randomPairs(3000, keys: 50, skewed: true, seed: 73)
            let b = randomPairs(500, keys: 80, seed: 74).map { ($0.0, "b\($0.1)") }
            let c = randomPairs(100, keys: 30, seed: 75)
            let d = randomPairs(40, keys: 200, seed: 76).map { ($0.0, Double($0.1)) }
            let ra = ctx.parallelize(a, numSlices: 4), rb = ctx.parallelize(b, numSlices: 3)
            let rc = ctx.parallelize(c, numSlices: 2).partitionBy(HashPartitioner(5)), rd = ctx.parallelize(d, numSlices: 1)
            let (ga, gb, gc, gd) = (groupedValues(a), groupedValues(b), groupedValues(c), groupedValues(d))
            let keys = Set(ga.keys).union(gb.keys).union(gc.keys)
            // Rows as text so that the nested result collects in either master.
            let three = try ra.cogroup(rb, rc).map { kv in "\(kv.0)|\(kv.1.0.sorted())|\(kv.1.1.sorted())|\(kv.1.2.sorted())" }
                .collect()
            #expect(three.count == keys.count, "each key once")
            #expect(Set(three) == Set(keys.map { "\($0)|\((ga[$0] ?? []).sorted())|\((gb[$0] ?? []).sorted())|\((gc[$0] ?? []).sorted())" }))
            #expect(ra.cogroup(rb, rc).numPartitions == 5, "the existing partitioner of the third RDD")
            #expect(ra.cogroup(rb, rc, numPartitions: 3).numPartitions == 3)
            let four = try ra.groupWith(rb, rc, rd).map { kv in kv.1.0.count + kv.1.1.count + kv.1.2.count + kv.1.3.count }.collect()
            #expect(four.reduce(0, +) == a.count + b.count + c.count + d.count)
            #expect(four.count == keys.union(gd.keys).count)
            let two = try ra.groupWith(rb).map { kv in kv.1.0.count + kv.1.1.count }.collect()
            #expect(two.reduce(0, +) == a.count + b.count)
            let empty = ctx.emptyRDD(of: (Int, Int).self)
            #expect(try empty.cogroup(empty, empty).count() == 0)
        }
    }

    @Test(arguments: Master.both)
    func repartitionAndSortWithinPartitionsSortsEachPartition(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for shape in PairShape.all {
                let data = shape.data(seed: 77)
                let partitioner = UserModPartitioner(numPartitions: 3)
                let r = ctx.parallelize(data, numSlices: shape.slices).repartitionAndSortWithinPartitions(partitioner)
                #expect(r.numPartitions == 3)
                let parts = try r.glom().map { p in p.map { "\($0.0)|\($0.1)" } }.collect()
                let byPartition = try r.glom().map { p in p.map(\.0) }.collect()
                for (i, keys) in byPartition.enumerated() {
                    #expect(keys == keys.sorted(), "partition \(i) sorted by key")
                    #expect(keys.allSatisfy { partitioner.partition(for: $0) == i })
                }
                #expect(parts.flatMap { $0 }.sorted() == data.map { "\($0.0)|\($0.1)" }.sorted())
                let down = try ctx.parallelize(data, numSlices: shape.slices)
                    .repartitionAndSortWithinPartitions(HashPartitioner(2), ascending: false).glom().map { p in p.map(\.0) }.collect()
                for keys in down { #expect(keys == keys.sorted(by: >)) }
            }
        }
    }

    @Test(arguments: Master.both)
    func countApproxDistinctIsWithinItsError(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, distinct, slices) in [(0, 0, 3), (10, 10, 4), (5000, 1000, 5), (100_000, 40_000, 8)] {
                let data = (0..<n).map { ($0 * 7919) % Swift.max(distinct, 1) }
                #expect(Set(data).count == distinct)
                let rdd = ctx.parallelize(data, numSlices: slices)
                for relativeSD in [0.05, 0.01] {
                    let estimate = try rdd.countApproxDistinct(relativeSD: relativeSD)
                    #expect(abs(Double(estimate - distinct)) <= 4 * relativeSD * Double(distinct) + 1,
                            "\(estimate) vs \(distinct) at \(relativeSD)")
                }
                let words = try rdd.map { "word\($0)" }.countApproxDistinct()
                #expect(abs(Double(words - distinct)) <= 0.2 * Double(distinct) + 1)
            }
            let rdd = ctx.parallelize([1, 2, 3])
            expectEngineError(.invalidArgument, mentioning: ["relativeSD", "0.000017"]) { try rdd.countApproxDistinct(relativeSD: 0.00001) }
            expectEngineError(.invalidArgument, mentioning: ["relativeSD", "0.00206"]) { try rdd.countApproxDistinct(relativeSD: 0.001) }
            expectEngineError(.invalidArgument, mentioning: ["relativeSD"]) { try rdd.countApproxDistinct(relativeSD: .nan) }
        }
    }

    @Test(arguments: Master.both)
    func subtractByKeyPartitionsAsSpark(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for shape in PairShape.all {
                let left = shape.data(seed: 79), right = randomPairs(50, keys: shape.keys * 2, seed: 80).map { ($0.0, "r\($0.1)") }
                let drop = Set(right.map(\.0))
                let expected = sortedPairs(left.filter { !drop.contains($0.0) })
                let l = ctx.parallelize(left, numSlices: shape.slices), r = ctx.parallelize(right, numSlices: 2)
                let byDefault = l.subtractByKey(r)
                #expect(byDefault.numPartitions == shape.slices, "Spark's default: this RDD's partition count")
                #expect(sortedPairs(try byDefault.collect()) == expected)
                let byCount = l.subtractByKey(r, numPartitions: 3)
                #expect(byCount.numPartitions == 3)
                #expect(sortedPairs(try byCount.collect()) == expected)
                let byUser = l.subtractByKey(r, partitioner: UserModPartitioner(numPartitions: 4))
                #expect(byUser.numPartitions == 4)
                #expect(sortedPairs(try byUser.collect()) == expected)
                // This RDD's own partitioner is kept, so no shuffle of this side is needed.
                let partitioned = l.partitionBy(HashPartitioner(6))
                #expect(partitioned.subtractByKey(r).numPartitions == 6)
                #expect(sortedPairs(try partitioned.subtractByKey(r).collect()) == expected)
            }
        }
    }

    @Test(arguments: Master.both)
    func aCodableUserPartitionerWorksInEitherMaster(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let data = randomPairs(4000, keys: 100, skewed: true, seed: 78)
            let pairs = ctx.parallelize(data, numSlices: 4)
            let byMod = pairs.partitionBy(UserModPartitioner(numPartitions: 5))
            let keysByPartition = try byMod.glom().map { p in p.map(\.0) }.collect()
            #expect(keysByPartition.count == 5)
            for (i, keys) in keysByPartition.enumerated() { #expect(keys.allSatisfy { (($0 % 5) + 5) % 5 == i }) }
            let sums = try pairs.reduceByKey(partitioner: UserModPartitioner(numPartitions: 3), +).collect()
            #expect(Dictionary(sums, uniquingKeysWith: { a, _ in a }) == Dictionary(data, uniquingKeysWith: +))
            let grouped = try pairs.groupByKey(partitioner: UserModPartitioner(numPartitions: 2)).map { $0.1.count }.collect()
            #expect(grouped.reduce(0, +) == data.count)
            // No shuffle is needed when already partitioned by an equal partitioner.
            #expect(byMod.partitionBy(UserModPartitioner(numPartitions: 5)) === byMod)
            let local = pairs.partitionBy(LocalOnlyPartitioner())
            if master == .cluster {
                expectEngineError(.jobFailed, mentioning: ["LocalOnlyPartitioner", "not Codable"]) { try local.count() }
            } else {
                #expect(try local.count() == data.count)
            }
        }
    }
}

@Suite("sortByKey by a key function")
struct SortByKeyFunctionTests {
    @Test(arguments: Master.both)
    func sortsPairsByAFunctionOfTheirKey(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for shape in PairShape.all {
                let data = shape.data(seed: 81).map { ("K\($0.0 % 17)x\($0.0)", $0.1) }
                let pairs = ctx.parallelize(data, numSlices: shape.slices)
                let byLength = try pairs.sortByKey(numPartitions: 3, by: { $0.count }).collect()
                #expect(byLength.map(\.0.count) == data.map(\.0.count).sorted())
                #expect(byLength.map { "\($0.0)|\($0.1)" }.sorted() == data.map { "\($0.0)|\($0.1)" }.sorted(), "the same pairs")
                let down = try pairs.sortByKey(ascending: false, by: { $0.lowercased() }).collect()
                #expect(down.map(\.0) == data.map(\.0).sorted(by: >))
            }
            let pairs = ctx.parallelize([("b", 1), ("a", 2)], numSlices: 2)
            expectEngineError(.invalidArgument, mentioning: ["sortByKey", "0"]) {
                try pairs.sortByKey(numPartitions: 0, by: { $0.count })
            }
            expectEngineError(.jobFailed, mentioning: ["zip function refused"]) {
                try pairs.sortByKey(by: { (k: String) throws -> Int in if k == "a" { throw ZipRefusal() }; return 1 }).collect()
            }
        }
    }
}
