import Foundation
import Testing
@testable import Storage

private var intSerializer: BlockSerializer<Int> { BlockSerializer<Int>(
    encode: { values in values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } } },
    decode: { bytes in
        stride(from: 0, to: bytes.count, by: 8).map { i in
            bytes[i..<(i + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
        }
    }) }

private func chunks(_ values: [Int], _ size: Int) -> () -> [Int]? {
    var i = 0
    return {
        guard i < values.count else { return nil }
        defer { i += size }
        return Array(values[i..<min(i + size, values.count)])
    }
}

@Test(arguments: [StorageLevel.MEMORY_AND_DISK, .MEMORY_AND_DISK_SER, .MEMORY_ONLY, .MEMORY_ONLY_SER, .DISK_ONLY])
func partitionsLargerThanMemoryAreReadBackOrHandedBack(level: StorageLevel) throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let mm = UnifiedMemoryManager(maxMemory: 100_000, storageRegionSize: 50_000)
    let bm = try BlockManager(executorId: "1", localDirs: [root], memoryManager: mm)
    defer { bm.stop() }
    var rng = SplitMix64(seed: UInt64(level.description.count))
    // Three partitions of 5,000 Ints (40 KB estimated each): together 1.2× all memory.
    let parts = (0..<3).map { _ in (0..<5_000).map { _ in Int.random(in: -1_000_000...1_000_000, using: &rng) } }
    for (p, values) in parts.enumerated() {
        let id = BlockId.rdd(rddId: 7, partition: p)
        let r = try bm.putValues(id, level: level, task: Int64(p), chunks: chunks(values, 256),
                                 estimate: { Int64($0.count * 8) }, serializer: intSerializer)
        switch r {
        case .inMemory, .onDisk: #expect(level.useMemory || !bm.memoryStore.contains(id))
        case .notStored(let rest):
            #expect(!level.useDisk)
            #expect(try rest.collectAll() == values)
        case .alreadyStored: Issue.record("nothing stored \(id) before")
        }
        bm.releaseAllLocks(forTask: Int64(p))
    }
    var cached = 0
    for (p, values) in parts.enumerated() {
        let id = BlockId.rdd(rddId: 7, partition: p)
        if let got = try bm.getValues(id, serializer: intSerializer, task: 99) {
            #expect(got.flatMap { $0 } == values)
            cached += 1
        }
    }
    #expect(cached == (level.useDisk ? 3 : 2))  // two fit in memory (same RDD: none evicted for the third)
    #expect(bm.blockInfoManager.locks(heldBy: 99).read.count == cached)
    #expect(bm.releaseAllLocks(forTask: 99).count == cached)
    #expect(mm.unrollMemoryUsed == 0)
    #expect(mm.checkInvariants().isEmpty && bm.blockInfoManager.checkInvariants().isEmpty)
    #expect(bm.removeRdd(7) == cached)
    #expect(bm.memoryUsed == 0 && bm.diskUsed == 0 && mm.storageMemoryUsed == 0)
}

@Test func anotherRddEvictsCachedBlocksToDiskWhenTheLevelAllows() throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let mm = UnifiedMemoryManager(maxMemory: 100_000, storageRegionSize: 50_000)
    let bm = try BlockManager(executorId: "1", localDirs: [root], memoryManager: mm)
    defer { bm.stop() }
    let a = Array(0..<8_000), b = Array(10_000..<18_000)
    _ = try bm.putValues(.rdd(rddId: 1, partition: 0), level: .MEMORY_AND_DISK, task: 1, chunks: chunks(a, 500),
                         estimate: { Int64($0.count * 8) }, serializer: intSerializer)
    _ = try bm.putValues(.rdd(rddId: 2, partition: 0), level: .MEMORY_ONLY, task: 1, chunks: chunks(b, 500),
                         estimate: { Int64($0.count * 8) }, serializer: nil)
    #expect(bm.evictionCounts.toDisk == 1)
    #expect(bm.diskStore.contains(.rdd(rddId: 1, partition: 0)))
    #expect(try bm.getValues(.rdd(rddId: 1, partition: 0), serializer: intSerializer, task: 2)?.flatMap { $0 } == a)
    #expect(try bm.getValues(.rdd(rddId: 2, partition: 0), serializer: intSerializer, task: 2)?.flatMap { $0 } == b)
    bm.releaseAllLocks(forTask: 2)
    bm.releaseAllLocks(forTask: 1)
}
