import Engine
import Scheduler
import Testing

/// Pairs with keys 0..<40 (key 3 holding half of them: skew).
private func pairs(_ n: Int) -> [(Int, Int)] { (0..<n).map { ($0 % 2 == 0 ? 3 : $0 % 40, $0) } }

private func sums(_ records: [(Int, Int)]) -> [Int: Int] {
    records.reduce(into: [:]) { $0[$1.0, default: 0] += $1.1 }
}

/// True when the RDD was computed without a shuffle of its own (its dependencies are narrow).
private func isNarrow<T>(_ rdd: RDD<T>) -> Bool {
    rdd.originalDependencies.allSatisfy { if case .narrow = $0 { return true } else { return false } }
}

@Suite("Spark's defaultPartitioner")
struct DefaultPartitionerTests {
    @Test(arguments: Master.both)
    func emptyInputsGiveEmptyResults(_ master: Master) throws {
        try withContext(master) { (ctx: EngineContext) throws in
            #expect(try ctx.emptyRDD(of: Int.self).distinct().collect().isEmpty)
            #expect(try ctx.emptyRDD(of: String.self).distinct().count() == 0)
            #expect(try ctx.emptyRDD(of: (String, Int).self).distinct().collect().isEmpty)
            let none = ctx.emptyRDD(of: (Int, Int).self)
            #expect(try none.reduceByKey(+).collect().isEmpty)
            #expect(try none.groupByKey().collect().isEmpty)
            #expect(try none.join(ctx.parallelize(pairs(10), numSlices: 2)).collect().isEmpty)
            #expect(try none.cogroup(none).collect().isEmpty)
            #expect(try ctx.parallelize([Int](), numSlices: 3).distinct().collect().isEmpty)
        }
    }

    @Test(arguments: Master.both)
    func withoutPartitionerOrSettingTheLargestParentDecides(_ master: Master) throws {
        try withContext(master) { (ctx: EngineContext) throws in
            let data = pairs(3000)
            let seven = ctx.parallelize(data, numSlices: 7), three = ctx.parallelize(pairs(500), numSlices: 3)
            let reduced = seven.reduceByKey(+)
            #expect(reduced.numPartitions == 7)  // not the 4 cores of local[4]
            #expect(Dictionary(uniqueKeysWithValues: try reduced.collect()) == sums(data))
            #expect(seven.groupByKey().numPartitions == 7)
            #expect(three.join(seven).numPartitions == 7)
            #expect(three.cogroup(seven).numPartitions == 7)
            #expect(ctx.parallelize(Array(0..<100), numSlices: 6).distinct().numPartitions == 6)
            #expect(try ctx.parallelize(data.map(\.0), numSlices: 6).distinct().collect().sorted() == Array(Set(data.map(\.0))).sorted())
        }
    }

    @Test(arguments: Master.both)
    func theConfiguredParallelismWinsOverParentCounts(_ master: Master) throws {
        try withContext(master, conf: ["engine.default.parallelism": "3"]) { (ctx: EngineContext) throws in
            let data = pairs(2000)
            let seven = ctx.parallelize(data, numSlices: 7)
            let reduced = seven.reduceByKey(+)
            #expect(reduced.numPartitions == 3)
            #expect(Dictionary(uniqueKeysWithValues: try reduced.collect()) == sums(data))
            #expect(seven.join(ctx.parallelize(pairs(50), numSlices: 5)).numPartitions == 3)
            #expect(ctx.parallelize(Array(0..<100), numSlices: 6).distinct().numPartitions == 3)
            // An existing partitioner with at least the default count is kept even when not eligible.
            let five = ctx.parallelize(data, numSlices: 4).partitionBy(HashPartitioner(5))
            let hundred = ctx.parallelize(pairs(300), numSlices: 100)
            let joined = five.join(hundred)
            #expect(joined.numPartitions == 5 && joined.partitioner?.isEqual(to: HashPartitioner(5)) == true)
            // One with fewer partitions than the default, and not eligible, is not.
            let two = ctx.parallelize(data, numSlices: 4).partitionBy(HashPartitioner(2))
            #expect(two.join(hundred).numPartitions == 3)
        }
    }

    @Test(arguments: Master.both)
    func anUpstreamPartitionerIsUsedWhenEligible(_ master: Master) throws {
        try withContext(master) { (ctx: EngineContext) throws in
            let data = pairs(4000)
            let five = ctx.parallelize(data, numSlices: 8).partitionBy(HashPartitioner(5))
            let reduced = five.reduceByKey(+)
            #expect(reduced.numPartitions == 5 && reduced.partitioner?.isEqual(to: HashPartitioner(5)) == true)
            #expect(isNarrow(reduced))  // already partitioned: combined in place, no second shuffle
            #expect(Dictionary(uniqueKeysWithValues: try reduced.collect()) == sums(data))
            // Eligible: 8 partitions is within ten times 5.
            let eight = ctx.parallelize(pairs(800), numSlices: 8)
            let joined = five.join(eight)
            #expect(joined.numPartitions == 5 && joined.partitioner?.isEqual(to: HashPartitioner(5)) == true)
            var expected = 0
            let right = sums(pairs(800)).keys
            for (k, _) in data where right.contains(k) { expected += pairs(800).filter { $0.0 == k }.count }
            #expect(try joined.count() == expected)
            // Not eligible: 40 partitions is more than ten times 2, and 40 is above 2.
            let two = ctx.parallelize(data, numSlices: 4).partitionBy(HashPartitioner(2))
            let forty = ctx.parallelize(pairs(400), numSlices: 40)
            let cogrouped = two.cogroup(forty)
            #expect(cogrouped.numPartitions == 40 && cogrouped.partitioner?.isEqual(to: HashPartitioner(40)) == true)
            // Of two partitioned parents, the one with more partitions.
            let nine = ctx.parallelize(pairs(900), numSlices: 3).partitionBy(HashPartitioner(9))
            #expect(five.join(nine).partitioner?.isEqual(to: HashPartitioner(9)) == true)
            #expect(nine.join(five).partitioner?.isEqual(to: HashPartitioner(9)) == true)
        }
    }
}
