import Engine
import Foundation
import Scheduler
import Testing

/// A key whose values collide in the engine's hash: FastHash falls back to `hashValue`
/// for this type, and `hash(into:)` only feeds it `id % 13`.
struct CollidingKey: Hashable, Codable, Comparable, Sendable {
    let id: Int
    func hash(into hasher: inout Hasher) { hasher.combine(id % 13) }
    static func < (a: CollidingKey, b: CollidingKey) -> Bool { a.id < b.id }
}

/// Spilling of shuffle aggregation, map-side buffers and sorting: each job runs with a
/// 64 KiB execution budget per task (so every path spills many times) and unlimited, and
/// both must equal a plain-Swift computation.
@Suite("Spilling")
struct SpillTests {
    static let tinyBudget = 64 * 1024

    /// Runs `body` in a context with its own local dir and, when `budget` is given, that much
    /// execution memory per task; checks that no spill file is left afterwards.
    func withSpillContext(budget: Int?, maxFailures: Int = 4, _ body: (EngineContext) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("spill-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var conf = ["engine.local.dir": root, "engine.task.maxFailures": "\(maxFailures)"]
        if let budget { conf["engine.test.executionMemoryPerTask"] = "\(budget)" }
        try withContext("local[2]", conf: conf) { ctx in
            try body(ctx)
            #expect(spillFiles(under: root).isEmpty, "spill files left: \(spillFiles(under: root))")
        }
    }

    /// Every `temp_` file under `root`.
    func spillFiles(under root: String) -> [String] {
        let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
        return all.filter { ($0 as NSString).lastPathComponent.hasPrefix("temp_") }
    }

    /// Runs `job` with a tiny budget and unlimited; returns both results and checks the spill metrics.
    func spillingAndNot<R>(budget: Int = tinyBudget, _ job: (EngineContext) throws -> R) throws -> (spilled: R, unlimited: R) {
        var spilled: R?
        var unlimited: R?
        try withSpillContext(budget: budget) { ctx in
            spilled = try job(ctx)
            let m = try #require(ctx.lastJobSummary).metrics
            #expect(m.memoryBytesSpilled > 0)
            #expect(m.diskBytesSpilled > 0)
        }
        try withSpillContext(budget: nil) { ctx in
            unlimited = try job(ctx)
            let m = try #require(ctx.lastJobSummary).metrics
            #expect(m.memoryBytesSpilled == 0)
            #expect(m.diskBytesSpilled == 0)
        }
        return (spilled!, unlimited!)
    }

    @Test("reduceByKey over many keys spills and equals a dictionary", arguments: [false, true])
    func reduceByKeyManyKeys(skewed: Bool) throws {
        let data = randomPairs(120_000, keys: 40_000, skewed: skewed, seed: 11)
        var expected: [Int: Int] = [:]
        for (k, v) in data { expected[k, default: 0] += v }
        let (spilled, unlimited) = try spillingAndNot { ctx in
            try ctx.parallelize(data, numSlices: 4).reduceByKey(numPartitions: 3, +).collect()
        }
        #expect(Dictionary(uniqueKeysWithValues: spilled) == expected)
        #expect(Dictionary(uniqueKeysWithValues: unlimited) == expected)
    }

    @Test("reduceByKey with keys whose hashes collide")
    func collidingKeys() throws {
        var rng = SeededRandom(seed: 5)
        let data = (0..<16_000).map { _ in (CollidingKey(id: Int.random(in: 0..<1500, using: &rng)), 1) }
        var expected: [Int: Int] = [:]
        for (k, v) in data { expected[k.id, default: 0] += v }
        let (spilled, unlimited) = try spillingAndNot(budget: 16 * 1024) { ctx in
            try ctx.parallelize(data, numSlices: 3).reduceByKey(numPartitions: 2, +).collect()
        }
        for result in [spilled, unlimited] {
            #expect(result.count == expected.count)
            #expect(Dictionary(uniqueKeysWithValues: result.map { ($0.0.id, $0.1) }) == expected)
        }
    }

    @Test("groupByKey with colliding and skewed keys keeps every value")
    func groupByKey() throws {
        var rng = SeededRandom(seed: 9)
        let data = (0..<40_000).map { i -> (CollidingKey, Int) in
            let id = Double.random(in: 0..<1, using: &rng) < 0.5 ? 7 : Int.random(in: 0..<2000, using: &rng)
            return (CollidingKey(id: id), i)
        }
        var expected: [Int: [Int]] = [:]
        for (k, v) in data { expected[k.id, default: []].append(v) }
        let (spilled, unlimited) = try spillingAndNot { ctx in
            try ctx.parallelize(data, numSlices: 4).groupByKey(numPartitions: 3).collect()
        }
        for result in [spilled, unlimited] {
            #expect(result.count == expected.count)
            #expect(Dictionary(uniqueKeysWithValues: result.map { ($0.0.id, $0.1.sorted()) }) == expected)
        }
    }

    @Test("aggregateByKey into lists, and combineByKey without a shuffle")
    func aggregateByKey() throws {
        let data = randomPairs(60_000, keys: 20_000, seed: 21)
        var expected: [Int: [Int]] = [:]
        for (k, v) in data { expected[k, default: []].append(v) }
        let (spilled, unlimited) = try spillingAndNot { ctx in
            try ctx.parallelize(data, numSlices: 4)
                .aggregateByKey([Int](), numPartitions: 4, { $0 + [$1] }, { $0 + $1 }).collect()
        }
        for result in [spilled, unlimited] {
            #expect(Dictionary(uniqueKeysWithValues: result.map { ($0.0, $0.1.sorted()) }) == expected.mapValues { $0.sorted() })
        }
        // Already partitioned: reduceByKey with the same partitioner aggregates without a shuffle.
        var sums: [Int: Int] = [:]
        for (k, v) in data { sums[k, default: 0] += v }
        try withSpillContext(budget: Self.tinyBudget) { ctx in
            let parted = ctx.parallelize(data, numSlices: 4).partitionBy(HashPartitioner(3))
            let result = try parted.reduceByKey(partitioner: HashPartitioner(3), +).collect()
            #expect(Dictionary(uniqueKeysWithValues: result) == sums)
            #expect(try #require(ctx.lastJobSummary).metrics.memoryBytesSpilled > 0)
        }
    }

    @Test("join and cogroup spill on both sides")
    func joinAndCogroup() throws {
        let left = randomPairs(30_000, keys: 6000, seed: 31)
        let right = randomPairs(12_000, keys: 9000, seed: 32)
        var byKey: [Int: [Int]] = [:]
        for (k, w) in right { byKey[k, default: []].append(w) }
        var expected: [KV<Int, Int>] = []
        for (k, v) in left { for w in byKey[k] ?? [] { expected.append(KV((k, v * 10_000 + w))) } }
        expected.sort()
        let (spilled, unlimited) = try spillingAndNot { ctx in
            try ctx.parallelize(left, numSlices: 3).join(ctx.parallelize(right, numSlices: 2), numPartitions: 3)
                .collect().map { KV(($0.0, $0.1.0 * 10_000 + $0.1.1)) }.sorted()
        }
        #expect(spilled == expected)
        #expect(unlimited == expected)

        let (groups, _) = try spillingAndNot { ctx in
            try ctx.parallelize(left, numSlices: 3).cogroup(ctx.parallelize(right, numSlices: 2), numPartitions: 2)
                .collect()
        }
        var leftGroups: [Int: [Int]] = [:]
        for (k, v) in left { leftGroups[k, default: []].append(v) }
        #expect(groups.count == Set(left.map(\.0) + right.map(\.0)).count)
        for (k, (vs, ws)) in groups {
            #expect(vs.sorted() == (leftGroups[k] ?? []).sorted())
            #expect(ws.sorted() == (byKey[k] ?? []).sorted())
        }
    }

    @Test("sortByKey sorts externally, ascending and descending", arguments: [true, false])
    func sortByKey(ascending: Bool) throws {
        let data = randomPairs(80_000, keys: 1_000_000, seed: 41).map { ($0.0, "v\($0.1)") }
        let (spilled, unlimited) = try spillingAndNot { ctx in
            try ctx.parallelize(data, numSlices: 4).sortByKey(ascending: ascending, numPartitions: 3).collect()
        }
        let keys = data.map(\.0).sorted(by: ascending ? (<) : (>))
        for result in [spilled, unlimited] {
            #expect(result.map(\.0) == keys)
            #expect(result.map { "\($0.0) \($0.1)" }.sorted() == data.map { "\($0.0) \($0.1)" }.sorted())
        }
    }

    @Test("repartition spills its map-side buffers")
    func repartition() throws {
        let data = (0..<100_000).map { "record-\($0)" }
        let (spilled, unlimited) = try spillingAndNot { ctx in
            try ctx.parallelize(data, numSlices: 3).repartition(5).collect()
        }
        #expect(spilled.sorted() == data.sorted())
        #expect(unlimited.sorted() == data.sorted())
    }

    @Test("a task that fails after spilling leaves no spill file")
    func failureRemovesSpillFiles() throws {
        let data = randomPairs(60_000, keys: 30_000, seed: 51)
        try withSpillContext(budget: Self.tinyBudget, maxFailures: 1) { ctx in
            // One task per stage, so no sibling task is still running when the job has failed.
            let failing = ctx.parallelize(data, numSlices: 1).map { kv -> (Int, Int) in
                if kv.1 == data[50_000].1 && kv.0 == data[50_000].0 { throw EngineError.invalidArgument("boom") }
                return kv
            }
            #expect(throws: EngineError.self) { try failing.reduceByKey(numPartitions: 2, +).collect() }
            let sorting = ctx.parallelize(data, numSlices: 1).reduceByKey(numPartitions: 1, +)
                .map { kv -> (Int, Int) in
                    if kv.0 == data[1000].0 { throw EngineError.invalidArgument("boom") }
                    return kv
                }
            #expect(throws: EngineError.self) { try sorting.groupByKey(numPartitions: 1).collect() }
        }
    }
}
