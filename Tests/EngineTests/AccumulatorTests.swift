import Engine
import Foundation
import Scheduler
import Testing

/// A named Codable function type holding an accumulator: how one travels to executors.
struct CountingDouble: MapFunction {
    var seen: LongAccumulator
    var total: DoubleAccumulator
    func callAsFunction(_ x: Int) -> Int {
        seen.add(1)
        total.add(Double(x))
        return x * 2
    }
}

struct AccumulatorFailure: Error {}

/// Adds each record to a long and (halved) to a double accumulator.
struct AddToBoth: MapFunction {
    var long: LongAccumulator
    var double: DoubleAccumulator
    func callAsFunction(_ x: Int) -> Int {
        long.add(x)
        double.add(Double(x) / 2)
        return x
    }
}

/// Counts each record, then fails partition 2's first two attempts.
struct CountThenFailTwice: MapFunction {
    var seen: LongAccumulator
    func callAsFunction(_ x: Int) throws -> Int {
        seen.add(1)
        if let t = TaskContext.get(), t.partitionId == 2, t.attemptNumber < 2 { throw AccumulatorFailure() }
        return x
    }
}

@Suite("accumulators")
struct AccumulatorTests {
    @Test("tasks' additions reach the driver", arguments: Master.both, Shape.small)
    func sums(_ master: Master, _ shape: Shape) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let data = randomInts(shape.count, in: -1000...1000, seed: 3)
        let acc = ctx.longAccumulator("sum")
        let d = ctx.doubleAccumulator()
        try ctx.parallelize(data, numSlices: shape.slices).map(AddToBoth(long: acc, double: d)).foreach { _ in }
        #expect(acc.value == Int64(data.reduce(0, +)))
        #expect(d.count == Int64(data.count))
        #expect(abs(d.sum - Double(data.reduce(0, +)) / 2) < 1e-6)
        if data.isEmpty { #expect(d.avg.isNaN) }
        // Driver-side additions and reset.
        acc.add(5)
        #expect(acc.value == Int64(data.reduce(0, +)) + 5)
        acc.reset()
        #expect(acc.value == 0)
    }

    /// A task that fails after adding is retried: only the successful attempt counts.
    @Test(arguments: Master.both)
    func failedAttemptsDoNotCount(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let acc = ctx.longAccumulator()
        try ctx.parallelize(Array(0..<1000), numSlices: 5).map(CountThenFailTwice(seen: acc)).foreach { _ in }
        #expect(acc.value == 1000)
    }

    /// A partition computed by two jobs (an action run twice) counts once per job.
    @Test(arguments: Master.both)
    func eachActionCounts(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let acc = ctx.longAccumulator(), sum = ctx.longAccumulator()
        let rdd = ctx.parallelize(Array(0..<300), numSlices: 3).map(Tally(records: acc, sum: sum))
        _ = try rdd.count()
        _ = try rdd.count()
        #expect(acc.value == 600)
        #expect(sum.value == 2 * Int64((0..<300).reduce(0, +)))
    }

    /// An accumulator held by a Codable function type travels as a field; in local-cluster a
    /// closure capturing one cannot travel and fails before any task runs.
    @Test(arguments: Master.both)
    func travelsAsAField(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let seen = ctx.longAccumulator("seen")
        let total = ctx.doubleAccumulator("total")
        let data = Array(1...5000)
        let out = try ctx.parallelize(data, numSlices: 6).map(CountingDouble(seen: seen, total: total)).collect()
        #expect(out == data.map { $0 * 2 })
        #expect(seen.value == 5000)
        #expect(total.sum == Double(data.reduce(0, +)) && total.count == 5000)

        guard master == .cluster else { return }
        let captured = ctx.longAccumulator()
        do {
            _ = try ctx.parallelize(data, numSlices: 2).map { x -> Int in captured.add(1); return x }.collect()
            Issue.record("a closure capturing an accumulator ran in local-cluster")
        } catch {
            #expect("\(error)".hasPrefix("Task not serializable: map at AccumulatorTests.swift:"))
        }
        #expect(captured.value == 0)
    }
}
