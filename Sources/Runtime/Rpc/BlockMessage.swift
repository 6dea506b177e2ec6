import Scheduler
import Storage

/// The messages that move blocks and block metadata between processes: block transfer
/// (any BlockManager to any other), the MapOutputTracker's (executor → driver) and the
/// BlockManagerMaster's (both ways), as Spark's BlockTransferService,
/// MapOutputTrackerMasterEndpoint and BlockManagerMasterEndpoint messages.
///
/// Same ``SerializedFrame`` header as ``ClusterMessage`` (wire version, then the type as 2 bytes
/// little-endian); the type numbers start at 16 so that one connection carries both kinds.
/// Answers to asks are encoded by the `encode…` helpers below, framed the same way.
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
        /// 16: ``BlockMessage/fetchBlock(_:offset:length:)``, a byte range of a block, and its answer.
        case fetchBlock = 16
        /// 17: an executor's ask for where a shuffle's map outputs are, and its answer.
        case getMapOutputStatuses = 17
        /// 18: an executor's BlockManager announcing itself to the driver.
        case registerBlockManager = 18
        /// 19: a BlockManager reporting that it now holds a block, or no longer does.
        case updateBlockInfo = 19
        /// 20: an ask for the BlockManagers holding a block; also the type of every managers-list answer.
        case getLocations = 20
        /// 21: an ask for the other executors' BlockManagers to replicate to (answered as a ``getLocations`` list).
        case getPeers = 21
        /// 22: the driver's order to drop an RDD's cached blocks.
        case removeRdd = 22
        /// 23: the driver's order to delete a shuffle's map output files.
        case removeShuffle = 23
        /// 24: the driver's order to drop a broadcast's value and pieces.
        case removeBroadcast = 24
        /// 25: a block replica pushed to a peer executor.
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
        var w = MessageCoding.writer(type: typeNumber, name: "\(messageType)")
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
            bytes.withUnsafeBytes { w.writeLengthPrefixed($0) }
        }
        return w.bytes
    }

    /// Decodes a message written by ``encode()``; throws on damaged or foreign bytes, never traps.
    public static func decode(_ bytes: [UInt8]) throws(ClusterMessageError) -> BlockMessage {
        var (r, number) = try MessageCoding.open(bytes)
        guard let type = MessageType(rawValue: number) else { throw .unknownMessageType(number) }
        return try MessageCoding.readFields(&r, message: "\(type)") { r throws(StorageError) in try fields(of: type, from: &r) }
    }

    /// The fields of a message of `type`.
    private static func fields(of type: MessageType, from r: inout ByteReader) throws(StorageError) -> BlockMessage {
        switch type {
        case .fetchBlock:
            return .fetchBlock(try BlockId.read(from: &r), offset: try Int64.read(from: &r), length: try Int.read(from: &r))
        case .getMapOutputStatuses: return .getMapOutputStatuses(shuffleId: try Int.read(from: &r))
        case .removeRdd: return .removeRdd(try Int.read(from: &r))
        case .removeShuffle: return .removeShuffle(try Int.read(from: &r))
        case .removeBroadcast: return .removeBroadcast(try Int.read(from: &r))
        case .registerBlockManager: return .registerBlockManager(try BlockManagerId.read(from: &r))
        case .getPeers: return .getPeers(try BlockManagerId.read(from: &r))
        case .updateBlockInfo:
            return .updateBlockInfo(manager: try BlockManagerId.read(from: &r), block: try BlockId.read(from: &r),
                                    level: try StorageLevel.read(from: &r), memSize: try Int64.read(from: &r),
                                    diskSize: try Int64.read(from: &r))
        case .getLocations: return .getLocations(try BlockId.read(from: &r))
        case .putBlock:
            return .putBlock(try BlockId.read(from: &r), level: try StorageLevel.read(from: &r),
                             bytes: Array(try r.readLengthPrefixed()))
        }
    }

    // MARK: - Answers
    // Each is framed with the type of the message it answers (the managers list: getLocations').

    /// The answer to ``fetchBlock(_:offset:length:)``: the block's whole stored length and the
    /// requested bytes, or nil when the block is not held there.
    public static func encodeChunk(_ chunk: (totalLength: Int64, bytes: [UInt8])?) -> [UInt8] {
        var w = MessageCoding.writer(type: MessageType.fetchBlock.rawValue, name: chunkAnswer,
                                     capacity: (chunk?.bytes.count ?? 0) + 24)
        guard let chunk else {
            w.write(0)
            return w.bytes
        }
        w.write(1)
        chunk.totalLength.write(to: &w)
        chunk.bytes.withUnsafeBytes { w.writeLengthPrefixed($0) }
        return w.bytes
    }

    /// Reads an answer of ``encodeChunk(_:)``.
    public static func decodeChunk(_ bytes: [UInt8]) throws(ClusterMessageError) -> (totalLength: Int64, bytes: [UInt8])? {
        try MessageCoding.decodeAnswer(bytes, answering: MessageType.fetchBlock.rawValue, name: chunkAnswer) {
            r throws(StorageError) -> (totalLength: Int64, bytes: [UInt8])? in
            guard try Bool.read(from: &r) else { return nil }
            return (try Int64.read(from: &r), Array(try r.readLengthPrefixed()))
        }
    }

    /// The answer to ``getMapOutputStatuses(shuffleId:)``: one entry per map task (nil: missing),
    /// or nil when the shuffle is not registered.
    public static func encodeStatuses(_ statuses: [MapStatus?]?) -> [UInt8] {
        var w = MessageCoding.writer(type: MessageType.getMapOutputStatuses.rawValue, name: statusesAnswer)
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
        try MessageCoding.decodeAnswer(bytes, answering: MessageType.getMapOutputStatuses.rawValue, name: statusesAnswer) {
            r throws(StorageError) -> [MapStatus?]? in
            guard try Bool.read(from: &r) else { return nil }
            var out: [MapStatus?] = []
            for _ in 0..<(try r.readCount(of: "map statuses")) {
                out.append(try Bool.read(from: &r) ? try MapStatus.read(from: &r) : nil)
            }
            return out
        }
    }

    /// The answer to ``getLocations(_:)`` and ``getPeers(_:)``.
    public static func encodeManagers(_ managers: [BlockManagerId]) -> [UInt8] {
        var w = MessageCoding.writer(type: MessageType.getLocations.rawValue, name: managersAnswer)
        w.writeVarInt(UInt64(managers.count))
        for m in managers { m.write(to: &w) }
        return w.bytes
    }

    /// Reads an answer of ``encodeManagers(_:)``.
    public static func decodeManagers(_ bytes: [UInt8]) throws(ClusterMessageError) -> [BlockManagerId] {
        try MessageCoding.decodeAnswer(bytes, answering: MessageType.getLocations.rawValue, name: managersAnswer) {
            r throws(StorageError) -> [BlockManagerId] in
            var out: [BlockManagerId] = []
            for _ in 0..<(try r.readCount(of: "block managers")) { out.append(try BlockManagerId.read(from: &r)) }
            return out
        }
    }

    private static let chunkAnswer = "FetchBlock answer"
    private static let statusesAnswer = "GetMapOutputStatuses answer"
    private static let managersAnswer = "block manager list"
}

extension BlockId: BinaryRecord {
    /// Writes a tag (the case's position, 0 `rdd` … 7 `temp`), then the case's numbers.
    public func write(to w: inout ByteWriter) {
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

    /// Reads what ``write(to:)`` wrote.
    public static func read(from r: inout ByteReader) throws(StorageError) -> BlockId {
        switch try r.readByte() {
        case 0: return .rdd(rddId: try Int.read(from: &r), partition: try Int.read(from: &r))
        case 1: return .shuffle(shuffleId: try Int.read(from: &r), mapId: try Int.read(from: &r), reduceId: try Int.read(from: &r))
        case 2: return .shuffleData(shuffleId: try Int.read(from: &r), mapId: try Int.read(from: &r))
        case 3: return .shuffleIndex(shuffleId: try Int.read(from: &r), mapId: try Int.read(from: &r))
        case 4: return .broadcast(id: try Int.read(from: &r))
        case 5: return .broadcastPiece(id: try Int.read(from: &r), piece: try Int.read(from: &r))
        case 6: return .taskResult(taskId: try Int64.read(from: &r))
        case 7: return .temp(try UInt64.read(from: &r))
        case let tag: throw .corrupt("unknown block id tag \(tag)")
        }
    }
}

extension StorageLevel: BinaryRecord {
    /// Writes the flags (1 disk, 2 memory, 4 deserialized) in one byte, then the replication.
    public func write(to w: inout ByteWriter) {
        w.write((useDisk ? 1 : 0) | (useMemory ? 2 : 0) | (deserialized ? 4 : 0))
        replication.write(to: &w)
    }

    /// Reads what ``write(to:)`` wrote; unknown flags or a replication outside 1...64 are damage.
    public static func read(from r: inout ByteReader) throws(StorageError) -> StorageLevel {
        let flags = try r.readByte()
        guard flags < 8 else { throw .corrupt("storage level flags \(flags)") }
        let replication = try Int.read(from: &r)
        guard (1...64).contains(replication) else { throw .corrupt("storage level replication \(replication)") }
        return StorageLevel(useDisk: flags & 1 != 0, useMemory: flags & 2 != 0, deserialized: flags & 4 != 0,
                            replication: replication)
    }
}
