import Engine
import Foundation
import Scheduler
import Testing

/// Partitioners and dependencies follow Spark's rules: which operations keep a partitioner,
/// and when a by-key operation can avoid a shuffle.
@Suite("Dependencies and partitioners")
struct DependencyTests {
    @Test("map drops the partitioner; mapValues, flatMapValues and filter keep it", arguments: Master.both)
    func partitionerPropagation(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let reduced = ctx.parallelize(randomPairs(1000, seed: 61), numSlices: 3).reduceByKey(numPartitions: 4, +)
            #expect(reduced.partitioner?.isEqual(to: HashPartitioner(4)) == true)
            #expect(reduced.map { $0 }.partitioner == nil)
            #expect(reduced.keys().partitioner == nil)
            #expect(reduced.mapPartitions { $0 }.partitioner == nil)
            #expect(reduced.mapPartitions(preservesPartitioning: true) { $0 }.partitioner?.isEqual(to: HashPartitioner(4)) == true)
            #expect(reduced.mapValues { $0 * 2 }.partitioner?.isEqual(to: HashPartitioner(4)) == true)
            #expect(reduced.filter { $0.1 > 0 }.partitioner?.isEqual(to: HashPartitioner(4)) == true)
            #expect(ctx.parallelize([1, 2, 3]).partitioner == nil)
            #expect(HashPartitioner(4).isEqual(to: HashPartitioner(5)) == false)
        }
    }

    @Test("reduceByKey and groupByKey on an RDD partitioned by an equal HashPartitioner add no shuffle", arguments: Master.both)
    func noShuffleWhenAlreadyPartitioned(_ master: Master) throws {
        let data = randomPairs(8000, keys: 300, skewed: true, seed: 62)
        try withContext(master) { ctx throws in
            let partitioned = ctx.parallelize(data, numSlices: 5).partitionBy(HashPartitioner(4))
            #expect(shuffleDependencies(partitioned).count == 1)

            let sums = partitioned.reduceByKey(numPartitions: 4, +)
            #expect(hasOnlyNarrowDependencies(sums))
            #expect(shuffleDependencies(sums).count == 1, "only partitionBy's shuffle")
            #expect(sums.partitioner?.isEqual(to: HashPartitioner(4)) == true)
            #expect(Dictionary(try sums.collect(), uniquingKeysWith: { a, _ in a }) == Dictionary(data, uniquingKeysWith: +))

            let byDefault = partitioned.mapValues { $0 + 1 }.reduceByKey(+)
            #expect(shuffleDependencies(byDefault).count == 1, "the default partitioner is the existing one")

            let groups = partitioned.filter { $0.0 != 7 }.groupByKey(partitioner: HashPartitioner(4))
            #expect(hasOnlyNarrowDependencies(groups))
            let want = groupedValues(data.filter { $0.0 != 7 }).mapValues { $0.sorted() }
            #expect(Dictionary(try groups.collect().map { ($0.0, $0.1.sorted()) }, uniquingKeysWith: { a, _ in a }) == want)

            let other = partitioned.reduceByKey(numPartitions: 5, +)
            #expect(shuffleDependencies(other).count == 2, "another partition count needs a shuffle")
            #expect(Dictionary(try other.collect(), uniquingKeysWith: { a, _ in a }) == Dictionary(data, uniquingKeysWith: +))
        }
    }

    @Test("join of two RDDs co-partitioned by the same partitioner has only narrow dependencies", arguments: Master.both)
    func coPartitionedJoin(_ master: Master) throws {
        let left = randomPairs(3000, keys: 200, seed: 63)
        let right = randomPairs(500, keys: 400, seed: 64)
        let rightSums = Dictionary(right, uniquingKeysWith: +)
        var want: [KV<Int, Int>] = []
        for (k, v) in left { if let w = rightSums[k] { want.append(KV((k, v * 1_000_000 + w))) } }
        try withContext(master) { ctx throws in
            let l = ctx.parallelize(left, numSlices: 3).partitionBy(HashPartitioner(6))
            let r = ctx.parallelize(right, numSlices: 2).reduceByKey(numPartitions: 6, +)
            let joined = l.join(r)
            #expect(shuffleDependencies(joined).count == 2, "only partitionBy's and reduceByKey's shuffles")
            #expect(lineageContainsCoGroup(joined, narrowOnly: true), "the CoGroupedRDD reads both sides narrowly")
            #expect(joined.partitioner?.isEqual(to: HashPartitioner(6)) == true)
            do {
                let got = try joined.collect().map { KV(($0.0, $0.1.0 * 1_000_000 + $0.1.1)) }.sorted()
                #expect(got == want.sorted())
            }
            // The same join, its values flattened on the executors.
            let flat = try joined.mapValues { $0.0 * 1_000_000 + $0.1 }.collect().map(KV.init).sorted()
            #expect(flat == want.sorted())

            // One side partitioned: that side narrow, the other shuffled.
            let half = l.join(ctx.parallelize(Array(rightSums), numSlices: 2))
            #expect(shuffleDependencies(half).count == 2)
            #expect(!lineageContainsCoGroup(half, narrowOnly: true))
            #expect(try half.count() == want.count)
            // Different partition counts: both sides shuffled again.
            #expect(shuffleDependencies(l.join(r, numPartitions: 5)).count == 4)
        }
    }

    @Test("toDebugString of a word count marks the shuffle with +- exactly once", arguments: Master.both)
    func debugString(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let lines = ctx.parallelize(["a b", "b c c"], numSlices: 2)
            let counts = lines.flatMap { $0.split(separator: " ").map(String.init) }.map { ($0, 1) }
                .reduceByKey(numPartitions: 3, +)
            let text = counts.toDebugString()
            let rows = text.split(separator: "\n").map(String.init)
            #expect(rows.count == 4, "\(text)")
            #expect(rows[0].hasPrefix("(3) ShuffledRDD[") && rows[0].contains("at reduceByKey at DependencyTests.swift:"))
            #expect(rows.filter { $0.contains("+-") }.count == 1, "\(text)")
            #expect(rows[1].hasPrefix(" +-(2) MapPartitionsRDD[") && rows[1].contains("at map at"), "\(text)")
            #expect(rows[2].hasPrefix("    |  MapPartitionsRDD[") && rows[2].contains("at flatMap at"), "\(text)")
            #expect(rows[3].hasPrefix("    |  ParallelCollectionRDD[") && rows[3].contains("at parallelize at"), "\(text)")
            #expect(try Dictionary(counts.collect(), uniquingKeysWith: +) == ["a": 1, "b": 2, "c": 2])

            let narrowOnly = lines.map { $0.count }.toDebugString()
            #expect(!narrowOnly.contains("+-"))
            let twoShuffles = counts.join(lines.map { ($0, 0) }).toDebugString()
            #expect(twoShuffles.components(separatedBy: "+-").count - 1 == 2, "\(twoShuffles)")
        }
    }
}

/// True when `node`'s lineage has a CoGroupedRDD, all of whose dependencies are narrow if `narrowOnly`.
func lineageContainsCoGroup(_ node: any LineageNode, narrowOnly: Bool) -> Bool {
    if node.debugName.hasPrefix("CoGroupedRDD") { return !narrowOnly || hasOnlyNarrowDependencies(node) }
    for d in node.lineageDependencies {
        switch d {
        case .narrow(let p): if lineageContainsCoGroup(p, narrowOnly: narrowOnly) { return true }
        case .shuffle(let s): if lineageContainsCoGroup(s.mapSide, narrowOnly: narrowOnly) { return true }
        }
    }
    return false
}
