import Foundation
import Testing
import Broadcast
@testable import Storage

@Test func blockManagerMemoryStore() throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let bm = try BlockManager(executorId: "exec-1", host: "h", port: 7, localDirs: [root])
    #expect(bm.blockManagerId == BlockManagerId(executorId: "exec-1", host: "h", port: 7))
    try bm.putBytes(.rdd(rddId: 1, partition: 0), [1, 2, 3])
    try bm.putBytes(.rdd(rddId: 1, partition: 1), [UInt8](repeating: 0, count: 100))
    #expect(bm.memoryUsed == 103)
    try bm.putBytes(.rdd(rddId: 1, partition: 0), [1])
    #expect(bm.memoryUsed == 101)
    #expect(bm.getBytes(.rdd(rddId: 1, partition: 0)) == [1])
    bm.removeBlock(.rdd(rddId: 1, partition: 1))
    bm.removeBlock(.rdd(rddId: 9, partition: 9))
    #expect(bm.memoryUsed == 1)
    #expect(bm.getBytes(.rdd(rddId: 1, partition: 1)) == nil)
    let dirs = bm.diskBlockManager.localDirs
    bm.stop()
    for d in dirs { #expect(!FileManager.default.fileExists(atPath: d)) }
}

/// A source that serves another node's blocks, optionally damaging one.
struct FakeRemote: BroadcastPieceSource {
    let origin: BlockManager
    let damage: BlockId?
    func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]? {
        guard var bytes = origin.getBytes(id) else { return nil }
        if id == damage { bytes[bytes.count / 2] ^= 0x5a }
        return bytes
    }
}

@Test(arguments: [true, false])
func broadcastRoundTrip(compress: Bool) throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let bm = try BlockManager(executorId: "driver", localDirs: [root])
    defer { bm.stop() }
    let manager = BroadcastManager(blockManager: bm, pieceSize: 1000, compress: compress)
    var rng = SplitMix64(seed: 21)
    let values: [[UInt8]] = [
        [], [1], randomBytes(999, &rng), randomBytes(1000, &rng), randomBytes(1001, &rng),
        randomBytes(25_500, &rng), (0..<50_000).map { UInt8(truncatingIfNeeded: $0 / 100) },
    ]
    var handles: [BroadcastHandle] = []
    for v in values {
        let h = try manager.newBroadcast(bytes: v)
        #expect(!handles.contains(h))
        handles.append(h)
        #expect(try manager.readBytes(h) == v)
        #expect(try manager.metadata(h).pieceCount == (v.count + 999) / 1000)
    }
    let used = bm.memoryUsed
    #expect(used > 0)
    manager.unbroadcast(handles[5])
    #expect(bm.memoryUsed < used)
    #expect(throws: StorageError.self) { try manager.readBytes(handles[5]) }
    for h in handles { manager.unbroadcast(h) }
    #expect(bm.memoryUsed == 0)
}

@Test func broadcastFetchesFromSourcesAndReRegisters() throws {
    let rootA = makeTempDir(), rootB = makeTempDir()
    defer { for r in [rootA, rootB] { try? FileManager.default.removeItem(atPath: r) } }
    let driver = try BlockManager(executorId: "driver", localDirs: [rootA])
    let executor = try BlockManager(executorId: "1", localDirs: [rootB])
    defer { driver.stop(); executor.stop() }
    var rng = SplitMix64(seed: 22)
    let value = randomBytes(5000, &rng) + [UInt8](repeating: 3, count: 5000)
    let h = try BroadcastManager(blockManager: driver, pieceSize: 512).newBroadcast(bytes: value)
    let reader = BroadcastManager(blockManager: executor, pieceSize: 512,
                                  sources: [FakeRemote(origin: driver, damage: nil)])
    #expect(executor.memoryUsed == 0)
    #expect(try reader.readBytes(h) == value)
    #expect(executor.memoryUsed == driver.memoryUsed)  // pieces and metadata re-registered locally
    // Now readable with no source at all.
    #expect(try BroadcastManager(blockManager: executor).readBytes(h) == value)
}

@Test func broadcastDetectsCorruptedPiece() throws {
    let rootA = makeTempDir(), rootB = makeTempDir()
    defer { for r in [rootA, rootB] { try? FileManager.default.removeItem(atPath: r) } }
    let driver = try BlockManager(executorId: "driver", localDirs: [rootA])
    let executor = try BlockManager(executorId: "1", localDirs: [rootB])
    defer { driver.stop(); executor.stop() }
    var rng = SplitMix64(seed: 23)
    let value = randomBytes(4000, &rng)
    let h = try BroadcastManager(blockManager: driver, pieceSize: 1000).newBroadcast(bytes: value)
    let bad = BlockId.broadcastPiece(id: h.id, piece: 2)
    let reader = BroadcastManager(blockManager: executor, sources: [FakeRemote(origin: driver, damage: bad)])
    do {
        _ = try reader.readBytes(h)
        Issue.record("corrupted piece accepted")
    } catch {
        #expect(error.description.contains(bad.name))
    }
    #expect(executor.getBytes(bad) == nil)  // a damaged piece is not re-registered
    // Damage in the local store is caught too.
    var stored = driver.getBytes(.broadcastPiece(id: h.id, piece: 0))!
    stored[0] ^= 1
    try driver.putBytes(.broadcastPiece(id: h.id, piece: 0), stored)
    #expect(throws: StorageError.self) { try BroadcastManager(blockManager: driver).readBytes(h) }
    // Damaged metadata is refused.
    try driver.putBytes(TorrentBroadcast.metadataBlockId(h.id), [1, 2])
    #expect(throws: StorageError.self) { try BroadcastManager(blockManager: driver).readBytes(h) }
}
