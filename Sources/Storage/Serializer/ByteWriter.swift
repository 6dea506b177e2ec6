/// An append-only byte buffer that records are serialized into.
///
/// Integers are little-endian; `writeVarInt` uses LEB128 (7 bits a byte).
/// The hot paths are `@inlinable` so that record encoders specialize in the caller's module.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// Creates an empty writer with room for `capacity` bytes.
    @inlinable
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Number of bytes written so far.
    @inlinable public var count: Int { bytes.count }

    /// Forgets what was written, keeping the allocated capacity.
    @inlinable public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// Writes one byte.
    @inlinable public mutating func write(_ byte: UInt8) { bytes.append(byte) }

    /// Writes `value` in LEB128: 1 byte below 128, at most 10 bytes.
    @inlinable
    public mutating func writeVarInt(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// Writes a signed integer zig-zag encoded, so small negative numbers stay short.
    @inlinable
    public mutating func writeZigZag(_ value: Int64) {
        writeVarInt(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Writes `value` as 2 bytes, little-endian.
    @inlinable
    public mutating func writeUInt16(_ value: UInt16) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes `value` as 4 bytes, little-endian.
    @inlinable
    public mutating func writeUInt32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes `value` as 8 bytes, little-endian.
    @inlinable
    public mutating func writeUInt64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Overwrites the 4 bytes at `offset` (written earlier, e.g. as a placeholder) with `value`, little-endian.
    @inlinable
    public mutating func setUInt32(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count, "setUInt32 at \(offset) outside the \(bytes.count) bytes written")
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self) }
    }

    /// Overwrites the 8 bytes at `offset` (written earlier, e.g. as a placeholder) with `value`, little-endian.
    @inlinable
    public mutating func setUInt64(_ value: UInt64, at offset: Int) {
        precondition(offset >= 0 && offset + 8 <= bytes.count, "setUInt64 at \(offset) outside the \(bytes.count) bytes written")
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self) }
    }

    /// Writes the bytes of `data` as they are.
    @inlinable
    public mutating func write<C: Collection>(contentsOf data: C) where C.Element == UInt8 {
        bytes.append(contentsOf: data)
    }

    /// Writes the bytes of `raw` as they are.
    @inlinable
    public mutating func write(raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
    }

    /// Writes a length (varint) and then the bytes.
    @inlinable
    public mutating func writeLengthPrefixed(_ raw: UnsafeRawBufferPointer) {
        writeVarInt(UInt64(raw.count))
        bytes.append(contentsOf: raw)
    }
}
