import Engine
import Testing

@Suite("zip, zipPartitions, zipWithUniqueId")
struct ZipTests {
    @Test(arguments: Master.both)
    func zipPairsRecordsInOrder(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices) in [(0, 3), (2, 5), (10_000, 7)] {
                let a = randomInts(n, seed: 11)
                let ra = ctx.parallelize(a, numSlices: slices)
                let rb = ra.map { "v\($0)" }
                let got = try ra.zip(rb).collect()
                #expect(got.map(\.0) == a)
                #expect(got.map(\.1) == a.map { "v\($0)" })
            }
        }
    }

    @Test(arguments: Master.both)
    func zipRefusesMismatchedPartitionsAndCounts(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let a = ctx.parallelize(Array(0..<10), numSlices: 2)
            expectEngineError(.invalidArgument, mentioning: ["zip", "unequal numbers of partitions", "[2, 3]"]) {
                try a.zip(ctx.parallelize(Array(0..<10), numSlices: 3)).collect()
            }
            // Same partition count, different records per partition: the task fails, as Spark's SparkException.
            expectEngineError(.jobFailed, mentioning: ["same number of records in each partition"]) {
                try a.zip(ctx.parallelize(Array(0..<11), numSlices: 2)).collect()
            }
            expectEngineError(.jobFailed, mentioning: ["same number of records"]) {
                try a.zip(a.filter { $0 != 3 }).collect()
            }
        }
    }

    @Test(arguments: Master.both)
    func zipPartitionsCombinesPartitionByPartition(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let a = randomInts(3000, seed: 12), b = randomInts(1000, seed: 13), c = randomInts(500, seed: 14)
            let ra = ctx.parallelize(a, numSlices: 4), rb = ctx.parallelize(b, numSlices: 4), rc = ctx.parallelize(c, numSlices: 4)
            let sizes = try ra.zipPartitions(rb) { x, y in [x.reduce(0) { n, _ in n + 1 }, y.reduce(0) { n, _ in n + 1 }] }.collect()
            var expected: [Int] = []
            for i in 0..<4 { expected += [sliceRange(i, count: 3000, slices: 4).count, sliceRange(i, count: 1000, slices: 4).count] }
            #expect(sizes == expected)
            let sums = try ra.zipPartitions(rb, rc) { x, y, z in [x.reduce(0, +) + y.reduce(0, +) + z.reduce(0, +)] }.collect()
            let total: Int = a.reduce(0, +) + b.reduce(0, +) + c.reduce(0, +)
            #expect(sums.reduce(0, +) == total)
            #expect(sums.count == 4)
            expectEngineError(.invalidArgument, mentioning: ["zipPartitions", "[4, 4, 2]"]) {
                try ra.zipPartitions(rb, ctx.parallelize(c, numSlices: 2)) { x, _, _ in x.map { $0 } }.count()
            }
            // An error thrown by the function fails the job with its message.
            expectEngineError(.jobFailed, mentioning: ["zip function refused"]) {
                try ra.zipPartitions(rb) { _, _ -> [Int] in throw ZipRefusal() }.count()
            }
        }
    }

    @Test(arguments: Master.both)
    func zipWithUniqueIdGivesDistinctIdsByPartition(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices) in [(0, 3), (3, 8), (5000, 6)] {
                let got = try ctx.parallelize(Array(0..<n), numSlices: slices).zipWithUniqueId().collect()
                var expected: [(Int, Int)] = []
                for p in 0..<slices {
                    for (k, x) in sliceRange(p, count: n, slices: slices).enumerated() { expected.append((x, k * slices + p)) }
                }
                #expect(got.map(\.0) == expected.map(\.0))
                #expect(got.map(\.1) == expected.map(\.1))
                #expect(Set(got.map(\.1)).count == n)
            }
        }
    }
}

struct ZipRefusal: Error, CustomStringConvertible {
    var description: String { "zip function refused" }
}
