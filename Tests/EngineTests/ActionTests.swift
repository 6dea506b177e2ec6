import Engine
import Foundation
import Synchronization
import Testing

@Suite("Actions")
struct ActionTests {
    @Test("collect and count", arguments: Shape.withLarge)
    func collectAndCount(shape: Shape) throws {
        let data = randomInts(shape.count, seed: 51)
        try withContext { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            #expect(try rdd.collect() == data)
            #expect(try rdd.count() == data.count)
            #expect(try ctx.range(0, shape.count, step: 3, numSlices: shape.slices).collect()
                    == Array(stride(from: 0, to: shape.count, by: 3)))
        }
    }

    @Test("range with negative steps and empty ranges; step 0 is rejected")
    func range() throws {
        try withContext { ctx throws in
            #expect(try ctx.range(10, -7, step: -3, numSlices: 4).collect() == Array(stride(from: 10, to: -7, by: -3)))
            #expect(try ctx.range(5, 5, numSlices: 3).collect().isEmpty)
            #expect(try ctx.range(5, 2, step: 1, numSlices: 3).collect().isEmpty)
            #expect(throws: EngineError.self) { _ = try ctx.range(0, 10, step: 0) }
        }
    }

    @Test("first, and first of an empty RDD throws")
    func first() throws {
        try withContext { ctx throws in
            #expect(try ctx.parallelize([Int](), numSlices: 5).union(ctx.parallelize([9, 8], numSlices: 1)).first() == 9)
            #expect(try ctx.parallelize(["a", "b"], numSlices: 1).first() == "a")
            #expect(throws: EngineError.self) { _ = try ctx.parallelize([Int](), numSlices: 3).first() }
            #expect(throws: EngineError.self) { _ = try ctx.emptyRDD(of: Int.self).first() }
        }
    }

    @Test("take returns the first n in partition order, across partitions and past the end")
    func take() throws {
        let data = randomInts(1000, seed: 52)
        try withContext { ctx throws in
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

    @Test("top and takeOrdered match a sort", arguments: Shape.small)
    func topAndTakeOrdered(shape: Shape) throws {
        let data = randomInts(shape.count, in: -500...500, seed: 53)  // with duplicates
        try withContext { ctx throws in
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

    @Test("reduce, fold and aggregate", arguments: Shape.withLarge)
    func reduceFoldAggregate(shape: Shape) throws {
        let data = randomInts(shape.count, in: -1000...1000, seed: 54)
        try withContext { ctx throws in
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
            if data.count <= 1000 {  // the array-appending seqOp is quadratic
                let strings = try rdd.aggregate([String](), { $0 + ["\($1)"] }, { $0 + $1 })
                #expect(strings == data.map { "\($0)" }, "partition results combine in partition order")
            }
        }
    }

    @Test("reduce of an RDD with no partitions throws; fold returns the zero")
    func reduceEmpty() throws {
        try withContext { ctx throws in
            #expect(throws: EngineError.self) { _ = try ctx.emptyRDD(of: Int.self).reduce(+) }
            #expect(try ctx.emptyRDD(of: Int.self).fold(7, +) == 7)
        }
    }

    @Test("foreach and foreachPartition run once per record and partition", arguments: Shape.small)
    func foreach(shape: Shape) throws {
        let data = randomInts(shape.count, in: 0...1000, seed: 55)
        try withContext { ctx throws in
            let rdd = ctx.parallelize(data, numSlices: shape.slices)
            let seen = Counters()
            try rdd.foreach { seen.add($0) }
            var want: [Int: Int] = [:]
            for x in data { want[x, default: 0] += 1 }
            #expect(seen.all == want)

            let sums = Counters()
            try rdd.mapPartitionsWithIndex { p, it in it.map { (p, $0) } }.foreachPartition { it in
                var p = -1, total = 0
                for (i, x) in it {
                    p = i
                    total += x
                }
                sums.add(p, total)  // p stays -1 for an empty partition
            }
            for i in 0..<shape.slices {
                let slice = data[sliceRange(i, count: shape.count, slices: shape.slices)]
                if !slice.isEmpty { #expect(sums[i] == slice.reduce(0, +), "partition \(i)") }
            }
            let emptyPartitions = (0..<shape.slices).filter { sliceRange($0, count: shape.count, slices: shape.slices).isEmpty }
            #expect(sums[-1] == 0)
            let visits = Counters()
            try rdd.foreachPartition { _ in visits.add(0) }
            #expect(visits[0] == shape.slices, "\(emptyPartitions.count) empty partitions visited too")
        }
    }

    @Test("a foreach closure that throws fails the job with its error")
    func foreachThrows() throws {
        try withContext("local[2]", conf: ["engine.task.maxFailures": "1"]) { ctx throws in
            let error = #expect(throws: EngineError.self) {
                try ctx.parallelize(Array(0..<100), numSlices: 4).foreach { x in
                    if x == 60 { throw InjectedFailure(tag: "foreach-60") }
                }
            }
            #expect(error.map { "\($0)" }?.contains("injected failure foreach-60") == true)
        }
    }

    @Test("countByValue counts each distinct record", arguments: [false, true])
    func countByValue(skewed: Bool) throws {
        let data = randomPairs(30_000, keys: 2000, skewed: skewed, seed: 56).map { "k\($0.0)" }
        var want: [String: Int] = [:]
        for x in data { want[x, default: 0] += 1 }
        try withContext { ctx throws in
            #expect(try ctx.parallelize(data, numSlices: 7).countByValue() == want)
            #expect(try ctx.parallelize([String](), numSlices: 2).countByValue().isEmpty)
        }
    }

    @Test("collectAsMap keeps one value per key")
    func collectAsMap() throws {
        let data = (0..<500).map { ($0 % 50, $0) }
        try withContext { ctx throws in
            let m = try ctx.parallelize(data, numSlices: 3).collectAsMap()
            #expect(m.count == 50)
            #expect(m.allSatisfy { k, v in v % 50 == k })
        }
    }

    @Test("actions on a stopped context throw contextStopped")
    func stoppedContext() throws {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "warning")
        let ctx = try EngineContext(master: "local[2]", appName: "t", conf: conf)
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
