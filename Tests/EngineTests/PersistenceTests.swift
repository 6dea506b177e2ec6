import Foundation
import Synchronization
import Testing
@testable import Engine

/// persist and cache in both masters; how one process's memory holds an RDD larger than it is
/// looks at the driver's own block manager, so that test runs in local mode.
@Suite(.serialized) struct PersistenceTests {
    private func context(memory: String = "1g") throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "error")
        conf.set("engine.executor.memory", memory)
        return try EngineContext(master: "local[2]", appName: "persist", conf: conf)
    }

    /// A later job reads cached partitions instead of computing them again, the block manager
    /// master knows where they are, and unpersist removes them.
    @Test(arguments: Master.both)
    func cachedPartitionsAreReadNotRecomputed(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let calls = ctx.longAccumulator(), sum = ctx.longAccumulator()
        let rdd = ctx.parallelize(Array(0..<10_000), numSlices: 4).map(Tally(records: calls, sum: sum)).map { $0 * 2 }
        try rdd.cache()
        #expect(rdd.storageLevel == .MEMORY_ONLY)
        #expect(try rdd.reduce(+) == 2 * (0..<10_000).reduce(0, +))
        #expect(calls.value == 10_000)
        #expect(try rdd.collect() == (0..<10_000).map { $0 * 2 })
        #expect(calls.value == 10_000, "the second job read the cache")
        let executors: Set<String> = master == .local ? ["driver"] : ["exec-1", "exec-2"]
        for p in 0..<4 {
            let holders = rdd.preferredLocations(p)
            #expect(holders.count == 1 && executors.isSuperset(of: holders), "partition \(p) cached at \(holders)")
        }

        rdd.unpersist()
        #expect(rdd.storageLevel == .NONE)
        #expect(rdd.preferredLocations(0).isEmpty)
        #expect(try rdd.count() == 10_000)
        #expect(calls.value == 20_000, "computed again after unpersist")
    }

    @Test(arguments: Master.both)
    func changingTheLevelIsAnError(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let rdd = ctx.parallelize([1, 2, 3])
        try rdd.persist(.DISK_ONLY)
        try rdd.persist(.DISK_ONLY)  // the same level again is fine
        #expect(throws: EngineError.self) { try rdd.cache() }
        rdd.unpersist()
        try rdd.cache()
        #expect(try rdd.collect() == [1, 2, 3])
    }

    struct Opaque { let x: Int }  // not Codable

    @Test(arguments: Master.both)
    func levelsThatSerializeNeedCodableRecords(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let opaque = ctx.parallelize([Opaque(x: 1)])
        #expect(throws: EngineError.self) { try opaque.persist(.MEMORY_AND_DISK) }
        try opaque.persist(.MEMORY_ONLY)
        if master == .local {
            #expect(try opaque.map { $0.x }.collect() == [1])
        } else {
            // Records that are not Codable cannot reach executors in other processes at all.
            #expect(throws: EngineError.self) { try opaque.map { $0.x }.collect() }
        }
    }

    /// Every level returns the same records, for plain and pair records, twice.
    @Test(arguments: Master.both, [StorageLevel.MEMORY_ONLY, .MEMORY_ONLY_SER, .MEMORY_AND_DISK, .MEMORY_AND_DISK_SER, .DISK_ONLY,
                                   .MEMORY_ONLY_2, .DISK_ONLY_2])
    func everyLevelRoundTrips(_ master: Master, level: StorageLevel) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let words = (0..<5000).map { "w\($0 % 311)-\($0)" }
        let strings = ctx.parallelize(words, numSlices: 3)
        try strings.persist(level)
        #expect(try strings.collect() == words)
        #expect(try strings.collect() == words)
        let pairs = strings.map { ($0, $0.count) }
        try pairs.persist(level)
        let expected = words.map { ($0, $0.count) }
        for _ in 0..<2 {
            let got = try pairs.collect()
            #expect(got.map(\.0) == expected.map(\.0) && got.map(\.1) == expected.map(\.1))
        }
    }

    /// The acceptance case: an RDD about three times larger than the unified memory region.
    /// MEMORY_AND_DISK keeps every partition (what does not fit in memory goes to disk; as in
    /// Spark, a block is never evicted for a block of its own RDD) and a second job reads them
    /// back; caching a second RDD then evicts the least recently used blocks of the first to disk,
    /// and the first still reads back whole. MEMORY_ONLY drops what does not fit and recomputes it,
    /// with the same result.
    @Test(arguments: ["MEMORY_AND_DISK", "MEMORY_ONLY"])
    func rddLargerThanMemory(levelName: String) throws {
        let ctx = try context(memory: "64m")  // unified region 28.8 MiB
        defer { ctx.stop() }
        let region = ctx.memoryManager.maxMemory
        let partitions = 24
        let perPartition = Int(3 * region) / partitions / 100  // ~100-byte strings: ~3 × the region in all
        let calls = Mutex(0)
        let level = StorageLevel.fromString(levelName)!
        func strings(_ tag: String) -> RDD<String> {
            ctx.parallelize(Array(0..<partitions), numSlices: partitions).flatMap { p -> [String] in
                calls.withLock { $0 += 1 }
                return (0..<perPartition).map { i in "\(tag)\(p)-i\(i)-" + String(repeating: "x", count: 80) }
            }
        }
        let expectedBytes = (0..<partitions).reduce(0) { sum, p in
            sum + (0..<perPartition).reduce(0) { $0 + "a\(p)-i\($1)-".count + 80 }
        }
        let a = strings("a")
        try a.persist(level)
        #expect(try a.count() == partitions * perPartition)
        #expect(try a.map { $0.count }.reduce(+) == expectedBytes)
        #expect(ctx.env.blockManager.memoryUsed <= region, "memory never above the region")
        if levelName == "MEMORY_AND_DISK" {
            #expect(calls.withLock { $0 } == partitions, "no partition computed twice")
            #expect(ctx.env.blockManager.memoryFullPutsToDisk > 0, "partitions that did not fit went to disk")
            #expect(ctx.env.blockManager.diskUsed > 0)
            let b = strings("b")
            try b.persist(level)
            #expect(try b.count() == partitions * perPartition)
            #expect(ctx.env.blockManager.evictionCounts.toDisk > 0, "blocks of the first RDD were evicted to disk")
            #expect(try a.map { $0.count }.reduce(+) == expectedBytes, "the first RDD still reads back whole")
            #expect(calls.withLock { $0 } == 2 * partitions, "nothing recomputed")
        } else {
            #expect(calls.withLock { $0 } > partitions, "dropped partitions were computed again")
            #expect(ctx.env.blockManager.diskUsed == 0)
            // The master was told of the drops: it names exactly the blocks still in memory.
            let master = ctx.env.blockManagerMaster
            let reported = (0..<partitions).filter { !master.getLocations(.rdd(rddId: a.id, partition: $0)).isEmpty }
            let held = (0..<partitions).filter { ctx.env.blockManager.memoryStore.contains(.rdd(rddId: a.id, partition: $0)) }
            #expect(reported == held, "master \(reported), memory \(held)")
            #expect(held.count < partitions)
        }
    }
}
