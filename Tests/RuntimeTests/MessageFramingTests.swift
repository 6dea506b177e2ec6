import Storage
import Testing
import Scheduler
@testable import Runtime

/// The frame around RPC messages and their answers: the codec family's header (wire version,
/// then the type), checked before any field is read.
@Suite struct MessageFramingTests {
    static let manager = BlockManagerId(executorId: "exec-1", host: "10.0.0.9", port: 7001)

    /// Every answer, with the message type its header must carry and its decoder.
    static func answers() -> [(bytes: [UInt8], type: UInt16, decode: ([UInt8]) throws(ClusterMessageError) -> Void)] {
        [
            (BlockMessage.encodeChunk((12, [1, 2, 3])), BlockMessage.MessageType.fetchBlock.rawValue,
             { b throws(ClusterMessageError) in _ = try BlockMessage.decodeChunk(b) }),
            (BlockMessage.encodeChunk(nil), BlockMessage.MessageType.fetchBlock.rawValue,
             { b throws(ClusterMessageError) in _ = try BlockMessage.decodeChunk(b) }),
            (BlockMessage.encodeStatuses([nil, MapStatus(location: manager, sizes: [4], mapIndex: 1, mapId: 2)]),
             BlockMessage.MessageType.getMapOutputStatuses.rawValue,
             { b throws(ClusterMessageError) in _ = try BlockMessage.decodeStatuses(b) }),
            (BlockMessage.encodeManagers([manager]), BlockMessage.MessageType.getLocations.rawValue,
             { b throws(ClusterMessageError) in _ = try BlockMessage.decodeManagers(b) }),
            (ClusterMessage.encodeAppConfig([("k", "v")]), ClusterMessage.MessageType.retrieveAppConfig.rawValue,
             { b throws(ClusterMessageError) in _ = try ClusterMessage.decodeAppConfig(b) }),
        ]
    }

    @Test func messagesAndAnswersStartWithAFrameHeader() throws {
        let messages: [(bytes: [UInt8], type: UInt16)] = [
            (try ClusterMessage.stopExecutor.encode(), ClusterMessage.MessageType.stopExecutor.rawValue),
            (try ClusterMessage.killTask(taskId: 3, reason: "r").encode(), ClusterMessage.MessageType.killTask.rawValue),
            (BlockMessage.removeRdd(4).encode(), BlockMessage.MessageType.removeRdd.rawValue),
        ] + Self.answers().map { ($0.bytes, $0.type) }
        for (bytes, type) in messages {
            var r = ByteReader(bytes)
            #expect(try SerializedFrame.readHeader(version: ClusterMessage.wireVersion, what: "a message", from: &r) == type)
        }
    }

    @Test func answersRefuseAnotherVersionAnotherTypeAndDamage() {
        for (good, type, decode) in Self.answers() {
            #expect(throws: Never.self) { try decode(good) }
            var other = good
            other[0] = ClusterMessage.wireVersion &+ 1
            #expect(throws: ClusterMessageError.unsupportedVersion(found: ClusterMessage.wireVersion &+ 1,
                                                                   expected: ClusterMessage.wireVersion),
                    "answer to type \(type) of another version") { try decode(other) }
            for n in 0..<good.count {
                #expect(throws: ClusterMessageError.self, "answer to type \(type) cut to \(n) bytes") {
                    try decode(Array(good[..<n]))
                }
            }
        }
        // An answer handed to the decoder of another answer is refused by its header.
        do {
            _ = try BlockMessage.decodeManagers(BlockMessage.encodeChunk(nil))
            Issue.record("a FetchBlock answer is not a block manager list")
        } catch {
            guard case .malformed(let message, let detail) = error else {
                Issue.record("expected malformed, got \(error)")
                return
            }
            #expect(message == "block manager list")
            #expect(detail.contains("expected the block manager list (kind 20)") && detail.contains("kind 16"))
        }
        // A list announcing 2^62 entries in a few bytes.
        var hostile = MessageCoding.writer(type: BlockMessage.MessageType.getLocations.rawValue, name: "managers")
        hostile.writeVarInt(1 << 62)
        hostile.write(0)
        #expect(throws: ClusterMessageError.malformed(message: "block manager list",
                                                     detail: "4611686018427387904 block managers announced but only 1 bytes left")) {
            try BlockMessage.decodeManagers(hostile.bytes)
        }
        // Bytes after a whole answer.
        #expect(throws: ClusterMessageError.trailingBytes(message: "FetchBlock answer", count: 1)) {
            try BlockMessage.decodeChunk(BlockMessage.encodeChunk(nil) + [0])
        }
    }

    /// A task result travels as a frame of its own inside a status update, and comes out whole.
    @Test func aFramedResultCrossesInAStatusUpdate() throws {
        let codec = ElementCodec<[String]>.codable
        let result = try codec.encode(["a", "bc", String(repeating: "z", count: 5000)], framedAs: .taskResult)
        let update = ClusterMessage.statusUpdate(executorId: "e", taskId: 9, reason: .success(.value(TaskResultValue(result))),
                                                 metrics: TaskMetrics())
        guard case .statusUpdate(_, _, .success(.value(let value)), _) = try ClusterMessage.decode(update.encode()),
              let bytes = value.value as? [UInt8] else {
            Issue.record("the result survives")
            return
        }
        #expect(try codec.decode(bytes, framedAs: .taskResult) == ["a", "bc", String(repeating: "z", count: 5000)])
    }
}
