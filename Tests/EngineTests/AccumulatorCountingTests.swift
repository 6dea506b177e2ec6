import Foundation
import Scheduler
import Testing
@testable import Engine

/// Keeps the records divisible by 7 and collects the others in a list accumulator.
struct CollectOdd: FilterFunction {
    var rejected: CollectionAccumulator<String>
    func callAsFunction(_ x: Int) throws -> Bool {
        if x % 7 != 0 { try rejected.add("r\(x)") }
        return x % 7 == 0
    }
}

struct FlakyAttempt: Error {}

/// Counts each record, then fails the first attempt of every odd partition: only the
/// successful attempts' additions may count.
struct CountThenFailFirstAttempt: MapFunction {
    var seen: LongAccumulator
    var names: CollectionAccumulator<Int>
    func callAsFunction(_ x: Int) throws -> (Int, Int) {
        seen.add(1)
        try names.add(x)
        if let task = TaskContext.get(), task.partitionId % 2 == 1, task.attemptNumber == 0 { throw FlakyAttempt() }
        return (x % 10, x)
    }
}

/// Counts each record it maps.
struct CountEach: MapFunction {
    var seen: LongAccumulator
    func callAsFunction(_ x: Int) -> (Int, Int) {
        seen.add(1)
        return (x % 50, x)
    }
}

/// Collection accumulators, initial values, and counting once per successful task.
@Suite struct AccumulatorCountingTests {
    @Test(arguments: Master.both)
    func collectionAccumulatorGathersEachCountedAddition(_ master: Master) throws {
        let data = randomInts(5000, in: 0...100_000, seed: 17)
        try withContext(master) { ctx throws in
            let rejected = try ctx.collectionAccumulator("rejected", of: String.self, initialValue: ["seed"])
            #expect(rejected.value == ["seed"])
            let kept = try ctx.parallelize(data, numSlices: 6).filter(CollectOdd(rejected: rejected)).collect()
            #expect(kept == data.filter { $0 % 7 == 0 })
            let got = rejected.value
            #expect(got.first == "seed")
            #expect(got.dropFirst().sorted() == data.filter { $0 % 7 != 0 }.map { "r\($0)" }.sorted())
            rejected.reset()
            #expect(rejected.value.isEmpty)
            // An empty input adds nothing.
            _ = try ctx.parallelize([Int](), numSlices: 3).filter(CollectOdd(rejected: rejected)).count()
            #expect(rejected.value.isEmpty)
            try rejected.add("driver")
            #expect(rejected.value == ["driver"])
        }
    }

    @Test(arguments: Master.both)
    func initialValues(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let seen = ctx.longAccumulator("seen", initialValue: 1000)
            let total = ctx.doubleAccumulator("total", initialValue: 0.5)
            _ = try ctx.parallelize(Array(1...100), numSlices: 4).map(CountingDouble(seen: seen, total: total)).count()
            #expect(seen.value == 1100)
            #expect(total.sum == 0.5 + Double((1...100).reduce(0, +)) && total.count == 100)
            seen.reset()
            #expect(seen.value == 0)
        }
    }

    /// A failed attempt's additions never count, in a map stage as in a result stage.
    @Test(arguments: Master.both)
    func retriedTasksCountOnce(_ master: Master) throws {
        let data = Array(0..<4000)
        try withContext(master) { ctx throws in
            let seen = ctx.longAccumulator("seen")
            let names = try ctx.collectionAccumulator("names", of: Int.self)
            // Map stage: the function runs before the shuffle of reduceByKey.
            let sums = try ctx.parallelize(data, numSlices: 4).map(CountThenFailFirstAttempt(seen: seen, names: names))
                .reduceByKey { $0 + $1 }.collect()
            var want: [Int: Int] = [:]
            for x in data { want[x % 10, default: 0] += x }
            #expect(Dictionary(uniqueKeysWithValues: sums) == want)
            #expect(seen.value == Int64(data.count), "failed attempts counted")
            #expect(names.value.sorted() == data)
            // Result stage: the function runs in the action's own tasks.
            seen.reset()
            names.reset()
            #expect(try ctx.parallelize(data, numSlices: 4).map(CountThenFailFirstAttempt(seen: seen, names: names)).count()
                    == data.count)
            #expect(seen.value == Int64(data.count) && names.value.sorted() == data)
        }
    }

    /// A map output lost after it was counted (its shuffle file deleted) is computed again for
    /// the next job; its additions do not count a second time. Local: the test reaches the
    /// shuffle files through the driver's block manager.
    @Test func recomputedMapOutputsDoNotCountTwice() throws {
        try withContext(.local) { ctx throws in
            let seen = ctx.longAccumulator("seen")
            let data = Array(0..<8000)
            let sums = ctx.parallelize(data, numSlices: 4).map(CountEach(seen: seen)).reduceByKey(numPartitions: 3) { $0 + $1 }
            var want: [Int: Int] = [:]
            for x in data { want[x % 50, default: 0] += x }
            #expect(Dictionary(uniqueKeysWithValues: try sums.collect()) == want)
            #expect(seen.value == 8000)
            var shuffleId = -1
            for dep in sums.lineageDependencies { if case .shuffle(let s) = dep { shuffleId = s.shuffleId } }
            var files: [String] = []
            for dir in ctx.env.blockManager.diskBlockManager.localDirs {
                guard let e = FileManager.default.enumerator(atPath: dir) else { continue }
                while let f = e.nextObject() as? String {
                    let name = (f as NSString).lastPathComponent
                    if name.hasPrefix("shuffle_\(shuffleId)_") && name.hasSuffix(".data") { files.append(dir + "/" + f) }
                }
            }
            #expect(files.count == 4)
            try FileManager.default.removeItem(atPath: try #require(files.first))
            // The next job fetches, fails, recomputes the lost output and succeeds.
            #expect(Dictionary(uniqueKeysWithValues: try sums.collect()) == want)
            #expect(seen.value == 8000, "a recomputed map output counted again")
            // A new job over the same map function (a new shuffle) counts again, as in Spark.
            _ = try ctx.parallelize(data, numSlices: 4).map(CountEach(seen: seen)).reduceByKey { $0 + $1 }.count()
            #expect(seen.value == 16_000)
        }
    }
}
