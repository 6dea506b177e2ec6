import Engine
import Foundation
import Synchronization
import Testing

@Suite("Actions")
struct ActionTests {
    @Test("collect and count", arguments: Master.both, Shape.withLarge)
    func collectAndCount(_ master: Master, shape: Shape) throws {
        let data = randomInts(shape.count, seed: 51)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            #expect(try rdd.collect() == data)
            #expect(try rdd.count() == data.count)
            #expect(try ctx.range(0, shape.count, step: 3, numSlices: shape.slices).collect()
                    == Array(stride(from: 0, to: shape.count, by: 3)))
        }
    }

    @Test("range with negative steps and empty ranges; step 0 is rejected", arguments: Master.both)
    func range(_ master: Master) throws {
        try withContext(master) { ctx throws in
            #expect(try ctx.range(10, -7, step: -3, numSlices: 4).collect() == Array(stride(from: 10, to: -7, by: -3)))
            #expect(try ctx.range(5, 5, numSlices: 3).collect().isEmpty)
            #expect(try ctx.range(5, 2, step: 1, numSlices: 3).collect().isEmpty)
            #expect(throws: EngineError.self) { _ = try ctx.range(0, 10, step: 0) }
        }
    }

    @Test("first, and first of an empty RDD throws", arguments: Master.both)
    func first(_ master: Master) throws {
        try withContext(master) { ctx throws in
            #expect(try ctx.parallelize([Int](), numSlices: 5).union(ctx.parallelize([9, 8], numSlices: 1)).first() == 9)
            #expect(try ctx.parallelize(["a", "b"], numSlices: 1).first() == "a")
            #expect(throws: EngineError.self) { _ = try ctx.parallelize([Int](), numSlices: 3).first() }
            #expect(throws: EngineError.self) { _ = try ctx.emptyRDD(of: Int.self).first() }
        }
    }

    @Test("take returns the first n in partition order, across partitions and past the end", arguments: Master.both)
    func take(_ master: Master) throws {
        let data = randomInts(1000, seed: 52)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: 50)
            for n in [0, 1, 19, 20, 21, 137, 999, 1000, 5000] {
                #expect(try rdd.take(n) == Array(data.prefix(n)), "take(\(n))")
            }
            // Most partitions empty after the filter: take must scan on.
            let sparse = rdd.filter { $0 > 900_000 }
            let wantSparse = data.filter { $0 > 900_000 }
            for n in [1, 3, wantSparse.count, wantSparse.count + 5] {
                #expect(try sparse.take(n) == Array(wantSparse.prefix(n)), "sparse take(\(n))")
            }
            #expect(try ctx.parallelize([Int](), numSlices: 4).take(3).isEmpty)
            #expect(try ctx.emptyRDD(of: Int.self).take(3).isEmpty)
        }
    }

    @Test("top and takeOrdered match a sort", arguments: Master.both, Shape.small)
    func topAndTakeOrdered(_ master: Master, shape: Shape) throws {
        let data = randomInts(shape.count, in: -500...500, seed: 53)  // with duplicates
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            for n in [0, 1, 5, shape.count, shape.count + 3] {
                #expect(try rdd.top(n) == Array(data.sorted(by: >).prefix(n)), "top(\(n))")
                #expect(try rdd.takeOrdered(n) == Array(data.sorted().prefix(n)), "takeOrdered(\(n))")
                #expect(try rdd.takeOrdered(n, by: { abs($0) > abs($1) }).map(abs)
                        == Array(data.map(abs).sorted(by: >).prefix(n)), "takeOrdered(\(n), by:)")
            }
            if !data.isEmpty {
                #expect(try rdd.max() == data.max())
                #expect(try rdd.min() == data.min())
            }
        }
    }

    @Test("reduce, fold and aggregate", arguments: Master.both, Shape.withLarge)
    func reduceFoldAggregate(_ master: Master, shape: Shape) throws {
        let data = randomInts(shape.count, in: -1000...1000, seed: 54)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            if data.isEmpty {
                #expect(throws: EngineError.self) { _ = try rdd.reduce(+) }
            } else {
                #expect(try rdd.reduce(+) == data.reduce(0, +))
                #expect(try rdd.reduce { max($0, $1) } == data.max())
            }
            #expect(try rdd.fold(0, +) == data.reduce(0, +))
            // A non-neutral zero is folded in once per partition and once on the driver, as Spark.
            #expect(try rdd.fold(1, +) == data.reduce(0, +) + shape.slices + 1)
            let (sum, count) = try rdd.aggregate((0, 0), { ($0.0 + $1, $0.1 + 1) }, { ($0.0 + $1.0, $0.1 + $1.1) })
            #expect(sum == data.reduce(0, +))
            #expect(count == data.count)
            let sc = try rdd.aggregate(SumCount.zero, { SumCount.adding($0, $1) }, { SumCount.merging($0, $1) })
            #expect(sc == SumCount(sum: data.reduce(0, +), count: data.count))
            if data.count <= 1000 {  // the array-appending seqOp is quadratic
                let strings = try rdd.aggregate([String](), { $0 + ["\($1)"] }, { $0 + $1 })
                #expect(strings == data.map { "\($0)" }, "partition results combine in partition order")
            }
        }
    }

    @Test("reduce of an RDD with no partitions throws; fold returns the zero", arguments: Master.both)
    func reduceEmpty(_ master: Master) throws {
        try withContext(master) { ctx throws in
            #expect(throws: EngineError.self) { _ = try ctx.emptyRDD(of: Int.self).reduce(+) }
            #expect(try ctx.emptyRDD(of: Int.self).fold(7, +) == 7)
        }
    }

    @Test("foreach and foreachPartition run once per record and partition", arguments: Master.both, Shape.small)
    func foreach(_ master: Master, shape: Shape) throws {
        let data = randomInts(shape.count, in: 0...1000, seed: 55)
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            // What foreach consumed, counted on the way in by accumulators (they travel, captures do not).
            let records = ctx.longAccumulator(), sum = ctx.longAccumulator()
            try rdd.map(Tally(records: records, sum: sum)).foreach { x in
                guard (0...1000).contains(x) else { throw InjectedFailure(tag: "foreach saw \(x)") }
            }
            #expect(records.value == Int64(data.count))
            #expect(sum.value == Int64(data.reduce(0, +)))

            let sums = (0..<shape.slices).map { _ in ctx.longAccumulator() }
            try rdd.mapPartitionsWithIndex { p, it in it.map { (p, $0) } }.map(PartitionTally(sums: sums))
                .foreachPartition { it in for _ in it {} }
            for i in 0..<shape.slices {
                let slice = data[sliceRange(i, count: shape.count, slices: shape.slices)]
                #expect(sums[i].value == Int64(slice.reduce(0, +)), "partition \(i)")
            }
            // One record per partition, empty or not: foreachPartition visits every partition once.
            let emptyPartitions = (0..<shape.slices).filter { sliceRange($0, count: shape.count, slices: shape.slices).isEmpty }
            let visits = ctx.longAccumulator(), ones = ctx.longAccumulator()
            try rdd.mapPartitions { _ in [1] }.map(Tally(records: visits, sum: ones)).foreachPartition { it in for _ in it {} }
            #expect(visits.value == Int64(shape.slices), "\(emptyPartitions.count) empty partitions visited too")
        }
    }

    @Test("a foreach closure that throws fails the job with its error", arguments: Master.both)
    func foreachThrows(_ master: Master) throws {
        try withContext(master, conf: ["engine.task.maxFailures": "1"]) { ctx throws in
            let error = #expect(throws: EngineError.self) {
                try ctx.parallelize(Array(0..<100), numSlices: 4).foreach { x in
                    if x == 60 { throw InjectedFailure(tag: "foreach-60") }
                }
            }
            #expect(error.map { "\($0)" }?.contains("injected failure foreach-60") == true)
        }
    }

    @Test("countByValue counts each distinct record", arguments: Master.both, [false, true])
    func countByValue(_ master: Master, skewed: Bool) throws {
        let data = randomPairs(30_000, keys: 2000, skewed: skewed, seed: 56).map { "k\($0.0)" }
        var want: [String: Int] = [:]
        for x in data { want[x, default: 0] += 1 }
        try withContext(master) { ctx throws in
            #expect(try ctx.parallelize(data, numSlices: 7).countByValue() == want)
            #expect(try ctx.parallelize([String](), numSlices: 2).countByValue().isEmpty)
        }
    }

    @Test("collectAsMap keeps one value per key", arguments: Master.both)
    func collectAsMap(_ master: Master) throws {
        let data = (0..<500).map { ($0 % 50, $0) }
        try withContext(master) { ctx throws in
            let m = try ctx.parallelize(data, numSlices: 3).collectAsMap()
            #expect(m.count == 50)
            #expect(m.allSatisfy { k, v in v % 50 == k })
        }
    }

    @Test("actions on a stopped context throw contextStopped", arguments: Master.both)
    func stoppedContext(_ master: Master) throws {
        let ctx = try master.context()
        let rdd = ctx.parallelize([1, 2, 3], numSlices: 2)
        ctx.stop()
        ctx.stop()  // idempotent
        let error = #expect(throws: EngineError.self) { _ = try rdd.count() }
        guard case .contextStopped = error else {
            Issue.record("expected contextStopped, got \(String(describing: error))")
            return
        }
    }
}

