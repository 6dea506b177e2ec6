import Foundation
import Testing
import Broadcast
@testable import Storage

/// BlockManagers of one process (`driver`, `exec-1`, …) joined by one master and one in-memory
/// transfer service, as the executors of a cluster are by the driver and the network.
private final class Nodes {
    let master = BlockManagerMaster()
    let service = InMemoryBlockTransferService()
    let managers: [String: BlockManager]
    private let roots: [String]

    init(_ ids: [String]) throws {
        roots = ids.map { _ in makeTempDir() }
        var managers: [String: BlockManager] = [:]
        for (i, id) in ids.enumerated() {
            let bm = try BlockManager(executorId: id, host: "h\(i)", port: 7000 + i, localDirs: [roots[i]],
                                      blockTransferService: service)
            master.registerBlockManager(bm.blockManagerId)
            bm.setMaster(master)
            service.register(bm)
            managers[id] = bm
        }
        self.managers = managers
    }

    subscript(_ id: String) -> BlockManager { managers[id]! }

    /// A broadcast reader on `id` finding holders through the master, as an executor does.
    func broadcastReader(_ id: String, pieceSize: Int) -> BroadcastManager {
        let driver = DriverPieceSource(transfer: service, driver: self["driver"].blockManagerId)
        let torrent = TorrentPieceSource(transfer: service, driver: driver, master: master, me: self[id].blockManagerId)
        return BroadcastManager(blockManager: self[id], pieceSize: pieceSize, sources: [torrent])
    }

    func stop() {
        for bm in managers.values { bm.stop() }
        for r in roots { try? FileManager.default.removeItem(atPath: r) }
    }
}

private var intSerializer: BlockSerializer<Int> { BlockSerializer<Int>(
    encode: { values in values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } } },
    decode: { bytes in
        stride(from: 0, to: bytes.count, by: 8).map { i in
            bytes[i..<(i + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
        }
    }) }

@Suite struct BlockTransferServiceTests {
    @Test func getRemoteBytesReadsTheBlockFromAnotherManager() throws {
        let nodes = try Nodes(["driver", "exec-1", "exec-2"])
        defer { nodes.stop() }
        var rng = SplitMix64(seed: 51)
        let block = BlockId.rdd(rddId: 1, partition: 0)
        let bytes = randomBytes(3000, &rng)
        try nodes["exec-1"].putBytes(block, bytes)
        nodes["exec-1"].reportBlock(block)
        #expect(nodes["exec-2"].getRemoteBytes(block) == bytes)
        #expect(nodes.service.fetches.map(\.from) == ["exec-1"])
        #expect(nodes["exec-1"].getRemoteBytes(block) == nil, "a BlockManager does not fetch from itself")
        #expect(nodes.service.fetches.count == 1)
    }

    @Test func getRemoteBytesIsNilWithoutAHolderOrWhenEveryHolderFails() throws {
        let nodes = try Nodes(["driver", "exec-1", "exec-2", "exec-3"])
        defer { nodes.stop() }
        #expect(nodes["exec-2"].getRemoteBytes(.rdd(rddId: 9, partition: 9)) == nil)
        #expect(nodes.service.fetches.isEmpty, "no holder known: nothing asked")

        let block = BlockId.rdd(rddId: 2, partition: 0)
        for id in ["exec-1", "exec-3"] {
            try nodes[id].putBytes(block, [1, 2, 3])
            nodes[id].reportBlock(block)
        }
        nodes.service.fail(nodes["exec-1"].blockManagerId)
        #expect(nodes["exec-2"].getRemoteBytes(block) == [1, 2, 3], "a failed holder is skipped for the next")
        nodes.service.fail(nodes["exec-3"].blockManagerId)
        let before = nodes.service.fetches.count
        #expect(nodes["exec-2"].getRemoteBytes(block) == nil)
        #expect(Set(nodes.service.fetches.dropFirst(before).map(\.from)) == ["exec-1", "exec-3"], "every holder tried")
    }

    @Test func getRemoteBytesSkipsAHolderThatNoLongerHasTheBlock() throws {
        let nodes = try Nodes(["driver", "exec-1", "exec-2"])
        defer { nodes.stop() }
        let block = BlockId.rdd(rddId: 3, partition: 1)
        try nodes["exec-1"].putBytes(block, [4, 5])
        nodes["exec-1"].reportBlock(block)
        nodes["exec-1"].memoryStore.remove(block)  // gone without telling the master
        #expect(nodes["exec-2"].getRemoteBytes(block) == nil)
        #expect(nodes.service.fetches.map(\.from) == ["exec-1"])
    }

    /// A block stored at a `_2` level is uploaded to one other executor (never the driver), which
    /// keeps it and reports it; a peer that refuses is skipped for another.
    @Test func replicationUploadsToAnotherExecutor() throws {
        let nodes = try Nodes(["driver", "exec-1", "exec-2", "exec-3"])
        defer { nodes.stop() }
        let values = Array(0..<1000)
        func put(_ partition: Int, _ level: StorageLevel) throws -> BlockId {
            let block = BlockId.rdd(rddId: 5, partition: partition)
            var given = false
            _ = try nodes["exec-1"].putValues(block, level: level, task: 1, chunks: {
                defer { given = true }
                return given ? nil : values
            }, estimate: { Int64($0.count * 8) }, serializer: intSerializer)
            nodes["exec-1"].releaseAllLocks(forTask: 1)
            return block
        }
        _ = try put(0, .MEMORY_ONLY)
        #expect(nodes.service.uploads.isEmpty, "one copy wanted: none sent")

        var replicaHolders: Set<String> = []
        for p in 1...24 {
            let block = try put(p, .MEMORY_ONLY_2)
            let holders = nodes.master.getLocations(block).map(\.executorId)
            #expect(holders.count == 1 && holders[0] != "exec-1" && holders[0] != "driver", "\(holders)")
            let replica = try #require(try nodes[holders[0]].getValues(block, serializer: intSerializer, task: 2))
            #expect(replica.flatMap { $0 } == values)
            nodes[holders[0]].releaseAllLocks(forTask: 2)
            replicaHolders.insert(holders[0])
        }
        #expect(nodes.service.uploads.count == 24 && !nodes.service.uploads.contains { $0.to == "driver" })
        #expect(replicaHolders == ["exec-2", "exec-3"], "peers are chosen at random (24 picks)")

        nodes.service.fail(nodes["exec-2"].blockManagerId)
        for p in 25...30 {
            let block = try put(p, .MEMORY_ONLY_SER_2)
            #expect(nodes.master.getLocations(block).map(\.executorId) == ["exec-3"])
        }
    }

    /// A reader takes pieces from an executor that holds them, and from the driver those no
    /// executor holds.
    @Test func torrentPiecesComeFromAPeerThenTheDriver() throws {
        let nodes = try Nodes(["driver", "exec-1", "exec-2"])
        defer { nodes.stop() }
        var rng = SplitMix64(seed: 52)
        let value = randomBytes(20_000, &rng)
        let h = try BroadcastManager(blockManager: nodes["driver"], pieceSize: 1000).newBroadcast(bytes: value)

        let first = nodes.broadcastReader("exec-1", pieceSize: 1000)
        #expect(try first.readBytes(h) == value)
        #expect(first.fetchStatistics.bytesByHolder.keys.sorted() == ["driver"])
        #expect(Set(nodes.service.fetches.map(\.from)) == ["driver"])

        for piece in 0..<5 { nodes["exec-1"].removeBlock(.broadcastPiece(id: h.id, piece: piece)) }
        let before = nodes.service.fetches.count
        let second = nodes.broadcastReader("exec-2", pieceSize: 1000)
        #expect(try second.readBytes(h) == value)
        #expect(second.fetchStatistics.fetches == 21, "20 pieces and the metadata")
        var from: [BlockId: [String]] = [:]
        for f in nodes.service.fetches.dropFirst(before) { from[f.block, default: []].append(f.from) }
        for piece in -1..<20 {
            let expected = piece >= 0 && piece < 5 ? "driver" : "exec-1"
            #expect(from[.broadcastPiece(id: h.id, piece: piece)] == [expected], "piece \(piece): \(from)")
        }
    }

    /// A piece damaged on the executor that serves it is dropped and fetched from the driver;
    /// damaged everywhere, the read fails naming the piece and the broadcast.
    @Test func damagedPiecesAreRefetched() throws {
        let nodes = try Nodes(["driver", "exec-1", "exec-2", "exec-3"])
        defer { nodes.stop() }
        var rng = SplitMix64(seed: 53)
        let value = randomBytes(8_000, &rng)
        let h = try BroadcastManager(blockManager: nodes["driver"], pieceSize: 1000).newBroadcast(bytes: value)
        #expect(try nodes.broadcastReader("exec-1", pieceSize: 1000).readBytes(h) == value)

        let piece3 = BlockId.broadcastPiece(id: h.id, piece: 3)
        nodes.service.damage(piece3, on: nodes["exec-1"].blockManagerId)
        let before = nodes.service.fetches.count
        #expect(try nodes.broadcastReader("exec-2", pieceSize: 1000).readBytes(h) == value)
        #expect(nodes.service.fetches.dropFirst(before).filter { $0.block == piece3 }.map(\.from) == ["exec-1", "driver"])
        #expect(nodes["exec-2"].getBytes(piece3) == nodes["driver"].getBytes(piece3))

        for id in ["driver", "exec-2"] { nodes.service.damage(piece3, on: nodes[id].blockManagerId) }
        do {
            _ = try nodes.broadcastReader("exec-3", pieceSize: 1000).readBytes(h)
            Issue.record("a piece damaged on every holder was accepted")
        } catch {
            #expect("\(error)".contains("Failed to get \(piece3.name) of broadcast_\(h.id)"), "\(error)")
        }
        #expect(nodes["exec-3"].getBytes(piece3) == nil, "a damaged piece is not kept")
    }
}
