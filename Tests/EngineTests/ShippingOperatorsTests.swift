import Engine
import Foundation
import Scheduler
import Testing

/// The operators recorded for cluster mode beyond map, filter and reduceByKey: each job runs in
/// both masters (in local-cluster every stage's lineage is rebuilt on the executors by replaying
/// its operator calls) and is checked against a computation here; results that depend on a seed
/// or on placement are checked against the same job in local[4].
@Suite struct ShippingOperatorsTests {
    /// Slice i of `parallelize(data, numSlices: n)`, computed here.
    func slices<T>(_ data: [T], _ n: Int) -> [[T]] {
        (0..<n).map { i in Array(data[(i * data.count / n)..<((i + 1) * data.count / n)]) }
    }

    @Test(arguments: Master.both, Shape.small)
    func narrowOperatorsMatchLocalModeAndAnIndependentComputation(_ master: Master, _ shape: Shape) throws {
        let data = randomInts(shape.count, in: -50...50, seed: UInt64(shape.count) + 11)
        let parts = slices(data, shape.slices)
        func job(_ ctx: EngineContext) throws -> NarrowResults {
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            let pairs = rdd.map { ($0 % 5, $0) }
            return NarrowResults(
                flatMapValues: try pairs.flatMapValues { [$0, $0 * 10] }.collect().map { [$0.0, $0.1] },
                keys: try pairs.keys().collect(),
                values: try pairs.values().collect(),
                keyBy: try rdd.keyBy { $0 * 2 }.collect().map { [$0.0, $0.1] },
                mapPartitions: try rdd.mapPartitions { it in [it.reduce(0, +)] }.collect(),
                withIndex: try rdd.mapPartitionsWithIndex { p, it in it.map { $0 * 100 + p } }.collect(),
                glom: try rdd.glom().collect(),
                coalesced: try rdd.coalesce(2).glom().collect(),
                sample: try rdd.sample(withReplacement: false, fraction: 0.4, seed: 77).collect(),
                sampleWith: try rdd.sample(withReplacement: true, fraction: 1.5, seed: 78).collect(),
                union: try rdd.union(rdd.map { $0 + 1000 }).glom().collect(),
                unionMany: try ctx.union([rdd, ctx.emptyRDD(of: Int.self), rdd.filter { $0 > 0 }]).collect(),
                cartesian: try rdd.filter { $0 % 7 == 0 }.cartesian(ctx.parallelize(["a", "b"], numSlices: 2)).collect()
                    .map { "\($0.0)\($0.1)" },
                zipped: try rdd.zipWithIndex().collect().map { [$0.0, $0.1] })
        }
        let result = try withContext(master, job)
        let reference = try withContext(.local, job)
        do {
            #expect(result.flatMapValues == data.flatMap { [[$0 % 5, $0], [$0 % 5, $0 * 10]] })
            #expect(result.keys == data.map { $0 % 5 })
            #expect(result.values == data)
            #expect(result.keyBy == data.map { [$0 * 2, $0] })
            #expect(result.mapPartitions == parts.map { $0.reduce(0, +) })
            #expect(result.withIndex == parts.enumerated().flatMap { p, xs in xs.map { $0 * 100 + p } })
            #expect(result.glom == parts)
            let target = max(1, min(2, shape.slices))
            #expect(result.coalesced == (0..<target).map { i in
                Array(parts[(i * shape.slices / target)..<((i + 1) * shape.slices / target)].joined())
            })
            #expect(result.union == parts + parts.map { $0.map { $0 + 1000 } })
            #expect(result.unionMany == data + data.filter { $0 > 0 })
            // Left partition i with right partition 0 ("a"), then with right partition 1 ("b").
            #expect(result.cartesian == parts.flatMap { xs in
                let kept = xs.filter { $0 % 7 == 0 }
                return kept.map { "\($0)a" } + kept.map { "\($0)b" }
            })
            #expect(result.zipped == data.enumerated().map { [$0.element, $0.offset] })
            // Without replacement: a sub-sequence of the input.
            var rest = data[...]
            #expect(result.sample.allSatisfy { x in
                guard let i = rest.firstIndex(of: x) else { return false }
                rest = rest[(i + 1)...]
                return true
            })
        }
        #expect(result.sample == reference.sample, "the same seed gives the same sample in both masters")
        #expect(result.sampleWith == reference.sampleWith)
        if data.count >= 1000 {
            #expect(result.sample.count > data.count / 4 && result.sample.count < data.count * 3 / 5)
            #expect(result.sampleWith.count > data.count)
        }
    }

    struct NarrowResults {
        var flatMapValues: [[Int]], keys: [Int], values: [Int], keyBy: [[Int]], mapPartitions: [Int], withIndex: [Int]
        var glom: [[Int]], coalesced: [[Int]], sample: [Int], sampleWith: [Int], union: [[Int]], unionMany: [Int]
        var cartesian: [String], zipped: [[Int]]
    }

    @Test(arguments: Master.both)
    func rangeMatchesStrideIncludingEmptyAndNegativeSteps(_ master: Master) throws {
        let cases: [(Int, Int, Int, Int?)] = [(0, 100, 3, 4), (10, -7, -2, 3), (5, 5, 1, 2), (0, 1, 1, nil), (3, 0, 1, 5)]
        let r = try withContext(master) { ctx in
            try cases.map { try ctx.range($0.0, $0.1, step: $0.2, numSlices: $0.3).map { $0 * 2 }.glom().collect() }
        }
        for (result, c) in zip(r, cases) {
            #expect(result.flatMap { $0 } == Array(stride(from: c.0, to: c.1, by: c.2)).map { $0 * 2 })
            #expect(result.count == (c.3 ?? result.count))
        }
    }

    @Test(arguments: Master.both, [0, 1, 3_000, 40_000])
    func repartitionDistinctAndPartitionByMatchLocalMode(_ master: Master, _ count: Int) throws {
        let data = randomInts(count, in: -300...300, seed: UInt64(count) + 5)
        let pairs = randomPairs(count, keys: 50, skewed: true, seed: UInt64(count) + 6)
        func job(_ ctx: EngineContext) throws -> RepartitionResults {
            let rdd = ctx.parallelize(data, numSlices: 5)
            let kv = ctx.parallelize(pairs, numSlices: 4)
            return RepartitionResults(
                repartitioned: try rdd.repartition(3).glom().collect(),
                coalescedWithShuffle: try rdd.coalesce(7, shuffle: true).glom().collect(),
                pairsRepartitioned: try kv.repartition(2).glom().map { $0.map { [$0.0, $0.1] } }.collect(),
                distinct: try rdd.distinct().collect(),
                distinctTwo: try rdd.distinct(numPartitions: 2).glom().collect().map { $0.sorted() },
                partitioned: try kv.partitionBy(HashPartitioner(4)).glom().map { $0.map { [$0.0, $0.1] } }.collect(),
                // Already partitioned alike: the same RDD, no second shuffle.
                twice: try kv.partitionBy(HashPartitioner(3)).partitionBy(HashPartitioner(3)).values().collect().sorted())
        }
        let result = try withContext(master, job)
        let reference = try withContext(.local, job)
        do {
            #expect(result.repartitioned.count == 3)
            #expect(result.repartitioned.joined().sorted() == data.sorted())
            #expect(result.coalescedWithShuffle.count == 7)
            #expect(result.coalescedWithShuffle.joined().sorted() == data.sorted())
            #expect(result.pairsRepartitioned.count == 2)
            #expect(result.pairsRepartitioned.joined().map { "\($0)" }.sorted() == pairs.map { "\([$0.0, $0.1])" }.sorted())
            #expect(result.distinct.sorted() == Set(data).sorted())
            #expect(result.distinctTwo.count == 2)
            #expect(result.distinctTwo.joined().sorted() == Set(data).sorted())
            #expect(result.partitioned.count == 4)
            for (p, records) in result.partitioned.enumerated() {
                #expect(records.allSatisfy { HashPartitioner(4).partition(for: $0[0]) == p })
            }
            #expect(result.partitioned.joined().map { "\($0)" }.sorted() == pairs.map { "\([$0.0, $0.1])" }.sorted())
            #expect(result.twice == pairs.map(\.1).sorted())
        }
        // Placement is the same in both masters.
        #expect(result.repartitioned == reference.repartitioned)
        #expect(result.coalescedWithShuffle == reference.coalescedWithShuffle)
        #expect(result.pairsRepartitioned == reference.pairsRepartitioned)
        #expect(result.partitioned == reference.partitioned)
    }

    struct RepartitionResults {
        var repartitioned: [[Int]], coalescedWithShuffle: [[Int]], pairsRepartitioned: [[[Int]]], distinct: [Int]
        var distinctTwo: [[Int]], partitioned: [[[Int]]], twice: [Int]
    }

    @Test(arguments: Master.both, [0, 1, 5_000, 60_000])
    func byKeyAggregationsMatchAnIndependentComputation(_ master: Master, _ count: Int) throws {
        let pairs = randomPairs(count, keys: 40, skewed: true, seed: UInt64(count) + 9)
        var sums: [Int: Int] = [:], lists: [Int: [Int]] = [:]
        for (k, v) in pairs {
            sums[k, default: 0] += v
            lists[k, default: []].append(v)
        }
        func job(_ ctx: EngineContext) throws -> ByKeyResults {
            let kv = ctx.parallelize(pairs, numSlices: 6)
            let folded: [(Int, Int)] = try kv.foldByKey(0, numPartitions: 3) { $0 + $1 }.collect()
            // A zero that is not neutral is added once per key and map partition: as in local mode.
            let foldedFromTen: [(Int, Int)] = try kv.foldByKey(10) { $0 + $1 }.collect()
            let strings: [(Int, String)] = try kv.mapValues { "\($0)" }
                .foldByKey("z") { $0.count >= $1.count ? $0 : $1 }.collect()
            let aggregated: [(Int, [Int])] = try kv.aggregateByKey([Int](), numPartitions: 2, { $0 + [$1] }, { $0 + $1 }).collect()
            let sumCounts: [(Int, SumCount)] = try kv.aggregateByKey(
                SumCount.zero, { SumCount(sum: $0.sum + $1, count: $0.count + 1) },
                { SumCount(sum: $0.sum + $1.sum, count: $0.count + $1.count) }).collect()
            let combinedRDD = kv.combineByKey(createCombiner: { [$0] }, mergeValue: { $0 + [$1] }, mergeCombiners: { $0 + $1 },
                                              partitioner: HashPartitioner(5))
            let combinedPlacement: [[Int]] = try combinedRDD.glom().map { $0.map { $0.0 } }.collect()
            let combined: [(Int, [Int])] = try combinedRDD.collect()
            let combinedNoMapSide: [(Int, Int)] = try kv.combineByKey(
                createCombiner: { $0 }, mergeValue: { $0 + $1 }, mergeCombiners: { $0 + $1 }, numPartitions: 4,
                mapSideCombine: false).collect()
            return ByKeyResults(
                folded: Dictionary(uniqueKeysWithValues: folded), foldedFromTen: Dictionary(uniqueKeysWithValues: foldedFromTen),
                strings: Dictionary(uniqueKeysWithValues: strings),
                aggregated: Dictionary(uniqueKeysWithValues: aggregated.map { ($0.0, $0.1.sorted()) }),
                sumCounts: Dictionary(uniqueKeysWithValues: sumCounts),
                combinedPlacement: combinedPlacement,
                combined: Dictionary(uniqueKeysWithValues: combined.map { ($0.0, $0.1.sorted()) }),
                combinedNoMapSide: Dictionary(uniqueKeysWithValues: combinedNoMapSide))
        }
        let result = try withContext(master, job)
        let sortedLists = lists.mapValues { $0.sorted() }
        do {
            #expect(result.folded == sums)
            #expect(result.aggregated == sortedLists)
            #expect(result.sumCounts == lists.mapValues { SumCount(sum: $0.reduce(0, +), count: $0.count) })
            #expect(result.combinedPlacement.count == 5)
            for (p, keys) in result.combinedPlacement.enumerated() {
                #expect(keys.allSatisfy { HashPartitioner(5).partition(for: $0) == p })
            }
            #expect(result.combined == sortedLists)
            #expect(result.combinedNoMapSide == sums)
            #expect(Set(result.strings.keys) == Set(lists.keys))
            // Ten is added at least once to every key's sum.
            for (k, v) in result.foldedFromTen {
                let extra = v - sums[k, default: 0]
                #expect(extra >= 10 && extra % 10 == 0)
            }
            #expect(Set(result.foldedFromTen.keys) == Set(sums.keys))
        }
        #expect(try result == withContext(.local, job), "the same results in both masters")
    }

    struct ByKeyResults: Equatable {
        var folded: [Int: Int]
        var foldedFromTen: [Int: Int]
        var strings: [Int: String]
        var aggregated: [Int: [Int]]
        var sumCounts: [Int: SumCount]
        var combinedPlacement: [[Int]]
        var combined: [Int: [Int]]
        var combinedNoMapSide: [Int: Int]
    }

    @Test(arguments: Master.both, [(0, 0), (0, 500), (2_000, 0), (8_000, 3_000)])
    func cogroupAndJoinsMatchAnIndependentComputation(_ master: Master, _ sizes: (Int, Int)) throws {
        let left = randomPairs(sizes.0, keys: 30, skewed: true, seed: 21)
        let right = randomPairs(sizes.1, keys: 30, seed: 22).map { ($0.0 + 10, "w\($0.1)") }
        var ls: [Int: [Int]] = [:], rs: [Int: [String]] = [:]
        for (k, v) in left { ls[k, default: []].append(v) }
        for (k, w) in right { rs[k, default: []].append(w) }
        let allKeys = Set(ls.keys).union(rs.keys)
        func rows(_ k: Int, _ vs: [String], _ ws: [String]) -> [String] { vs.flatMap { v in ws.map { w in "\(k) \(v) \(w)" } } }
        let expectedJoin = allKeys.flatMap { rows($0, (ls[$0] ?? []).map { "\($0)" }, rs[$0] ?? []) }.sorted()
        let expectedLeft = allKeys.flatMap { k in
            rows(k, (ls[k] ?? []).map { "\($0)" }, rs[k].map { $0.map { "\($0)" } } ?? ["nil"])
        }.sorted()
        let expectedRight = allKeys.flatMap { k in rows(k, ls[k].map { $0.map { "\($0)" } } ?? ["nil"], rs[k] ?? []) }.sorted()
        let expectedFull = allKeys.flatMap { k in
            rows(k, ls[k].map { $0.map { "\($0)" } } ?? ["nil"], rs[k].map { $0.map { "\($0)" } } ?? ["nil"])
        }.sorted()
        let expectedSubtract = left.filter { rs[$0.0] == nil }.map { "\($0.0) \($0.1)" }.sorted()
        let r = try withContext(master) { ctx in
            let l = ctx.parallelize(left, numSlices: 5), rr = ctx.parallelize(right, numSlices: 3)
            // Values that are tuples are made Codable before they are collected.
            return [
                try l.cogroup(rr, numPartitions: 4).mapValues { "\($0.0.sorted()) \($0.1.sorted())" }.collect()
                    .map { "\($0.0) \($0.1)" }.sorted(),
                try l.join(rr).mapValues { "\($0.0) \($0.1)" }.collect().map { "\($0.0) \($0.1)" }.sorted(),
                try l.leftOuterJoin(rr, numPartitions: 3).mapValues { "\($0.0) \($0.1 ?? "nil")" }.collect()
                    .map { "\($0.0) \($0.1)" }.sorted(),
                try l.rightOuterJoin(rr).mapValues { "\($0.0.map { "\($0)" } ?? "nil") \($0.1)" }.collect()
                    .map { "\($0.0) \($0.1)" }.sorted(),
                try l.fullOuterJoin(rr, numPartitions: 2).mapValues { "\($0.0.map { "\($0)" } ?? "nil") \($0.1 ?? "nil")" }
                    .collect().map { "\($0.0) \($0.1)" }.sorted(),
                try l.subtractByKey(rr).collect().map { "\($0.0) \($0.1)" }.sorted(),
                // One side already partitioned by the result's partitioner is read without a shuffle.
                try l.partitionBy(HashPartitioner(3)).join(rr, numPartitions: 3).mapValues { "\($0.0) \($0.1)" }.collect()
                    .map { "\($0.0) \($0.1)" }.sorted(),
            ]
        }
        let expectedCogroup = allKeys.map { k in
            "\(k) \((ls[k] ?? []).sorted()) \((rs[k] ?? []).sorted())"
        }.sorted()
        #expect(r == [expectedCogroup, expectedJoin, expectedLeft, expectedRight, expectedFull, expectedSubtract,
                               expectedJoin])
    }

    @Test(arguments: Master.both, [0, 1, 4_000])
    func sortByKeyAndSortByMatchSorting(_ master: Master, _ count: Int) throws {
        let pairs = randomPairs(count, keys: 1000, skewed: true, seed: 31)
        func job(_ ctx: EngineContext) throws -> SortResults {
            let kv = ctx.parallelize(pairs, numSlices: 4)
            return SortResults(
                ascending: try kv.sortByKey(numPartitions: 3).keys().glom().collect(),
                descending: try kv.sortByKey(ascending: false).collect().map { [$0.0, $0.1] },
                by: try kv.values().sortBy({ -$0 }, numPartitions: 2).collect())
        }
        let result = try withContext(master, job)
        do {
            #expect(Array(result.ascending.joined()) == pairs.map(\.0).sorted())
            #expect(result.descending.map { $0[0] } == pairs.map(\.0).sorted(by: >))
            #expect(result.descending.map { "\($0)" }.sorted() == pairs.map { "\([$0.0, $0.1])" }.sorted())
            #expect(result.by == pairs.map(\.1).sorted(by: >))
        }
        #expect(try result.ascending == withContext(.local, job).ascending, "the same range bounds in both masters")
    }

    struct SortResults {
        var ascending: [[Int]], descending: [[Int]], by: [Int]
    }

    @Test(arguments: Master.both)
    func foreachPartitionRunsOnEveryPartition(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let rdd = ctx.parallelize(Array(0..<1000), numSlices: 4)
        try rdd.foreachPartition { it in
            guard it.reduce(0, +) >= 0 else { throw EngineError.invalidArgument("negative") }
        }
        #expect(throws: (any Error).self) {
            try rdd.map { $0 - 500 }.foreachPartition { it in
                guard it.reduce(0, +) >= 0 else { throw EngineError.invalidArgument("negative") }
            }
        }
    }

    @Test func aCustomPartitionerIsReportedAsNotPortable() throws {
        let ctx = try Master.cluster.context()
        defer { ctx.stop() }
        let kv = ctx.parallelize([(1, 2), (3, 4)], numSlices: 2)
        for (rdd, operation) in [(kv.partitionBy(PlainModPartitioner(numPartitions: 2)), "partitionBy"),
                                 (kv.combineByKey(createCombiner: { $0 }, mergeValue: { $0 + $1 }, mergeCombiners: { $0 + $1 },
                                                  partitioner: PlainModPartitioner(numPartitions: 2)), "combineByKey"),
                                 (kv.cogroup(kv, partitioner: PlainModPartitioner(numPartitions: 2)).mapValues { $0.0.count + $0.1.count },
                                  "cogroup")] {
            #expect {
                _ = try rdd.count()
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("Task not serializable: \(operation) at ShippingOperatorsTests.swift:")
                    && text.contains("uses the partitioner PlainModPartitioner, which is not Codable")
            }
        }
        // The same jobs run in local mode.
        let local = try Master.local.context()
        defer { local.stop() }
        #expect(try local.parallelize([(1, 2), (3, 4)], numSlices: 2).partitionBy(PlainModPartitioner(numPartitions: 2)).count() == 2)
    }
}

/// A partitioner that is not Codable: it works locally and cannot travel.
struct PlainModPartitioner: KeyPartitioner {
    let numPartitions: Int
    func partition(for key: Int) -> Int { ((key % numPartitions) + numPartitions) % numPartitions }
    func isEqual(to other: any Partitioner) -> Bool { (other as? PlainModPartitioner)?.numPartitions == numPartitions }
}
