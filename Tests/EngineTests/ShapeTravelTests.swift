import Engine
import Foundation
import Testing

/// Left records of the joins: keys 0..<37, key 0 holding about a third of them (skew).
private func leftRecords(_ n: Int) -> [(Int, String)] {
    (0..<n).map { i in (i % 3 == 0 ? 0 : i % 37, "v\(i)") }
}

/// Right records: keys 0..<53 (so some keys are on one side only).
private func rightRecords(_ n: Int) -> [(Int, Double)] {
    (0..<n).map { i in (i % 53, Double(i) / 4) }
}

/// The records as sorted descriptions: equal for equal multisets of records of any shape.
private func described<T>(_ records: [T]) -> [String] { records.map { "\($0)" }.sorted() }

/// `rdd`'s records through collect, a shuffle (repartition), persist at a serialized memory
/// level and on disk: each time the same multiset as `expected` (compared by `canonical`).
private func travels<T>(_ rdd: RDD<T>, expected: [String], canonical: ([T]) -> [String] = described) throws {
    #expect(canonical(try rdd.collect()) == expected)
    #expect(canonical(try rdd.repartition(3).collect()) == expected)
    let serialized = rdd.repartition(2)
    try serialized.persist(.MEMORY_ONLY_SER)
    #expect(canonical(try serialized.collect()) == expected)
    #expect(canonical(try serialized.collect()) == expected)
    let onDisk = rdd.coalesce(1, shuffle: true)
    try onDisk.persist(.DISK_ONLY)
    #expect(try onDisk.count() == rdd.count())
    #expect(canonical(try onDisk.collect()) == expected)
}

/// `rdd` checkpointed: read back from its files after the lineage is cut, the same records.
private func checkpoints<T>(_ rdd: RDD<T>, expected: [String], canonical: ([T]) -> [String] = described) throws {
    let copy = rdd.repartition(2)
    try copy.checkpoint()
    #expect(canonical(try copy.collect()) == expected)
    #expect(copy.isCheckpointed)
    #expect(canonical(try copy.collect()) == expected)
}

/// The expected join results, computed with loops.
private func expectedJoin(_ l: [(Int, String)], _ r: [(Int, Double)]) -> [(Int, (String, Double))] {
    var out: [(Int, (String, Double))] = []
    for (k, v) in l { for (k2, w) in r where k2 == k { out.append((k, (v, w))) } }
    return out
}

private func expectedLeftOuter(_ l: [(Int, String)], _ r: [(Int, Double)]) -> [(Int, (String, Double?))] {
    var out: [(Int, (String, Double?))] = []
    for (k, v) in l {
        let ws = r.filter { $0.0 == k }.map(\.1)
        if ws.isEmpty { out.append((k, (v, nil))) } else { for w in ws { out.append((k, (v, w))) } }
    }
    return out
}

private func expectedRightOuter(_ l: [(Int, String)], _ r: [(Int, Double)]) -> [(Int, (String?, Double))] {
    expectedLeftOuter(r.map { ($0.0, "\($0.1)") }, l.map { ($0.0, Double($0.1.dropFirst())!) })
        .map { ($0.0, ($0.1.1.map { "v\(Int($0))" }, Double($0.1.0)!)) }
}

private func expectedFullOuter(_ l: [(Int, String)], _ r: [(Int, Double)]) -> [(Int, (String?, Double?))] {
    var out: [(Int, (String?, Double?))] = expectedLeftOuter(l, r).map { ($0.0, ($0.1.0, $0.1.1)) }
    let leftKeys = Set(l.map(\.0))
    for (k, w) in r where !leftKeys.contains(k) { out.append((k, (nil, w))) }
    return out
}

/// Cogroup results with each side's values sorted, so the order values arrive in does not matter.
private func canonicalGroups(_ records: [(Int, ([String], [Double]))]) -> [String] {
    records.map { "\(($0.0, ($0.1.0.sorted(), $0.1.1.sorted())))" }.sorted()
}

private func expectedCogroup(_ l: [(Int, String)], _ r: [(Int, Double)]) -> [(Int, ([String], [Double]))] {
    Set(l.map(\.0) + r.map(\.0)).map { k in (k, (l.filter { $0.0 == k }.map(\.1), r.filter { $0.0 == k }.map(\.1))) }
}

/// glom results: the sizes of the arrays and the pairs they hold, each sorted.
private func canonicalGlom(_ arrays: [[(Int, String)]]) -> [String] {
    arrays.map(\.count).sorted().map { "size \($0)" } + described(arrays.flatMap { $0 })
}

@Suite("Values of every shape travel")
struct ShapeTravelTests {
    static let sizes: [(left: Int, right: Int)] = [(0, 0), (0, 40), (300, 0), (300, 200), (2000, 1500)]

    @Test(arguments: Master.both)
    func joinsAndCogroupsCollectShufflePersist(_ master: Master) throws {
        try withContext(master) { ctx in
            for (nl, nr) in Self.sizes {
                let l = leftRecords(nl), r = rightRecords(nr)
                let left = ctx.parallelize(l, numSlices: 4), right = ctx.parallelize(r, numSlices: 3)
                try travels(left.join(right), expected: described(expectedJoin(l, r)))
                try travels(left.leftOuterJoin(right), expected: described(expectedLeftOuter(l, r)))
                try travels(left.rightOuterJoin(right), expected: described(expectedRightOuter(l, r)))
                try travels(left.fullOuterJoin(right), expected: described(expectedFullOuter(l, r)))
                try travels(left.cogroup(right), expected: canonicalGroups(expectedCogroup(l, r)), canonical: canonicalGroups)
            }
        }
    }

    @Test(arguments: Master.both)
    func glomZipWithIndexOptionalsAndArraysCollectShufflePersist(_ master: Master) throws {
        try withContext(master) { ctx in
            for n in [0, 1, 500] {
                let l = leftRecords(n)
                let pairs = ctx.parallelize(l, numSlices: 5)
                try travels(pairs.glom(), expected: canonicalGlom([l]).filter { !$0.hasPrefix("size") }
                                + [], canonical: { canonicalGlom($0).filter { !$0.hasPrefix("size") } })
                #expect(try pairs.glom().collect().map(\.count).reduce(0, +) == n)
                #expect(try pairs.glom().count() == 5)
                let indexed = try pairs.zipWithIndex()
                try travels(indexed, expected: described(l.enumerated().map { ($0.element, $0.offset) }))
                let maybe = pairs.map { p -> (Int, String)? in p.0 % 3 == 1 ? nil : p }
                try travels(maybe, expected: described(l.map { p -> (Int, String)? in p.0 % 3 == 1 ? nil : p }))
                let arrays = pairs.map { [($0.1, $0.0), ($0.1, -$0.0)] }
                try travels(arrays, expected: described(l.map { [($0.1, $0.0), ($0.1, -$0.0)] }))
                let labeled = pairs.map { (word: $0.1, count: $0.0) }
                try travels(labeled, expected: described(l.map { (word: $0.1, count: $0.0) }))
                let wide = pairs.map { ($0.0, $0.1, Double($0.0) / 2, $0.0 % 2 == 0, [Int?.none, $0.0]) }
                try travels(wide, expected: described(l.map { ($0.0, $0.1, Double($0.0) / 2, $0.0 % 2 == 0, [Int?.none, $0.0]) }))
            }
        }
    }

    @Test(arguments: Master.both)
    func nestedShapesAfterAJoinTravel(_ master: Master) throws {
        try withContext(master) { ctx in
            let l = leftRecords(400), r = rightRecords(300)
            let joined = ctx.parallelize(l, numSlices: 4).join(ctx.parallelize(r, numSlices: 2))
            let deep = joined.map { ($0.0, (($0.1.0, $0.1.1), [$0.0 % 2 == 0 ? nil : $0.0])) }
            try travels(deep, expected: described(expectedJoin(l, r).map { ($0.0, (($0.1.0, $0.1.1), [$0.0 % 2 == 0 ? nil : $0.0])) }))
            // A join result joined again, through the tuple-valued reduceByKey and mapValues.
            let sums = joined.mapValues { ($0.1, 1) }.reduceByKey { ($0.0 + $1.0, $0.1 + $1.1) }
            var expected: [Int: (Double, Int)] = [:]
            for (k, (_, w)) in expectedJoin(l, r) { expected[k, default: (0, 0)] = (expected[k, default: (0, 0)].0 + w, expected[k, default: (0, 0)].1 + 1) }
            #expect(described(try sums.collect()) == described(expected.map { ($0.key, $0.value) }))
            // The same through aggregateByKey with a tuple zero value.
            let aggregated = joined.aggregateByKey((0.0, 0), { acc, v in (acc.0 + v.1, acc.1 + 1) }, { ($0.0 + $1.0, $0.1 + $1.1) })
            #expect(described(try aggregated.collect()) == described(expected.map { ($0.key, $0.value) }))
            // Grouped, sorted by key, and sorted by a field of pair records.
            let groups = try joined.groupByKey(numPartitions: 3).collect()
            #expect(groups.map { "\(($0.0, $0.1.map { "\($0)" }.sorted()))" }.sorted()
                    == Dictionary(grouping: expectedJoin(l, r), by: \.0).map { "\(($0.key, $0.value.map { "\($0.1)" }.sorted()))" }.sorted())
            let sorted = try joined.sortByKey(ascending: false, numPartitions: 3).collect()
            #expect(sorted.map(\.0) == expectedJoin(l, r).map(\.0).sorted(by: >))
            #expect(described(sorted) == described(expectedJoin(l, r)))
            let byValue = try ctx.parallelize(r, numSlices: 3).sortBy { $0.1 }.collect()
            #expect(byValue.map(\.1) == r.map(\.1).sorted())
            #expect(described(byValue) == described(r))
        }
    }

    @Test(arguments: Master.both)
    func aJoinResultJoinsAgain(_ master: Master) throws {
        try withContext(master) { ctx in
            for (nl, nr) in Self.sizes {
                let l = leftRecords(nl), r = rightRecords(nr)
                let third: [(Int, Bool)] = (0..<60).map { ($0 % 45, $0 % 2 == 0) }
                let joined = ctx.parallelize(l, numSlices: 4).join(ctx.parallelize(r, numSlices: 3))
                let other = ctx.parallelize(third, numSlices: 2)
                var inner: [(Int, ((String, Double), Bool))] = []
                var leftOuter: [(Int, ((String, Double), Bool?))] = []
                for (k, vw) in expectedJoin(l, r) {
                    let xs = third.filter { $0.0 == k }.map(\.1)
                    for x in xs { inner.append((k, (vw, x))) }
                    if xs.isEmpty { leftOuter.append((k, (vw, nil))) } else { for x in xs { leftOuter.append((k, (vw, x))) } }
                }
                try travels(joined.join(other), expected: described(inner))
                try travels(joined.leftOuterJoin(other, numPartitions: 3), expected: described(leftOuter))
                let joinedKeys = Set(expectedJoin(l, r).map(\.0))
                var rightOuter: [(Int, ((String, Double)?, Bool))] = []
                for (k, x) in third {
                    if joinedKeys.contains(k) {
                        for (k2, vw) in expectedJoin(l, r) where k2 == k { rightOuter.append((k, (vw, x))) }
                    } else {
                        rightOuter.append((k, (nil, x)))
                    }
                }
                #expect(described(try joined.rightOuterJoin(other).collect()) == described(rightOuter))
                let full = try joined.fullOuterJoin(other).collect()
                #expect(full.count == leftOuter.count + third.filter { !joinedKeys.contains($0.0) }.count)
                let groups = try joined.cogroup(other).collect()
                #expect(Set(groups.map(\.0)) == joinedKeys.union(third.map(\.0)))
                #expect(groups.map { $0.1.0.count }.reduce(0, +) == expectedJoin(l, r).count)
            }
        }
    }

    @Test(arguments: Master.both)
    func tupleFoldAndAggregateZeroValues(_ master: Master) throws {
        try withContext(master) { ctx in
            for n in [0, 1, 999] {
                let xs = (0..<n).map { ($0 % 7, Double($0) / 2) }
                let rdd = ctx.parallelize(xs, numSlices: 4)
                let folded = try rdd.fold((0, 0.0)) { ($0.0 + $1.0, $0.1 + $1.1) }
                #expect(folded.0 == xs.map(\.0).reduce(0, +) && folded.1 == xs.map(\.1).reduce(0, +))
                let (count, sum) = try rdd.aggregate((0, 0.0), { acc, x in (acc.0 + 1, acc.1 + x.1) }, { ($0.0 + $1.0, $0.1 + $1.1) })
                #expect(count == n && sum == xs.map(\.1).reduce(0, +))
            }
        }
    }

    @Test(arguments: Master.both)
    func everyShapeCheckpoints(_ master: Master) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shapes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try withContext(master) { ctx in
            try ctx.setCheckpointDir(dir)
            for (nl, nr) in [(0, 10), (300, 200)] {
                let l = leftRecords(nl), r = rightRecords(nr)
                let left = ctx.parallelize(l, numSlices: 4), right = ctx.parallelize(r, numSlices: 3)
                try checkpoints(left.join(right), expected: described(expectedJoin(l, r)))
                try checkpoints(left.fullOuterJoin(right), expected: described(expectedFullOuter(l, r)))
                try checkpoints(left.cogroup(right), expected: canonicalGroups(expectedCogroup(l, r)), canonical: canonicalGroups)
                try checkpoints(left.glom(), expected: described(l), canonical: { described($0.flatMap { $0 }) })
                try checkpoints(try left.zipWithIndex(), expected: described(l.enumerated().map { ($0.element, $0.offset) }))
                try checkpoints(left.map { p -> (Int, String)? in p.0 == 0 ? nil : p },
                                expected: described(l.map { p -> (Int, String)? in p.0 == 0 ? nil : p }))
            }
        }
    }

    @Test(arguments: Master.both)
    func recordsThatCannotBeSerializedAreRefusedBeforeAnyTask(_ master: Master) throws {
        try withContext(master) { ctx in
            let rdd = ctx.parallelize([1, 2, 3], numSlices: 2).map { (Unserializable(x: $0), $0) }
            do {
                _ = try rdd.repartition(2).collect()
                Issue.record("a shuffle of records that cannot be serialized ran")
            } catch {
                #expect("\(error)".contains("Unserializable"))
                #expect("\(error)".contains("repartition"))
            }
            #expect(throws: EngineError.self) { try rdd.persist(.MEMORY_ONLY_SER) }
        }
    }
}

/// Not Codable: records holding it cannot leave the process.
struct Unserializable: Sendable {
    var x: Int
}
