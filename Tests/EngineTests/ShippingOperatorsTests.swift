import Engine
import Foundation
import Scheduler
import Testing

/// The operators recorded for cluster mode beyond map, filter and reduceByKey: each job runs
/// from portable task binaries (every stage's lineage rebuilt by replaying its operator calls)
/// and is checked against the same job in plain local mode and against a computation here.
@Suite struct ShippingOperatorsTests {
    func context(portable: Bool, threads: Int = 3) throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        if portable { conf.set("engine.test.portableTaskBinaries", "true") }
        return try EngineContext(master: "local[\(threads)]", appName: "shipping-operators", conf: conf)
    }

    /// `job`'s result with portable task binaries and without. Also checks that the portable
    /// context really ships its work: a closure that captures context fails there.
    func inBothModes<R>(_ job: (EngineContext) throws -> R) throws -> (portable: R, local: R) {
        let portable = try context(portable: true)
        defer { portable.stop() }
        let captured = Int.random(in: 1...9)
        #expect(throws: (any Error).self) { _ = try portable.parallelize([1, 2, 3]).map { $0 + captured }.count() }
        let local = try context(portable: false)
        defer { local.stop() }
        return (try job(portable), try job(local))
    }

    /// Slice i of `parallelize(data, numSlices: n)`, computed here.
    func slices<T>(_ data: [T], _ n: Int) -> [[T]] {
        (0..<n).map { i in Array(data[(i * data.count / n)..<((i + 1) * data.count / n)]) }
    }

    @Test(arguments: Shape.small)
    func narrowOperatorsMatchLocalModeAndAnIndependentComputation(_ shape: Shape) throws {
        let data = randomInts(shape.count, in: -50...50, seed: UInt64(shape.count) + 11)
        let parts = slices(data, shape.slices)
        let r = try inBothModes { ctx in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            let pairs = rdd.map { ($0 % 5, $0) }
            return (
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
        for result in [r.portable, r.local] {
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
        #expect(r.portable.sample == r.local.sample)
        #expect(r.portable.sampleWith == r.local.sampleWith)
        #expect(r.portable.cartesian == r.local.cartesian)
        if data.count >= 1000 {
            #expect(r.portable.sample.count > data.count / 4 && r.portable.sample.count < data.count * 3 / 5)
            #expect(r.portable.sampleWith.count > data.count)
        }
    }

    @Test func rangeMatchesStrideIncludingEmptyAndNegativeSteps() throws {
        let cases: [(Int, Int, Int, Int?)] = [(0, 100, 3, 4), (10, -7, -2, 3), (5, 5, 1, 2), (0, 1, 1, nil), (3, 0, 1, 5)]
        let r = try inBothModes { ctx in
            try cases.map { try ctx.range($0.0, $0.1, step: $0.2, numSlices: $0.3).map { $0 * 2 }.glom().collect() }
        }
        #expect(r.portable == r.local)
        for (result, c) in zip(r.portable, cases) {
            #expect(result.flatMap { $0 } == Array(stride(from: c.0, to: c.1, by: c.2)).map { $0 * 2 })
            #expect(result.count == (c.3 ?? result.count))
        }
    }

    @Test(arguments: [0, 1, 3_000, 40_000])
    func repartitionDistinctAndPartitionByMatchLocalMode(_ count: Int) throws {
        let data = randomInts(count, in: -300...300, seed: UInt64(count) + 5)
        let pairs = randomPairs(count, keys: 50, skewed: true, seed: UInt64(count) + 6)
        let r = try inBothModes { ctx in
            let rdd = ctx.parallelize(data, numSlices: 5)
            let kv = ctx.parallelize(pairs, numSlices: 4)
            return (
                repartitioned: try rdd.repartition(3).glom().collect(),
                coalescedWithShuffle: try rdd.coalesce(7, shuffle: true).glom().collect(),
                pairsRepartitioned: try kv.repartition(2).glom().map { $0.map { [$0.0, $0.1] } }.collect(),
                distinct: try rdd.distinct().collect(),
                distinctTwo: try rdd.distinct(numPartitions: 2).glom().collect().map { $0.sorted() },
                partitioned: try kv.partitionBy(HashPartitioner(4)).glom().map { $0.map { [$0.0, $0.1] } }.collect(),
                // Already partitioned alike: the same RDD, no second shuffle.
                twice: try kv.partitionBy(HashPartitioner(3)).partitionBy(HashPartitioner(3)).values().collect().sorted())
        }
        for result in [r.portable, r.local] {
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
        #expect(r.portable.repartitioned == r.local.repartitioned)
        #expect(r.portable.coalescedWithShuffle == r.local.coalescedWithShuffle)
        #expect(r.portable.pairsRepartitioned == r.local.pairsRepartitioned)
        #expect(r.portable.partitioned == r.local.partitioned)
    }

    @Test(arguments: [0, 1, 5_000, 60_000])
    func byKeyAggregationsMatchAnIndependentComputation(_ count: Int) throws {
        let pairs = randomPairs(count, keys: 40, skewed: true, seed: UInt64(count) + 9)
        var sums: [Int: Int] = [:], lists: [Int: [Int]] = [:]
        for (k, v) in pairs {
            sums[k, default: 0] += v
            lists[k, default: []].append(v)
        }
        let r = try inBothModes { ctx -> ByKeyResults in
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
        let sortedLists = lists.mapValues { $0.sorted() }
        for result in [r.portable, r.local] {
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
        #expect(r.portable == r.local)
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

    @Test(arguments: [(0, 0), (0, 500), (2_000, 0), (8_000, 3_000)])
    func cogroupAndJoinsMatchAnIndependentComputation(_ sizes: (Int, Int)) throws {
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
        let r = try inBothModes { ctx in
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
        #expect(r.portable == r.local)
        let expectedCogroup = allKeys.map { k in
            "\(k) \((ls[k] ?? []).sorted()) \((rs[k] ?? []).sorted())"
        }.sorted()
        #expect(r.portable == [expectedCogroup, expectedJoin, expectedLeft, expectedRight, expectedFull, expectedSubtract,
                               expectedJoin])
    }

    @Test(arguments: [0, 1, 4_000])
    func sortByKeyAndSortByMatchSorting(_ count: Int) throws {
        let pairs = randomPairs(count, keys: 1000, skewed: true, seed: 31)
        let r = try inBothModes { ctx in
            let kv = ctx.parallelize(pairs, numSlices: 4)
            return (
                ascending: try kv.sortByKey(numPartitions: 3).keys().glom().collect(),
                descending: try kv.sortByKey(ascending: false).collect().map { [$0.0, $0.1] },
                by: try kv.values().sortBy({ -$0 }, numPartitions: 2).collect())
        }
        for result in [r.portable, r.local] {
            #expect(Array(result.ascending.joined()) == pairs.map(\.0).sorted())
            #expect(result.descending.map { $0[0] } == pairs.map(\.0).sorted(by: >))
            #expect(result.descending.map { "\($0)" }.sorted() == pairs.map { "\([$0.0, $0.1])" }.sorted())
            #expect(result.by == pairs.map(\.1).sorted(by: >))
        }
        #expect(r.portable.ascending == r.local.ascending)
    }

    @Test func foreachPartitionRunsFromPortableBinaries() throws {
        let ctx = try context(portable: true)
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
        let ctx = try context(portable: true)
        defer { ctx.stop() }
        let kv = ctx.parallelize([(1, 2), (3, 4)], numSlices: 2)
        for (rdd, operation) in [(kv.partitionBy(ModPartitioner(numPartitions: 2)), "partitionBy"),
                                 (kv.combineByKey(createCombiner: { $0 }, mergeValue: { $0 + $1 }, mergeCombiners: { $0 + $1 },
                                                  partitioner: ModPartitioner(numPartitions: 2)), "combineByKey"),
                                 (kv.cogroup(kv, partitioner: ModPartitioner(numPartitions: 2)).mapValues { $0.0.count + $0.1.count },
                                  "cogroup")] {
            #expect {
                _ = try rdd.count()
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("Task not serializable: \(operation) at ShippingOperatorsTests.swift:")
                    && text.contains("uses a partitioner other than HashPartitioner")
            }
        }
        // The same jobs run in local mode.
        let local = try context(portable: false)
        defer { local.stop() }
        #expect(try local.parallelize([(1, 2), (3, 4)], numSlices: 2).partitionBy(ModPartitioner(numPartitions: 2)).count() == 2)
    }
}
