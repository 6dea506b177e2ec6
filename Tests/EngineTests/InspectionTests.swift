import Engine
import Testing

@Suite("isEmpty, min/max(by:), toLocalIterator, setName")
struct InspectionTests {
    @Test(arguments: Master.both)
    func isEmptyAndExtremes(_ master: Master) throws {
        try withContext(master) { ctx throws in
            #expect(try ctx.emptyRDD(of: Int.self).isEmpty())
            #expect(try ctx.parallelize([Int](), numSlices: 5).isEmpty())
            #expect(try ctx.parallelize([1, 2, 3], numSlices: 8).filter { $0 > 2 }.isEmpty() == false)
            #expect(try ctx.parallelize(Array(0..<100), numSlices: 4).filter { $0 > 1000 }.isEmpty())
            for (n, slices) in [(1, 3), (5, 9), (10_000, 6)] {
                let words = randomInts(n, seed: 61).map { "w\($0)" }
                let rdd = ctx.parallelize(words, numSlices: slices)
                // The first of equally long words, as Swift's max(by:) and Spark's reduce(ordering.max) keep.
                #expect(try rdd.max(by: { $0.count < $1.count }) == words.max(by: { $0.count < $1.count }))
                #expect(try rdd.min(by: { $0 < $1 }) == words.min())
                #expect(try rdd.max(by: { $0 < $1 }) == words.max())
                #expect(try rdd.max() == words.max() && rdd.min() == words.min())
            }
            expectEngineError(.invalidArgument, mentioning: ["max(by:)", "empty"]) {
                try ctx.parallelize([String](), numSlices: 2).max(by: { $0 < $1 })
            }
        }
    }

    @Test(arguments: Master.both)
    func toLocalIteratorFetchesOnePartitionAtATime(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices) in [(0, 3), (3, 8), (9000, 5)] {
                let data = randomInts(n, seed: 62)
                let it = ctx.parallelize(data, numSlices: slices).map { $0 * 2 }.toLocalIterator()
                var got: [Int] = []
                while let x = try it.next() { got.append(x) }
                #expect(got == data.map { $0 * 2 })
                #expect(try it.next() == nil, "stays at the end")
            }
            // Stopping early runs only the partitions reached.
            let it = ctx.parallelize(Array(0..<100), numSlices: 10).toLocalIterator()
            let before = ctx.lastJobSummary?.jobId ?? -1
            #expect(try it.next() == 0)
            #expect(ctx.lastJobSummary?.tasksRun == 1, "one partition's job")
            #expect(ctx.lastJobSummary?.jobId == before + 1)
            for _ in 1..<10 { _ = try it.next() }
            #expect(ctx.lastJobSummary?.jobId == before + 1, "the first partition's records come from one job")
            #expect(try it.collectRemaining() == Array(10..<100))
            let bad = ctx.parallelize([1, 2, 3], numSlices: 3).map { x -> Int in
                if x == 3 { throw ZipRefusal() }
                return x
            }.toLocalIterator()
            #expect(try bad.next() == 1)
            #expect(try bad.next() == 2)
            expectEngineError(.jobFailed, mentioning: ["zip function refused"]) { try bad.next() }
        }
    }

    @Test(arguments: Master.both)
    func setNameNamesTheRDD(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize([1, 2, 3]).map { $0 + 1 }
            #expect(rdd.name == nil)
            #expect(rdd.setName("plusOne") === rdd)
            #expect(rdd.name == "plusOne")
            #expect(rdd.debugName.hasPrefix("plusOne MapPartitionsRDD["))
            #expect(rdd.toDebugString().contains("plusOne MapPartitionsRDD"))
            #expect(try rdd.collect() == [2, 3, 4])
        }
    }
}
