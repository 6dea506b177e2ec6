/// Cuts a byte stream into frames: `[UInt32 little-endian length of what follows][UInt8 version = 1][payload]`.
///
/// A state machine over bytes, with no I/O: feed it whatever the socket delivered, in pieces of any size, and it
/// returns the payloads completed so far. The limit applies to the length field (version byte plus payload) and is
/// checked as soon as the four length bytes are in, before anything is allocated. A frame's payload buffer is
/// allocated once its length is known and filled in place, so a large payload is copied exactly once (out of the
/// read buffer).
///
/// Invariant: after an error the decoder stays failed — every later `feed` throws the same error — because the
/// position of the next frame in the stream is no longer known.
public struct FrameDecoder {
    /// The largest accepted length field (version byte plus payload).
    public let maxFrameSize: Int

    /// The payload's first `headSize` bytes go to `DecodedFrame.head`, the rest to `body`. The RPC layer splits off
    /// its message header this way instead of copying the body out of the payload.
    let headSize: Int

    private var header: [UInt8] = []
    private var headWanted = 0
    private var bodyWanted = 0
    private var head: [UInt8] = []
    private var body: [UInt8] = []
    private var inPayload = false
    private var failure: FrameError?

    /// A decoder that rejects frames whose length field exceeds `maxFrameSize` bytes.
    public init(maxFrameSize: Int) {
        self.init(maxFrameSize: maxFrameSize, headSize: 0)
    }

    init(maxFrameSize: Int, headSize: Int) {
        precondition(maxFrameSize >= 1, "maxFrameSize must be at least 1 (the version byte), got \(maxFrameSize)")
        self.maxFrameSize = maxFrameSize
        self.headSize = headSize
        header.reserveCapacity(FrameEncoder.headerSize)
    }

    /// The payloads of the frames that `bytes` completes, in order; keeps an incomplete frame for the next call.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(FrameError) -> [[UInt8]] {
        var frames: [DecodedFrame] = []
        try decode(bytes, into: &frames)
        return frames.map { $0.head.isEmpty ? $0.body : $0.head + $0.body }
    }

    /// Appends the frames `bytes` completes to `frames`; on a malformed frame, those before it stay appended.
    mutating func decode(_ bytes: UnsafeRawBufferPointer, into frames: inout [DecodedFrame]) throws(FrameError) {
        if let failure { throw failure }
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = bytes.count
        var i = 0
        while i < count {
            if !inPayload {
                let take = min(FrameEncoder.headerSize - header.count, count - i)
                header.append(contentsOf: UnsafeBufferPointer(start: base + i, count: take))
                i += take
                try startPayloadIfHeaderComplete(into: &frames)
            } else if head.count < headWanted {
                let take = min(headWanted - head.count, count - i)
                head.append(contentsOf: UnsafeBufferPointer(start: base + i, count: take))
                i += take
                finishIfComplete(into: &frames)
            } else {
                let take = min(bodyWanted - body.count, count - i)
                body.append(contentsOf: UnsafeBufferPointer(start: base + i, count: take))
                i += take
                finishIfComplete(into: &frames)
            }
        }
    }

    private mutating func startPayloadIfHeaderComplete(into frames: inout [DecodedFrame]) throws(FrameError) {
        guard header.count >= 4 else { return }
        let length = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16 | Int(header[3]) << 24
        if length == 0 { return try fail(.empty) }
        if length > maxFrameSize { return try fail(.tooLarge(size: length, limit: maxFrameSize)) }
        guard header.count == FrameEncoder.headerSize else { return }
        if header[4] != FrameEncoder.version { return try fail(.badVersion(header[4])) }
        header.removeAll(keepingCapacity: true)
        let payload = length - 1
        headWanted = min(headSize, payload)
        bodyWanted = payload - headWanted
        head = []
        head.reserveCapacity(headWanted)
        body = []
        body.reserveCapacity(bodyWanted)
        inPayload = true
        finishIfComplete(into: &frames)
    }

    private mutating func finishIfComplete(into frames: inout [DecodedFrame]) {
        guard head.count == headWanted, body.count == bodyWanted else { return }
        frames.append(DecodedFrame(head: head, body: body))
        head = []
        body = []
        inPayload = false
    }

    private mutating func fail(_ error: FrameError) throws(FrameError) {
        failure = error
        throw error
    }
}

/// One frame's payload, split after `FrameDecoder.headSize` bytes.
struct DecodedFrame: Sendable {
    /// The payload's first `headSize` bytes (fewer if the payload is shorter).
    var head: [UInt8]
    /// The rest of the payload.
    var body: [UInt8]
}
