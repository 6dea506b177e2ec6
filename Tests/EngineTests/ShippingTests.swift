import Engine
import Foundation
import Scheduler
import Storage
import Testing

/// A named Codable function type: its state travels as fields.
struct AddOffset: MapFunction {
    var offset: Int
    func callAsFunction(_ x: Int) -> Int { x + offset }
}

struct KeepMultiples: FilterFunction {
    var of: Int
    func callAsFunction(_ x: Int) -> Bool { x % of == 0 }
}

/// Jobs in both masters; in local-cluster each stage's lineage is written as operator calls and
/// rebuilt on the executors before its tasks run.
@Suite struct ShippingTests {
    @Test(arguments: Master.both, Shape.small)
    func transformationsAndActionsMatchAnIndependentComputation(_ master: Master, _ shape: Shape) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let data = randomInts(shape.count, in: -500...500, seed: UInt64(shape.count))
        let rdd = ctx.parallelize(data, numSlices: shape.slices)
        let mapped = rdd.map { $0 * 3 }.filter { $0 % 2 == 0 }
        let expected = data.map { $0 * 3 }.filter { $0 % 2 == 0 }
        #expect(try mapped.collect() == expected)
        #expect(try mapped.count() == expected.count)
        #expect(try mapped.fold(0, +) == expected.reduce(0, +))
        #expect(try mapped.takeOrdered(5, by: { $0 > $1 }) == Array(expected.sorted(by: >).prefix(5)))
        #expect(try mapped.take(7) == Array(expected.prefix(7)))
        let sums = try rdd.map { ($0 % 10, $0) }.reduceByKey(numPartitions: 4) { $0 + $1 }.collect()
        var independent: [Int: Int] = [:]
        for x in data { independent[x % 10, default: 0] += x }
        #expect(Dictionary(uniqueKeysWithValues: sums) == independent)
        let groups = try rdd.map { ($0 % 3, 1) }.groupByKey().mapValues { $0.count }.collect()
        var counts: [Int: Int] = [:]
        for x in data { counts[x % 3, default: 0] += 1 }
        #expect(Dictionary(uniqueKeysWithValues: groups) == counts)
    }

    @Test(arguments: Master.both)
    func codableFunctionTypesTravelWithTheirFields(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let data = Array(0..<1000)
        let out = try ctx.parallelize(data, numSlices: 4).map(AddOffset(offset: 7)).filter(KeepMultiples(of: 5)).collect()
        #expect(out == data.map { $0 + 7 }.filter { $0 % 5 == 0 })
    }

    @Test func aClosureThatCapturesFailsTheJobBeforeAnyTaskRuns() throws {
        let ctx = try Master.cluster.context()
        defer { ctx.stop() }
        let offset = Int.random(in: 1...9)
        let ran = ctx.parallelize(Array(0..<100), numSlices: 4).map { $0 }
        _ = try ran.count()
        let before = ctx.totalMetrics
        let bad = ran.map { $0 + offset }
        let line = #line - 1
        #expect {
            _ = try bad.count()
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("Task not serializable: map at ShippingTests.swift:\(line) captures context;")
        }
        // Nothing ran: no task metrics were added by the failed job.
        #expect(ctx.totalMetrics.recordsRead == before.recordsRead)
        #expect(ctx.lastJobSummary != nil)
    }

    @Test(arguments: Master.both)
    func persistedRDDsAreCachedByReplayedLineages(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let cached = try ctx.parallelize(Array(0..<5000), numSlices: 5).map { ($0 % 7, $0) }.persist(.MEMORY_AND_DISK)
        #expect(try cached.count() == 5000)
        let master = ctx.env.blockManagerMaster
        let held = (0..<5).filter { !master.getLocations(.rdd(rddId: cached.rddId, partition: $0)).isEmpty }
        #expect(held.count == 5)
        let sum = try cached.map { $0.1 }.fold(0, +)
        #expect(sum == (0..<5000).reduce(0, +))
    }

    @Test(arguments: Master.both)
    func wordCountMatchesAnIndependentCountOnSkewedAndEmptyLines(_ master: Master) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ship-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var text = ""
        var rng = SeededRandom(seed: 42)
        for i in 0..<3000 {
            if i % 17 == 0 { text += "\n"; continue }
            let n = Int.random(in: 1...12, using: &rng)
            text += (0..<n).map { _ in Int.random(in: 0...9, using: &rng) == 0 ? "hot" : "w\(Int.random(in: 0...300, using: &rng))" }
                .joined(separator: " ") + "\n"
        }
        try text.write(toFile: dir + "/in.txt", atomically: true, encoding: .utf8)
        var expected: [String: Int] = [:]
        for w in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) { expected[String(w), default: 0] += 1 }
        let ctx = try master.context()
        defer { ctx.stop() }
        let counts = try ctx.textFile(dir + "/in.txt", minPartitions: 4).flatMap { $0.split(separator: " ").map(String.init) }
            .map { ($0, 1) }.reduceByKey(+)
        #expect(Dictionary(uniqueKeysWithValues: try counts.collect()) == expected)
        try counts.map { "\($0.0)\t\($0.1)" }.saveAsTextFile(dir + "/out")
        let saved = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { $0.hasPrefix("part-") }
            .map { try String(contentsOfFile: dir + "/out/" + $0, encoding: .utf8) }.joined()
        let savedCounts = saved.split(separator: "\n").map { line -> (String, Int) in
            let fields = line.split(separator: "\t")
            return (String(fields[0]), fields.count == 2 ? Int(fields[1]) ?? -1 : -1)
        }
        #expect(savedCounts.count == expected.count)
        #expect(Dictionary(savedCounts, uniquingKeysWith: { _, _ in -1 }) == expected)
    }
}
