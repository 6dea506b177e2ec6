import Scheduler
import Storage

/// The messages that move blocks and block metadata between processes: block transfer
/// (any BlockManager to any other), the MapOutputTracker's (executor → driver) and the
/// BlockManagerMaster's (both ways), as Spark's BlockTransferService,
/// MapOutputTrackerMasterEndpoint and BlockManagerMasterEndpoint messages.
///
/// Same header as ``ClusterMessage`` (wire version, then the type as 2 bytes little-endian);
/// the type numbers start at 16 so that one connection carries both kinds. Answers to asks
/// are encoded by the `reply…` helpers below.
public enum BlockMessage: Sendable, Equatable {
    /// Ask: bytes `[offset, offset + length)` of a block (a shuffle segment, a broadcast piece,
    /// a serialized cached partition). Answered by ``encodeChunk(_:)``.
    case fetchBlock(BlockId, offset: Int64, length: Int)
    /// Ask (executor → driver): where shuffle `shuffleId`'s map outputs are. Answered by
    /// ``encodeStatuses(_:)``.
    case getMapOutputStatuses(shuffleId: Int)
    /// One-way (executor → driver): this BlockManager exists.
    case registerBlockManager(BlockManagerId)
    /// One-way (executor → driver): `manager` now holds `block` at `level` (an invalid level: no longer).
    case updateBlockInfo(manager: BlockManagerId, block: BlockId, level: StorageLevel, memSize: Int64, diskSize: Int64)
    /// Ask (→ driver): the BlockManagers holding `block`. Answered by ``encodeManagers(_:)``.
    case getLocations(BlockId)
    /// Ask (→ driver): the other executors' BlockManagers, for replication. Answered by ``encodeManagers(_:)``.
    case getPeers(BlockManagerId)
    /// One-way or ask (driver → executor): remove every block of RDD `rddId` (an ask is answered, empty, once done).
    case removeRdd(Int)
    /// One-way or ask (driver → executor): remove the files of shuffle `shuffleId`.
    case removeShuffle(Int)
    /// One-way or ask (driver → executor): remove the pieces and value of broadcast `id`.
    case removeBroadcast(Int)
    /// Ask (executor → executor): keep this replica of `block` at `level` (answered by an empty reply).
    case putBlock(BlockId, level: StorageLevel, bytes: [UInt8])

    /// The number each message type is sent as.
    public enum MessageType: UInt16, Sendable, CaseIterable {
        case fetchBlock = 16
        case getMapOutputStatuses = 17
        case registerBlockManager = 18
        case updateBlockInfo = 19
        case getLocations = 20
        case getPeers = 21
        case removeRdd = 22
        case removeShuffle = 23
        case removeBroadcast = 24
        case putBlock = 25
    }

    /// This message's type.
    public var messageType: MessageType {
        switch self {
        case .fetchBlock: return .fetchBlock
        case .getMapOutputStatuses: return .getMapOutputStatuses
        case .registerBlockManager: return .registerBlockManager
        case .updateBlockInfo: return .updateBlockInfo
        case .getLocations: return .getLocations
        case .getPeers: return .getPeers
        case .removeRdd: return .removeRdd
        case .removeShuffle: return .removeShuffle
        case .removeBroadcast: return .removeBroadcast
        case .putBlock: return .putBlock
        }
    }

    /// The number this message's type is sent as.
    public var typeNumber: UInt16 { messageType.rawValue }

    /// True when `type` is a block message's number (so a handler knows which decoder to use).
    public static func isBlockMessage(_ type: UInt16) -> Bool { MessageType(rawValue: type) != nil }

    /// The message's bytes.
    public func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.write(ClusterMessage.wireVersion)
        w.writeUInt16(typeNumber)
        switch self {
        case .fetchBlock(let block, let offset, let length):
            block.write(to: &w)
            offset.write(to: &w)
            length.write(to: &w)
        case .getMapOutputStatuses(let shuffleId), .removeRdd(let shuffleId), .removeShuffle(let shuffleId),
            .removeBroadcast(let shuffleId):
            shuffleId.write(to: &w)
        case .registerBlockManager(let id), .getPeers(let id):
            id.write(to: &w)
        case .updateBlockInfo(let manager, let block, let level, let memSize, let diskSize):
            manager.write(to: &w)
            block.write(to: &w)
            level.write(to: &w)
            memSize.write(to: &w)
            diskSize.write(to: &w)
        case .getLocations(let block):
            block.write(to: &w)
        case .putBlock(let block, let level, let bytes):
            block.write(to: &w)
            level.write(to: &w)
            w.writeBytes(bytes)
        }
        return w.bytes
    }

    /// Decodes a message written by ``encode()``; throws on damaged or foreign bytes, never traps.
    public static func decode(_ bytes: [UInt8]) throws(ClusterMessageError) -> BlockMessage {
        var r = WireReader(bytes, message: "header")
        let version = try r.byte()
        guard version == ClusterMessage.wireVersion else {
            throw .unsupportedVersion(found: version, expected: ClusterMessage.wireVersion)
        }
        let number = try r.uint16()
        guard let type = MessageType(rawValue: number) else { throw .unknownMessageType(number) }
        r.message = "\(type)"
        let message: BlockMessage
        switch type {
        case .fetchBlock:
            message = .fetchBlock(try BlockId.read(from: &r), offset: try r.int64(), length: try r.int())
        case .getMapOutputStatuses: message = .getMapOutputStatuses(shuffleId: try r.int())
        case .removeRdd: message = .removeRdd(try r.int())
        case .removeShuffle: message = .removeShuffle(try r.int())
        case .removeBroadcast: message = .removeBroadcast(try r.int())
        case .registerBlockManager: message = .registerBlockManager(try BlockManagerId.read(from: &r))
        case .getPeers: message = .getPeers(try BlockManagerId.read(from: &r))
        case .updateBlockInfo:
            message = .updateBlockInfo(manager: try BlockManagerId.read(from: &r), block: try BlockId.read(from: &r),
                                       level: try StorageLevel.read(from: &r), memSize: try r.int64(),
                                       diskSize: try r.int64())
        case .getLocations: message = .getLocations(try BlockId.read(from: &r))
        case .putBlock:
            message = .putBlock(try BlockId.read(from: &r), level: try StorageLevel.read(from: &r), bytes: try r.bytes())
        }
        guard r.remaining == 0 else { throw .trailingBytes(message: "\(type)", count: r.remaining) }
        return message
    }

    // MARK: - Answers

    /// The answer to ``fetchBlock(_:offset:length:)``: the block's whole stored length and the
    /// requested bytes, or nil when the block is not held there.
    public static func encodeChunk(_ chunk: (totalLength: Int64, bytes: [UInt8])?) -> [UInt8] {
        var w = ByteWriter(capacity: (chunk?.bytes.count ?? 0) + 16)
        guard let chunk else {
            w.write(0)
            return w.bytes
        }
        w.write(1)
        chunk.totalLength.write(to: &w)
        w.writeBytes(chunk.bytes)
        return w.bytes
    }

    /// Reads an answer of ``encodeChunk(_:)``.
    public static func decodeChunk(_ bytes: [UInt8]) throws(ClusterMessageError) -> (totalLength: Int64, bytes: [UInt8])? {
        var r = WireReader(bytes, message: "FetchBlock answer")
        let found = try r.bool()
        guard found else {
            guard r.remaining == 0 else { throw .trailingBytes(message: "FetchBlock answer", count: r.remaining) }
            return nil
        }
        let total = try r.int64()
        let data = try r.bytes()
        guard r.remaining == 0 else { throw .trailingBytes(message: "FetchBlock answer", count: r.remaining) }
        return (total, data)
    }

    /// The answer to ``getMapOutputStatuses(shuffleId:)``: one entry per map task (nil: missing),
    /// or nil when the shuffle is not registered.
    public static func encodeStatuses(_ statuses: [MapStatus?]?) -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        guard let statuses else {
            w.write(0)
            return w.bytes
        }
        w.write(1)
        w.writeVarInt(UInt64(statuses.count))
        for s in statuses {
            if let s {
                w.write(1)
                s.write(to: &w)
            } else {
                w.write(0)
            }
        }
        return w.bytes
    }

    /// Reads an answer of ``encodeStatuses(_:)``.
    public static func decodeStatuses(_ bytes: [UInt8]) throws(ClusterMessageError) -> [MapStatus?]? {
        var r = WireReader(bytes, message: "GetMapOutputStatuses answer")
        guard try r.bool() else { return nil }
        var out: [MapStatus?] = []
        for _ in 0..<(try r.count(of: "map statuses")) {
            out.append(try r.bool() ? try MapStatus.read(from: &r) : nil)
        }
        guard r.remaining == 0 else { throw .trailingBytes(message: "GetMapOutputStatuses answer", count: r.remaining) }
        return out
    }

    /// The answer to ``getLocations(_:)`` and ``getPeers(_:)``.
    public static func encodeManagers(_ managers: [BlockManagerId]) -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.writeVarInt(UInt64(managers.count))
        for m in managers { m.write(to: &w) }
        return w.bytes
    }

    /// Reads an answer of ``encodeManagers(_:)``.
    public static func decodeManagers(_ bytes: [UInt8]) throws(ClusterMessageError) -> [BlockManagerId] {
        var r = WireReader(bytes, message: "block manager list")
        var out: [BlockManagerId] = []
        for _ in 0..<(try r.count(of: "block managers")) { out.append(try BlockManagerId.read(from: &r)) }
        guard r.remaining == 0 else { throw .trailingBytes(message: "block manager list", count: r.remaining) }
        return out
    }
}

extension BlockId: WireCodable {
    func write(to w: inout ByteWriter) {
        switch self {
        case .rdd(let r, let p): w.write(0); r.write(to: &w); p.write(to: &w)
        case .shuffle(let s, let m, let r): w.write(1); s.write(to: &w); m.write(to: &w); r.write(to: &w)
        case .shuffleData(let s, let m): w.write(2); s.write(to: &w); m.write(to: &w)
        case .shuffleIndex(let s, let m): w.write(3); s.write(to: &w); m.write(to: &w)
        case .broadcast(let id): w.write(4); id.write(to: &w)
        case .broadcastPiece(let id, let p): w.write(5); id.write(to: &w); p.write(to: &w)
        case .taskResult(let t): w.write(6); t.write(to: &w)
        case .temp(let n): w.write(7); n.write(to: &w)
        }
    }

    static func read(from r: inout WireReader) throws(ClusterMessageError) -> BlockId {
        switch try r.byte() {
        case 0: return .rdd(rddId: try r.int(), partition: try r.int())
        case 1: return .shuffle(shuffleId: try r.int(), mapId: try r.int(), reduceId: try r.int())
        case 2: return .shuffleData(shuffleId: try r.int(), mapId: try r.int())
        case 3: return .shuffleIndex(shuffleId: try r.int(), mapId: try r.int())
        case 4: return .broadcast(id: try r.int())
        case 5: return .broadcastPiece(id: try r.int(), piece: try r.int())
        case 6: return .taskResult(taskId: try r.int64())
        case 7: return .temp(try r.uint64())
        case let tag: throw r.malformed("unknown block id tag \(tag)")
        }
    }
}

extension StorageLevel: WireCodable {
    func write(to w: inout ByteWriter) {
        w.write((useDisk ? 1 : 0) | (useMemory ? 2 : 0) | (deserialized ? 4 : 0))
        replication.write(to: &w)
    }

    static func read(from r: inout WireReader) throws(ClusterMessageError) -> StorageLevel {
        let flags = try r.byte()
        guard flags < 8 else { throw r.malformed("storage level flags \(flags)") }
        let replication = try r.int()
        guard (1...64).contains(replication) else { throw r.malformed("storage level replication \(replication)") }
        return StorageLevel(useDisk: flags & 1 != 0, useMemory: flags & 2 != 0, deserialized: flags & 4 != 0,
                            replication: replication)
    }
}
