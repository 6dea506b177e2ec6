import Foundation
import Storage
import Testing
@testable import Runtime

// Map output files: written by ShuffleMapOutputWriter, committed and served by
// IndexShuffleBlockResolver, through the BlockManager as shuffle blocks.

/// Writes `partitions` through a writer and returns the committed lengths.
func writeMapOutput(_ resolver: IndexShuffleBlockResolver, shuffleId: Int, mapId: Int,
                    partitions: [[[UInt8]]], compress: Bool) throws -> [Int64] {
    let w = try ShuffleMapOutputWriter(resolver: resolver, shuffleId: shuffleId, mapId: mapId,
                                       numPartitions: partitions.count, compress: compress)
    for (r, chunks) in partitions.enumerated() {
        for c in chunks { try c.withUnsafeBytes { try w.writePartition(r, $0) } }
    }
    return try w.commit()
}

@Test(arguments: [false, true])
func shuffleRoundTrip(compress: Bool) throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dbm = try DiskBlockManager(rootDirs: [root])
    let resolver = IndexShuffleBlockResolver(diskBlockManager: dbm)
    let bm = BlockManager(executorId: "1", diskBlockManager: dbm, shuffleBlockResolver: resolver)
    defer { bm.stop() }
    var rng = SplitMix64(seed: compress ? 11 : 12)
    for (shuffleId, numPartitions) in [(0, 1), (1, 7), (2, 300)] {
        let partitions: [[[UInt8]]] = (0..<numPartitions).map { _ in
            // Many empty partitions, some with several chunks, some large.
            guard Bool.random(using: &rng) else { return [] }
            return (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                Bool.random(using: &rng)
                    ? randomBytes(Int.random(in: 0...3000, using: &rng), &rng)
                    : [UInt8](repeating: 7, count: Int.random(in: 0...200_000, using: &rng))
            }
        }
        let lengths = try writeMapOutput(resolver, shuffleId: shuffleId, mapId: 0, partitions: partitions, compress: compress)
        #expect(lengths.count == numPartitions)
        let dataSize = FileIO.size(try resolver.dataFile(shuffleId: shuffleId, mapId: 0))
        #expect(dataSize == lengths.reduce(0, +))
        for r in 0..<numPartitions {
            let segment = try bm.getShuffleSegment(shuffleId: shuffleId, mapId: 0, reduceId: r)
            #expect(Int64(segment.count) == lengths[r])
            #expect(try ShuffleSegmentCodec.decode(segment, compressed: compress) == partitions[r].flatMap { $0 })
        }
        #expect(throws: StorageError.self) { try bm.getShuffleSegment(shuffleId: shuffleId, mapId: 0, reduceId: numPartitions) }
    }
    // No temp files left behind.
    let leftovers = FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }.filter { $0.contains(".tmp-") }
    #expect(leftovers.isEmpty)
}

@Test func shuffleSecondAttemptKeepsFirstCommit() throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dbm = try DiskBlockManager(rootDirs: [root])
    defer { dbm.stop() }
    let resolver = IndexShuffleBlockResolver(diskBlockManager: dbm)
    let first: [[[UInt8]]] = [[[1, 2, 3]], [], [[4]]]
    let second: [[[UInt8]]] = [[[9]], [[9, 9]], [[9, 9, 9, 9]]]
    let l1 = try writeMapOutput(resolver, shuffleId: 5, mapId: 2, partitions: first, compress: false)
    let l2 = try writeMapOutput(resolver, shuffleId: 5, mapId: 2, partitions: second, compress: false)
    #expect(l1 == [3, 0, 1])
    #expect(l2 == l1)
    #expect(try resolver.getBlockData(.shuffle(shuffleId: 5, mapId: 2, reduceId: 0)) == [1, 2, 3])
    #expect(try resolver.getBlockData(.shuffle(shuffleId: 5, mapId: 2, reduceId: 2)) == [4])
    // After removal, a new attempt commits its own output.
    resolver.removeDataByMap(shuffleId: 5, mapId: 2)
    #expect(throws: StorageError.self) { try resolver.getBlockData(.shuffle(shuffleId: 5, mapId: 2, reduceId: 0)) }
    let l3 = try writeMapOutput(resolver, shuffleId: 5, mapId: 2, partitions: second, compress: false)
    #expect(l3 == [1, 2, 4])
    #expect(try resolver.getBlockData(.shuffle(shuffleId: 5, mapId: 2, reduceId: 2)) == [9, 9, 9, 9])
    // Abort leaves nothing.
    let w = try ShuffleMapOutputWriter(resolver: resolver, shuffleId: 6, mapId: 0, numPartitions: 2, compress: true)
    try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try w.writePartition(0, $0) }
    #expect(FileManager.default.fileExists(atPath: w.tempPath))
    w.abort()
    #expect(!FileManager.default.fileExists(atPath: w.tempPath))
}

@Test func shuffleWriterRejectsDecreasingReduceIds() throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dbm = try DiskBlockManager(rootDirs: [root])
    defer { dbm.stop() }
    let w = try ShuffleMapOutputWriter(resolver: IndexShuffleBlockResolver(diskBlockManager: dbm),
                                       shuffleId: 0, mapId: 0, numPartitions: 3, compress: false)
    try [UInt8]([1]).withUnsafeBytes { try w.writePartition(2, $0) }
    #expect(throws: StorageError.self) { try [UInt8]([1]).withUnsafeBytes { try w.writePartition(1, $0) } }
    #expect(throws: StorageError.self) { try [UInt8]([1]).withUnsafeBytes { try w.writePartition(3, $0) } }
    w.abort()
}

@Test func corruptedIndexIsDetected() throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dbm = try DiskBlockManager(rootDirs: [root])
    defer { dbm.stop() }
    let resolver = IndexShuffleBlockResolver(diskBlockManager: dbm)
    _ = try writeMapOutput(resolver, shuffleId: 1, mapId: 1, partitions: [[[1, 2]], [[3, 4, 5]]], compress: false)
    let index = try resolver.indexFile(shuffleId: 1, mapId: 1)
    let good = try FileIO.readAll(index)
    func expectCorrupt(_ bytes: [UInt8]) throws {
        try FileIO.createFile(index, bytes)
        do {
            _ = try resolver.getBlockData(.shuffle(shuffleId: 1, mapId: 1, reduceId: 0))
            Issue.record("corrupt index \(bytes) accepted")
        } catch {
            #expect(error.description.contains(index) || error.description.contains("shuffle data"))
        }
    }
    try expectCorrupt(Array(good.dropLast(3)))  // not a multiple of 8
    try expectCorrupt(Array(good.prefix(8)))  // one offset only
    var decreasing = good
    decreasing[8] = 9  // offset 1 = 9 > offset 2 = 5
    try expectCorrupt(decreasing)
    var pastEnd = good
    pastEnd[16] = 200  // last offset beyond the data file
    try expectCorrupt(pastEnd)
    try FileIO.createFile(index, good)
    #expect(try resolver.getBlockData(.shuffle(shuffleId: 1, mapId: 1, reduceId: 1)) == [3, 4, 5])
}

@Test func shuffleBlocksInRangesAndUnregister() throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dbm = try DiskBlockManager(rootDirs: [root])
    let manager = SortShuffleManager(shuffleBlockResolver: IndexShuffleBlockResolver(diskBlockManager: dbm))
    let bm = BlockManager(executorId: "1", diskBlockManager: dbm, shuffleBlockResolver: manager.shuffleBlockResolver)
    defer { bm.stop() }
    let segment = (0..<100).map { UInt8($0) }
    _ = try writeMapOutput(manager.shuffleBlockResolver, shuffleId: 3, mapId: 7, partitions: [[[9]], [segment]], compress: false)
    _ = try writeMapOutput(manager.shuffleBlockResolver, shuffleId: 4, mapId: 1, partitions: [[[1]]], compress: false)
    let block = BlockId.shuffle(shuffleId: 3, mapId: 7, reduceId: 1)
    let head = try bm.getShuffleBlockData(block, offset: 0, maxCount: 30)
    #expect(head.bytes == Array(segment[0..<30]) && head.blockLength == 100)
    let tail = try bm.getShuffleBlockData(block, offset: 90, maxCount: 30)
    #expect(tail.bytes == Array(segment[90...]) && tail.blockLength == 100)
    #expect(try bm.getShuffleBlockData(block, offset: 100, maxCount: 30).bytes.isEmpty)
    #expect(throws: StorageError.self) { try bm.getShuffleBlockData(block, offset: 101, maxCount: 1) }
    #expect(throws: StorageError.self) { try bm.getShuffleBlockData(.rdd(rddId: 0, partition: 0), offset: 0, maxCount: 1) }

    // Unregistering removes that shuffle's data and index files, and only those.
    #expect(manager.unregisterShuffle(3) == 2)
    #expect(throws: StorageError.self) { try bm.getShuffleSegment(shuffleId: 3, mapId: 7, reduceId: 1) }
    #expect(try bm.getShuffleSegment(shuffleId: 4, mapId: 1, reduceId: 0) == [1])
    #expect(manager.unregisterShuffle(3) == 0)
}

@Test func blockManagerWithoutResolverHoldsNoShuffleBlocks() throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let bm = try BlockManager(executorId: "1", localDirs: [root])
    defer { bm.stop() }
    let error = #expect(throws: StorageError.self) { try bm.getShuffleSegment(shuffleId: 0, mapId: 0, reduceId: 0) }
    #expect(error?.description.contains("no shuffle output") == true)
}

/// A seeded generator, so failures reproduce.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func randomBytes(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
    (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

/// A fresh temporary directory, removed by the caller.
private func makeTempDir() -> String {
    let dir = NSTemporaryDirectory() + "runtime-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
