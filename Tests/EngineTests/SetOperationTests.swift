import Engine
import Testing

@Suite("intersection, subtract, groupBy")
struct SetOperationTests {
    /// Data sets: empty, fewer records than partitions, skewed (one value most of the time), mid-size.
    static func data(_ n: Int, range: ClosedRange<Int>, skewed: Bool, seed: UInt64) -> [Int] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in skewed && Int.random(in: 0..<10, using: &rng) < 8 ? 7 : Int.random(in: range, using: &rng) }
    }

    static let cases: [(Int, Int, Bool)] = [(0, 3, false), (3, 8, false), (2000, 5, true), (5000, 7, false)]

    @Test(arguments: Master.both)
    func intersectionIsTheDistinctCommonRecords(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices, skewed) in Self.cases {
                let a = Self.data(n, range: 0...300, skewed: skewed, seed: 1)
                let b = Self.data(n / 2 + 1, range: 150...500, skewed: false, seed: 2)
                let expected = Set(a).intersection(Set(b))
                let ra = ctx.parallelize(a, numSlices: slices), rb = ctx.parallelize(b, numSlices: 2)
                let got = try ra.intersection(rb).collect()
                #expect(got.count == expected.count, "each common record once")
                #expect(Set(got) == expected)
                let four = ra.intersection(rb, numPartitions: 4)
                #expect(four.numPartitions == 4)
                #expect(Set(try four.collect()) == expected)
                #expect(Set(try ra.intersection(rb, partitioner: HashPartitioner(3)).collect()) == expected)
            }
            let empty = ctx.emptyRDD(of: Int.self)
            #expect(try empty.intersection(ctx.parallelize([1, 2])).collect().isEmpty)
            expectEngineError(.invalidArgument, mentioning: ["intersection", "at least 1"]) {
                try ctx.parallelize([1]).intersection(ctx.parallelize([1]), numPartitions: 0).count()
            }
        }
    }

    @Test(arguments: Master.both)
    func subtractKeepsDuplicatesOfRecordsNotInTheOther(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices, skewed) in Self.cases {
                let a = Self.data(n, range: 0...300, skewed: skewed, seed: 3)
                let b = Self.data(n / 3, range: 0...150, skewed: false, seed: 4)
                let drop = Set(b)
                let expected = a.filter { !drop.contains($0) }.sorted()
                let ra = ctx.parallelize(a, numSlices: slices), rb = ctx.parallelize(b, numSlices: 3)
                let r = ra.subtract(rb)
                #expect(r.numPartitions == slices, "Spark's default: this RDD's partition count")
                #expect(try r.collect().sorted() == expected)
                #expect(try ra.subtract(rb, numPartitions: 2).collect().sorted() == expected)
                #expect(try ra.subtract(rb, partitioner: HashPartitioner(5)).collect().sorted() == expected)
            }
            #expect(try ctx.parallelize([1, 1, 2]).subtract(ctx.emptyRDD(of: Int.self)).collect().sorted() == [1, 1, 2])
            expectEngineError(.invalidArgument, mentioning: ["subtract"]) {
                try ctx.parallelize([1]).subtract(ctx.parallelize([1]), numPartitions: -2).count()
            }
        }
    }

    @Test(arguments: Master.both)
    func groupByGathersRecordsUnderTheirKey(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices, skewed) in Self.cases {
                let a = Self.data(n, range: -500...500, skewed: skewed, seed: 5)
                var expected: [Int: [Int]] = [:]
                for x in a { expected[((x % 3) + 3) % 3, default: []].append(x) }
                let got = try ctx.parallelize(a, numSlices: slices).groupBy { (($0 % 3) + 3) % 3 }.collect()
                #expect(got.count == expected.count, "each key once")
                #expect(Dictionary(got.map { ($0.0, $0.1.sorted()) }, uniquingKeysWith: { a, _ in a })
                            == expected.mapValues { $0.sorted() })
                let byString = try ctx.parallelize(a, numSlices: slices).groupBy(numPartitions: 3) { $0 < 0 ? "neg" : "pos" }
                    .collect()
                #expect(Set(byString.map(\.0)) == Set(a.map { $0 < 0 ? "neg" : "pos" }))
                #expect(byString.reduce(0) { $0 + $1.1.count } == a.count)
            }
        }
    }
}
