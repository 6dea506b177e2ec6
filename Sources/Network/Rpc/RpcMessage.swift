/// The RPC layer's message layout inside a frame payload:
/// `[UInt8 kind][UInt64 little-endian request id (0 for one-way)][UInt16 little-endian message type][body]`.
enum RpcMessage {
    /// Bytes before the body.
    static let headerSize = 11

    /// What a message is.
    enum Kind: UInt8 {
        /// A message that expects no answer.
        case oneWay = 0
        /// A request; the peer answers with `replyOk` or `replyError` carrying the same request id.
        case request = 1
        /// A successful answer; the body is the reply.
        case replyOk = 2
        /// A failed answer; the body is the error message in UTF-8.
        case replyError = 3
    }

    /// A message's header, read from a frame's first `headerSize` bytes.
    struct Header: Equatable {
        var kind: Kind
        var requestId: UInt64
        var type: UInt16
    }

    /// Why a frame is not a message.
    enum ParseError: Error, CustomStringConvertible {
        case short(Int)
        case unknownKind(UInt8)

        var description: String {
            switch self {
            case .short(let count):
                "a frame of \(count) payload bytes is shorter than the \(RpcMessage.headerSize)-byte message header"
            case .unknownKind(let kind): "unknown message kind \(kind) (expected 0...3)"
            }
        }
    }

    /// Reads the header from `head`, the payload's first `headerSize` bytes (fewer if the payload is shorter).
    static func parseHeader(_ head: [UInt8]) throws(ParseError) -> Header {
        guard head.count == headerSize else { throw .short(head.count) }
        guard let kind = Kind(rawValue: head[0]) else { throw .unknownKind(head[0]) }
        var id: UInt64 = 0
        for i in 0..<8 { id |= UInt64(head[1 + i]) << (8 * UInt64(i)) }
        let type = UInt16(head[9]) | UInt16(head[10]) << 8
        return Header(kind: kind, requestId: id, type: type)
    }

    /// The frame length field (version byte, header and body) of a message with a `bodyCount`-byte body.
    static func frameLength(bodyCount: Int) -> Int {
        1 + headerSize + bodyCount
    }
}

/// One encoded frame waiting to be written: length, version, message header and body in one allocation, so the
/// body is copied once (here) and the bytes stay put until libuv's write callback.
///
/// Immutable after `init`; the memory is freed in `deinit`, which runs once no queue or write request holds it.
final class OutgoingFrame: @unchecked Sendable {  // @unchecked: immutable after init.
    let bytes: UnsafeMutableRawBufferPointer

    init(kind: RpcMessage.Kind, requestId: UInt64, type: UInt16, body: [UInt8]) {
        let length = RpcMessage.frameLength(bodyCount: body.count)
        precondition(length <= Int(UInt32.max), "a frame must be shorter than 4 GiB, got \(length) bytes")
        bytes = .allocate(byteCount: 4 + length, alignment: 8)
        bytes.storeBytes(of: UInt32(length).littleEndian, toByteOffset: 0, as: UInt32.self)
        bytes.storeBytes(of: FrameEncoder.version, toByteOffset: 4, as: UInt8.self)
        bytes.storeBytes(of: kind.rawValue, toByteOffset: 5, as: UInt8.self)
        bytes.storeBytes(of: requestId.littleEndian, toByteOffset: 6, as: UInt64.self)
        bytes.storeBytes(of: type.littleEndian, toByteOffset: 14, as: UInt16.self)
        let bodyStart = FrameEncoder.headerSize + RpcMessage.headerSize
        body.withUnsafeBytes { source in
            guard let base = source.baseAddress else { return }
            (bytes.baseAddress! + bodyStart).copyMemory(from: base, byteCount: source.count)
        }
    }

    deinit {
        bytes.deallocate()
    }
}
