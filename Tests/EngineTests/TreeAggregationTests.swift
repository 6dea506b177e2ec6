import Engine
import Testing

@Suite("treeReduce, treeAggregate")
struct TreeAggregationTests {
    @Test(arguments: Master.both)
    func treeReduceEqualsAPlainReduce(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices) in [(1, 1), (5, 9), (10_000, 37), (2000, 4)] {
                let data = randomInts(n, in: -1000...1000, seed: 31)
                let rdd = ctx.parallelize(data, numSlices: slices)
                for depth in [1, 2, 3, 6] {
                    #expect(try rdd.treeReduce(+, depth: depth) == data.reduce(0, +))
                    #expect(try rdd.treeReduce({ max($0, $1) }, depth: depth) == data.max())
                }
                #expect(try rdd.treeReduce(+) == data.reduce(0, +))
            }
            expectEngineError(.invalidArgument, mentioning: ["treeReduce", "empty"]) {
                try ctx.parallelize([Int](), numSlices: 4).treeReduce(+, depth: 2)
            }
            expectEngineError(.invalidArgument, mentioning: ["treeReduce", "empty"]) { try ctx.emptyRDD(of: Int.self).treeReduce(+) }
            expectEngineError(.invalidArgument, mentioning: ["depth", "0"]) {
                try ctx.parallelize([1, 2]).treeReduce(+, depth: 0)
            }
        }
    }

    @Test(arguments: Master.both)
    func treeAggregateEqualsAPlainAggregate(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices) in [(0, 3), (7, 20), (20_000, 50)] {
                let data = randomInts(n, in: -50...50, seed: 32)
                let rdd = ctx.parallelize(data, numSlices: slices)
                for depth in [1, 2, 4] {
                    let sumCount = try rdd.treeAggregate([0, 0], { acc, x in [acc[0] + x, acc[1] + 1] },
                                                         { a, b in [a[0] + b[0], a[1] + b[1]] }, depth: depth)
                    #expect(sumCount == [data.reduce(0, +), data.count])
                    let distinct = try rdd.treeAggregate(Set<Int>(), { s, x in s.union([x]) }, { $0.union($1) }, depth: depth)
                    #expect(distinct == Set(data))
                }
            }
            #expect(try ctx.emptyRDD(of: Int.self).treeAggregate(5, { $0 + $1 }, { $0 + $1 }) == 5)
            expectEngineError(.invalidArgument, mentioning: ["treeAggregate", "depth"]) {
                try ctx.parallelize([1]).treeAggregate(0, { $0 + $1 }, { $0 + $1 }, depth: -1)
            }
        }
    }
}
