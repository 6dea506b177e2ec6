import Storage
import Testing
import Scheduler
@testable import Runtime

/// The block messages' wire form: every message and answer round-trips; damaged bytes throw.
@Suite struct BlockMessageTests {
    static let manager = BlockManagerId(executorId: "exec-2", host: "10.0.0.8", port: 40123)

    let samples: [BlockMessage] = [
        .fetchBlock(.shuffle(shuffleId: 3, mapId: 17, reduceId: 2), offset: 8 << 20, length: 8 << 20),
        .fetchBlock(.broadcastPiece(id: 4, piece: -1), offset: 0, length: Int.max),
        .fetchBlock(.rdd(rddId: 9, partition: 0), offset: 0, length: 0),
        .fetchBlock(.temp(UInt64.max), offset: 1, length: 2),
        .fetchBlock(.taskResult(taskId: -5), offset: 1, length: 2),
        .fetchBlock(.shuffleData(shuffleId: 1, mapId: 2), offset: 0, length: 1),
        .fetchBlock(.shuffleIndex(shuffleId: 1, mapId: 2), offset: 0, length: 1),
        .fetchBlock(.broadcast(id: 12), offset: 0, length: 1),
        .getMapOutputStatuses(shuffleId: 0),
        .registerBlockManager(manager),
        .updateBlockInfo(manager: manager, block: .rdd(rddId: 1, partition: 3), level: .MEMORY_AND_DISK_SER_2,
                         memSize: 1 << 40, diskSize: 0),
        .updateBlockInfo(manager: manager, block: .rdd(rddId: 1, partition: 3), level: .NONE, memSize: 0, diskSize: 0),
        .getLocations(.rdd(rddId: 5, partition: 7)),
        .getPeers(manager),
        .removeRdd(4), .removeShuffle(6), .removeBroadcast(8),
        .putBlock(.rdd(rddId: 2, partition: 1), level: .DISK_ONLY_2, bytes: Array(0...255)),
        .putBlock(.rdd(rddId: 2, partition: 1), level: .MEMORY_ONLY_SER_2, bytes: []),
    ]

    @Test func everyMessageRoundTrips() throws {
        for m in samples { #expect(try BlockMessage.decode(m.encode()) == m) }
        #expect(Set(samples.map(\.messageType)) == Set(BlockMessage.MessageType.allCases))
        for t in BlockMessage.MessageType.allCases {
            #expect(BlockMessage.isBlockMessage(t.rawValue))
            #expect(ClusterMessage.MessageType(rawValue: t.rawValue) == nil, "type \(t.rawValue) is taken twice")
        }
    }

    @Test func damagedMessagesThrow() {
        for m in samples {
            let full = m.encode()
            for n in 0..<full.count { #expect(throws: ClusterMessageError.self) { try BlockMessage.decode(Array(full[..<n])) } }
            #expect(throws: ClusterMessageError.self) { try BlockMessage.decode(full + [0]) }
        }
        var wrongVersion = samples[0].encode()
        wrongVersion[0] &+= 1
        #expect(throws: ClusterMessageError.self) { try BlockMessage.decode(wrongVersion) }
        #expect(throws: ClusterMessageError.unknownMessageType(1)) { try BlockMessage.decode([ClusterMessage.wireVersion, 1, 0]) }
        // A block id tag that does not exist, a storage level with unknown flags or no replica.
        var badTag = BlockMessage.getLocations(.rdd(rddId: 1, partition: 1)).encode()
        badTag[3] = 99
        #expect(throws: ClusterMessageError.self) { try BlockMessage.decode(badTag) }
        var badLevel = BlockMessage.putBlock(.rdd(rddId: 0, partition: 0), level: .DISK_ONLY, bytes: []).encode()
        badLevel[6] = 0x40
        #expect(throws: ClusterMessageError.self) { try BlockMessage.decode(badLevel) }
        // Random bytes never trap.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<40, using: &rng)
            let junk = [ClusterMessage.wireVersion, UInt8.random(in: 16...25, using: &rng), 0]
                + (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? BlockMessage.decode(junk)
        }
    }

    @Test func answersRoundTrip() throws {
        #expect(try BlockMessage.decodeChunk(BlockMessage.encodeChunk(nil)) == nil)
        let chunk = try BlockMessage.decodeChunk(BlockMessage.encodeChunk((123_456_789, [1, 2, 3])))
        #expect(chunk?.totalLength == 123_456_789 && chunk?.bytes == [1, 2, 3])
        #expect(throws: ClusterMessageError.self) { try BlockMessage.decodeChunk([1, 2]) }

        let statuses: [MapStatus?] = [MapStatus(location: Self.manager, sizes: [0, 5, 1 << 33], mapIndex: 0, mapId: 77), nil,
                                      MapStatus(location: Self.manager, sizes: [], mapIndex: 2, mapId: 78)]
        #expect(try BlockMessage.decodeStatuses(BlockMessage.encodeStatuses(statuses)) == statuses)
        #expect(try BlockMessage.decodeStatuses(BlockMessage.encodeStatuses(nil)) == nil)
        #expect(try BlockMessage.decodeStatuses(BlockMessage.encodeStatuses([])) == [])
        let encoded = BlockMessage.encodeStatuses(statuses)
        for n in 0..<encoded.count { #expect(throws: ClusterMessageError.self) { try BlockMessage.decodeStatuses(Array(encoded[..<n])) } }

        let managers = [Self.manager, BlockManagerId(executorId: "driver", host: "::1", port: 1)]
        #expect(try BlockMessage.decodeManagers(BlockMessage.encodeManagers(managers)) == managers)
        #expect(try BlockMessage.decodeManagers(BlockMessage.encodeManagers([])) == [])

        let conf = [("engine.app.name", "wc"), ("engine.shuffle.compress", "false"), ("k", "")]
        let back = try ClusterMessage.decodeAppConfig(ClusterMessage.encodeAppConfig(conf))
        #expect(back.map(\.0) == conf.map(\.0) && back.map(\.1) == conf.map(\.1))
        #expect(try ClusterMessage.decode(ClusterMessage.retrieveAppConfig.encode()).messageType == .retrieveAppConfig)
    }
}
