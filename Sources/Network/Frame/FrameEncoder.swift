/// Writes frames: `[UInt32 little-endian length of what follows][UInt8 version = 1][payload]`.
///
/// `FrameDecoder` reads them back. The RPC layer writes its frames straight into the buffer it hands to the socket
/// (see `OutgoingFrame`) rather than through `encode`, to copy large payloads only once.
public enum FrameEncoder {
    /// The version byte every frame carries.
    public static let version: UInt8 = 1

    /// Bytes before the payload: the 4-byte length and the version byte.
    public static let headerSize = 5

    /// The frame holding `payload`.
    public static func encode(_ payload: some Collection<UInt8>) -> [UInt8] {
        let count = payload.count
        precondition(count < Int(UInt32.max), "a frame payload must be shorter than 4 GiB, got \(count) bytes")
        var frame = [UInt8]()
        frame.reserveCapacity(headerSize + count)
        appendLittleEndian(UInt32(count + 1), to: &frame)
        frame.append(version)
        frame.append(contentsOf: payload)
        return frame
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
    }
}
