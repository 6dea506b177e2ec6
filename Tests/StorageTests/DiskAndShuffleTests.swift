import Foundation
import Testing
@testable import Storage

@Test func diskBlockManagerLayoutAndStop() throws {
    let roots = [makeTempDir(), makeTempDir()]
    defer { for r in roots { try? FileManager.default.removeItem(atPath: r) } }
    let dbm = try DiskBlockManager(rootDirs: roots, subDirsPerLocalDir: 8)
    #expect(dbm.localDirs.count == 2)
    for (dir, root) in zip(dbm.localDirs, roots) {
        #expect(dir.hasPrefix(root + "/engine-"))
        #expect(FileManager.default.fileExists(atPath: dir))
    }
    var usedDirs = Set<String>()
    for i in 0..<200 {
        let id = BlockId.rdd(rddId: i, partition: i % 3)
        let path = try dbm.file(for: id)
        #expect(path == (try dbm.file(for: id)))  // stable
        #expect((path as NSString).lastPathComponent == id.name)
        let parent = (path as NSString).deletingLastPathComponent
        let sub = (parent as NSString).lastPathComponent
        #expect(sub.count == 2 && Int(sub, radix: 16).map { $0 < 8 } == true)
        #expect(dbm.localDirs.contains((parent as NSString).deletingLastPathComponent))
        #expect(FileManager.default.fileExists(atPath: parent))
        usedDirs.insert(parent)
        let temp = try dbm.tempPath(for: id)
        #expect((temp as NSString).deletingLastPathComponent == parent)
        #expect(temp.hasPrefix(path + ".tmp-"))
        #expect(temp != (try dbm.tempPath(for: id)))
    }
    #expect(usedDirs.count > 8)  // spread over both roots
    // The layout is a pure function of the name: a second manager with the same shape agrees on subdirectories.
    let other = try DiskBlockManager(rootDirs: roots, subDirsPerLocalDir: 8)
    let a = try dbm.file(for: .broadcast(id: 3)).split(separator: "/").suffix(2)
    let b = try other.file(for: .broadcast(id: 3)).split(separator: "/").suffix(2)
    #expect(Array(a) == Array(b))
    other.stop()
    dbm.stop()
    for dir in dbm.localDirs { #expect(!FileManager.default.fileExists(atPath: dir)) }
    #expect(throws: StorageError.self) { try dbm.file(for: .temp(1)) }
}

@Test func diskBlockManagerRejectsMissingRoot() {
    let missing = "/nonexistent-\(UUID().uuidString)"
    do {
        _ = try DiskBlockManager(rootDirs: [missing])
        Issue.record("expected an error")
    } catch {
        #expect(error.description.contains(missing))
    }
}

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
    let bm = try BlockManager(executorId: "1", localDirs: [root])
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
        let lengths = try writeMapOutput(bm.shuffleResolver, shuffleId: shuffleId, mapId: 0, partitions: partitions, compress: compress)
        #expect(lengths.count == numPartitions)
        let dataSize = FileIO.size(try bm.shuffleResolver.dataFile(shuffleId: shuffleId, mapId: 0))
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
    #expect(try resolver.readSegment(shuffleId: 5, mapId: 2, reduceId: 0) == [1, 2, 3])
    #expect(try resolver.readSegment(shuffleId: 5, mapId: 2, reduceId: 2) == [4])
    // After removal, a new attempt commits its own output.
    resolver.removeDataByMap(shuffleId: 5, mapId: 2)
    #expect(throws: StorageError.self) { try resolver.readSegment(shuffleId: 5, mapId: 2, reduceId: 0) }
    let l3 = try writeMapOutput(resolver, shuffleId: 5, mapId: 2, partitions: second, compress: false)
    #expect(l3 == [1, 2, 4])
    #expect(try resolver.readSegment(shuffleId: 5, mapId: 2, reduceId: 2) == [9, 9, 9, 9])
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
            _ = try resolver.readSegment(shuffleId: 1, mapId: 1, reduceId: 0)
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
    #expect(try resolver.readSegment(shuffleId: 1, mapId: 1, reduceId: 1) == [3, 4, 5])
}
