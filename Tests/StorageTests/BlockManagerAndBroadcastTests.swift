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

/// Holders found through a BlockManagerMaster, as executors find them over RPC: every node
/// that keeps a piece reports it; a reader picks holders at random.
struct MasterListedHolders: BroadcastPieceSource {
    let master: BlockManagerMaster
    let nodes: [BlockManagerId: FakeRemote]
    let me: BlockManagerId
    func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]? { nil }
    func holders(of id: BlockId) -> [any BroadcastPieceSource] {
        master.getLocations(id).filter { $0 != me }.shuffled().compactMap { nodes[$0] }
    }
}

extension FakeRemote {
    var holderName: String { origin.blockManagerId.executorId }
}

/// TorrentBroadcast between nodes: the second reader fetches from the driver and the first
/// reader; a piece damaged on one holder is dropped and fetched from another; a piece no
/// holder can give fails with the piece's and the broadcast's names.
@Test func broadcastPiecesComeFromAnyHolder() throws {
    let roots = (0..<3).map { _ in makeTempDir() }
    defer { for r in roots { try? FileManager.default.removeItem(atPath: r) } }
    let master = BlockManagerMaster()
    let nodes = try ["driver", "exec-1", "exec-2"].enumerated().map { i, id in
        try BlockManager(executorId: id, host: "h\(i)", port: 7000 + i, localDirs: [roots[i]])
    }
    defer { for n in nodes { n.stop() } }
    for n in nodes {
        master.registerBlockManager(n.blockManagerId)
        n.setMaster(master)
    }
    var rng = SplitMix64(seed: 31)
    let value = randomBytes(20_000, &rng)
    let h = try BroadcastManager(blockManager: nodes[0], pieceSize: 1000).newBroadcast(bytes: value)
    let piece3 = BlockId.broadcastPiece(id: h.id, piece: 3)
    #expect(master.getLocations(piece3) == [nodes[0].blockManagerId], "the driver reports its pieces")

    func reader(_ i: Int, damage: [Int: BlockId] = [:]) -> BroadcastManager {
        var remotes: [BlockManagerId: FakeRemote] = [:]
        for (j, n) in nodes.enumerated() where j != i { remotes[n.blockManagerId] = FakeRemote(origin: n, damage: damage[j]) }
        return BroadcastManager(blockManager: nodes[i], pieceSize: 1000,
                                sources: [MasterListedHolders(master: master, nodes: remotes, me: nodes[i].blockManagerId)])
    }
    let first = reader(1)
    #expect(try first.readBytes(h) == value)
    #expect(first.fetchStatistics.bytesByHolder.keys.sorted() == ["driver"])
    #expect(master.getLocations(piece3).map(\.executorId) == ["driver", "exec-1"], "a reader reports what it keeps")

    // exec-2: the driver's copy of piece 3 is damaged; exec-1's is sound. Whichever is tried
    // first, piece 3 ends sound, and exec-2 takes pieces from both holders over 20 pieces.
    let second = reader(2, damage: [0: piece3])
    #expect(try second.readBytes(h) == value)
    #expect(nodes[2].getBytes(piece3) == nodes[1].getBytes(piece3))
    let stats = second.fetchStatistics
    #expect(stats.fetches == 21, "20 pieces and the metadata")
    #expect(Set(stats.bytesByHolder.keys) == ["driver", "exec-1"], "\(stats)")

    // Damaged everywhere else: the piece cannot be had.
    nodes[2].removeBlock(piece3)
    let third = reader(2, damage: [0: piece3, 1: piece3])
    do {
        _ = try third.readBytes(h)
        Issue.record("a piece damaged on every holder was accepted")
    } catch {
        #expect("\(error)".contains("Failed to get \(piece3.name) of broadcast_\(h.id)"), "\(error)")
    }
}

/// writeBlocks then decodePiece: 0 bytes, one byte, exactly one piece, one byte over, several
/// pieces and random sizes, with and without compression and checksums; the metadata survives
/// its binary form; without checksums damage shows only where lz4 notices it.
@Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
func blockifyRoundTrips(compress: Bool, checksum: Bool) throws {
    var rng = SplitMix64(seed: compress ? (checksum ? 41 : 42) : (checksum ? 43 : 44))
    let pieceSize = 4096
    var sizes = [0, 1, pieceSize - 1, pieceSize, pieceSize + 1, 3 * pieceSize, 3 * pieceSize + 7]
    for _ in 0..<12 { sizes.append(Int(rng.next() % UInt64(10 * pieceSize))) }
    for size in sizes {
        // Half random bytes (incompressible), half a repeated pattern (compressible).
        let value = randomBytes(size / 2, &rng) + (0..<(size - size / 2)).map { UInt8(truncatingIfNeeded: $0 / 64) }
        let (meta, pieces) = TorrentBroadcast.writeBlocks(value, pieceSize: pieceSize, compress: compress, checksum: checksum)
        #expect(meta.pieceCount == (size + pieceSize - 1) / pieceSize && pieces.count == meta.pieceCount)
        #expect(meta.checksums.count == (checksum ? meta.pieceCount : 0))
        try meta.validate(id: 7)
        var w = ByteWriter()
        meta.write(to: &w)
        var r = ByteReader(w.bytes)
        #expect(try TorrentBroadcast.read(from: &r) == meta)
        var joined: [UInt8] = []
        for (i, piece) in pieces.enumerated() { joined += try meta.decodePiece(piece, id: 7, index: i) }
        #expect(joined == value, "size \(size)")
        if checksum, let first = pieces.first, !first.isEmpty {
            var damaged = first
            damaged[damaged.count / 2] ^= 0x40
            #expect(throws: StorageError.self, "size \(size)") { try meta.decodePiece(damaged, id: 7, index: 0) }
        }
    }
}
