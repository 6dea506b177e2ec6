import Engine
import Testing

/// Records keyed by a tuple of two fields, `((String, Int), Int)`; with `skewed`, key ("a", 0)
/// holds about two thirds of them.
private func tupleKeyed(_ n: Int, skewed: Bool) -> [((String, Int), Int)] {
    (0..<n).map { i in
        let key = skewed && i % 3 != 0 ? ("a", 0) : (["a", "b", "é", "c"][i % 4], i % 5)
        return (key, i * 31 % 1000 - 500)
    }
}

/// Plain-Swift grouping of tuple-keyed records, keyed by the key's description.
private func grouped(_ records: [((String, Int), Int)]) -> [String: (key: (String, Int), values: [Int])] {
    var out: [String: (key: (String, Int), values: [Int])] = [:]
    for (k, v) in records { out["\(k)", default: (k, [])].values.append(v) }
    return out
}

private func described<T>(_ records: [T]) -> [String] { records.map { "\($0)" }.sorted() }

@Suite("Tuples where Spark users put them")
struct TupleKeyTests {
    static let inputs: [(count: Int, skewed: Bool)] = [(0, false), (1, false), (500, false), (3000, true)]

    @Test(arguments: Master.both)
    func tupleKeysThroughTheAggregations(_ master: Master) throws {
        try withContext(master) { ctx in
            for (n, skewed) in Self.inputs {
                let records = tupleKeyed(n, skewed: skewed)
                let groups = grouped(records)
                let rdd = ctx.parallelize(records, numSlices: 4)
                #expect(described(try rdd.reduceByKey(+).collect()) == described(groups.values.map { ($0.key, $0.values.reduce(0, +)) }))
                #expect(described(try rdd.reduceByKey(numPartitions: 3) { max($0, $1) }.collect())
                        == described(groups.values.map { ($0.key, $0.values.max()!) }))
                let g = try rdd.groupByKey().collect().map { ($0.0, $0.1.sorted()) }
                #expect(described(g) == described(groups.values.map { ($0.key, $0.values.sorted()) }))
                let agg = try rdd.aggregateByKey(0, numPartitions: 2, { acc, v in acc + abs(v) }, +).collect()
                #expect(described(agg) == described(groups.values.map { ($0.key, $0.values.map(abs).reduce(0, +)) }))
                #expect(described(try rdd.foldByKey(0, +).collect()) == described(groups.values.map { ($0.key, $0.values.reduce(0, +)) }))
                let combined = try rdd.combineByKey(createCombiner: { [$0] }, mergeValue: { $0 + [$1] },
                                                    mergeCombiners: { $0 + $1 }).collect().map { ($0.0, $0.1.sorted()) }
                #expect(described(combined) == described(groups.values.map { ($0.key, $0.values.sorted()) }))
                let counts = try rdd.countByKey()
                #expect(counts.count == groups.count)
                for (_, g) in groups { #expect(counts[Pair(g.key)] == g.values.count) }
                // A tuple zero value on tuple keys: sum and count in one pass.
                let sumCount: [((String, Int), (Int, Int))] = try rdd.aggregateByKey(
                    (0, 0), { (acc: (Int, Int), v: Int) in (acc.0 + v, acc.1 + 1) },
                    { (a: (Int, Int), b: (Int, Int)) in (a.0 + b.0, a.1 + b.1) }).collect()
                #expect(described(sumCount) == described(groups.values.map { ($0.key, ($0.values.reduce(0, +), $0.values.count)) }))
            }
        }
    }

    @Test(arguments: Master.both)
    func tupleKeysThroughJoinsCogroupAndSort(_ master: Master) throws {
        try withContext(master) { ctx in
            for (n, skewed) in Self.inputs {
                let records = tupleKeyed(n, skewed: skewed)
                let others: [((String, Int), String)] = (0..<40).map { i in ((["a", "b", "z"][i % 3], i % 7), "w\(i)") }
                let left = ctx.parallelize(records, numSlices: 4), right = ctx.parallelize(others, numSlices: 3)
                var join: [((String, Int), (Int, String))] = []
                var leftOuter: [((String, Int), (Int, String?))] = []
                for (k, v) in records {
                    let ws = others.filter { $0.0 == k }.map(\.1)
                    for w in ws { join.append((k, (v, w))) }
                    if ws.isEmpty { leftOuter.append((k, (v, nil))) } else { for w in ws { leftOuter.append((k, (v, w))) } }
                }
                var rightOuter: [((String, Int), (Int?, String))] = []
                for (k, w) in others {
                    let vs = records.filter { $0.0 == k }.map(\.1)
                    if vs.isEmpty { rightOuter.append((k, (nil, w))) } else { for v in vs { rightOuter.append((k, (v, w))) } }
                }
                let fullOuter: [((String, Int), (Int?, String?))] = leftOuter.map { ($0.0, ($0.1.0, $0.1.1)) }
                    + rightOuter.filter { $0.1.0 == nil }.map { ($0.0, (nil, $0.1.1)) }
                #expect(described(try left.join(right).collect()) == described(join))
                #expect(described(try left.leftOuterJoin(right, numPartitions: 2).collect()) == described(leftOuter))
                #expect(described(try left.rightOuterJoin(right).collect()) == described(rightOuter))
                #expect(described(try left.fullOuterJoin(right).collect()) == described(fullOuter))
                let rightKeys = Set(others.map { "\($0.0)" })
                #expect(described(try left.subtractByKey(right).collect()) == described(records.filter { !rightKeys.contains("\($0.0)") }))
                let cogrouped = try left.cogroup(right).collect().map { "\(($0.0, $0.1.0.sorted(), $0.1.1.sorted()))" }.sorted()
                var expectedGroups: [String: ((String, Int), [Int], [String])] = [:]
                for (k, v) in records { expectedGroups["\(k)", default: (k, [], [])].1.append(v) }
                for (k, w) in others { expectedGroups["\(k)", default: (k, [], [])].2.append(w) }
                #expect(cogrouped == expectedGroups.values.map { "\(($0.0, $0.1.sorted(), $0.2.sorted()))" }.sorted())
                let sorted = try left.sortByKey(numPartitions: 3).collect()
                let expectedOrder = records.map(\.0).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                #expect(sorted.map { "\($0.0)" } == expectedOrder.map { "\($0)" })
                #expect(described(sorted) == described(records))
            }
        }
    }

    @Test(arguments: Master.both)
    func tupleRecordsThroughDistinctAndCountByValue(_ master: Master) throws {
        try withContext(master) { ctx in
            for n in [0, 1, 700] {
                let records: [(String, Int)] = (0..<n).map { i in (["x", "y", "é", "e\u{301}"][i % 4], i % 6) }
                let rdd = ctx.parallelize(records, numSlices: 3)
                var seen: [Pair<String, Int>: Int] = [:]
                for r in records { seen[Pair(r), default: 0] += 1 }
                let distinct = try rdd.distinct().collect()
                #expect(distinct.count == seen.count)
                #expect(Set(distinct.map(Pair.init)) == Set(seen.keys))
                #expect(try rdd.distinct(numPartitions: 5).count() == seen.count)
                #expect(try rdd.countByValue() == seen)
            }
        }
    }

    @Test func pairsCompareHashAndPrintAsTuples() {
        #expect(Pair("a", 2) < Pair("b", 1))
        #expect(Pair("a", 1) < Pair("a", 2))
        #expect(!(Pair("a", 2) < Pair("a", 2)))
        #expect(Pair("\u{E9}", 1) == Pair("e\u{301}", 1))
        #expect(Set([Pair("\u{E9}", 1), Pair("e\u{301}", 1), Pair("e", 1)]).count == 2)
        #expect("\(Pair("a", 1))" == "(a, 1)")
        #expect(Pair(("k", 3)).tuple == ("k", 3))
    }
}
