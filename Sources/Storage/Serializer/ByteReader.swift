/// Reads what a ``ByteWriter`` wrote. Every read checks bounds and throws
/// ``StorageError/corrupt(_:)`` rather than reading past the end: a truncated
/// or damaged block is reported, never read back as if whole.
public struct ByteReader: Sendable {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// The next byte to read.
    public var position: Int

    /// A reader of `bytes`, starting at `position`.
    @inlinable
    public init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// True when every byte has been read.
    @inlinable public var isAtEnd: Bool { position >= bytes.count }
    /// Bytes left to read.
    @inlinable public var remaining: Int { bytes.count - position }

    /// Reads one byte.
    @inlinable
    public mutating func readByte() throws(StorageError) -> UInt8 {
        guard position < bytes.count else { throw .corrupt("record stream ends in the middle of a value") }
        let b = bytes[position]
        position += 1
        return b
    }

    /// Reads a LEB128 varint written by ``ByteWriter/writeVarInt(_:)``.
    @inlinable
    public mutating func readVarInt() throws(StorageError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw .corrupt("record stream ends inside a varint") }
            let b = bytes[position]
            position += 1
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw .corrupt("varint longer than 10 bytes") }
        }
    }

    /// Reads a zig-zag varint written by ``ByteWriter/writeZigZag(_:)``.
    @inlinable
    public mutating func readZigZag() throws(StorageError) -> Int64 {
        let u = try readVarInt()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// Reads 2 bytes, little-endian.
    @inlinable
    public mutating func readUInt16() throws(StorageError) -> UInt16 {
        guard remaining >= 2 else { throw .corrupt("record stream ends inside a 2-byte integer") }
        let v = UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
        position += 2
        return v
    }

    /// Reads 4 bytes, little-endian.
    @inlinable
    public mutating func readUInt32() throws(StorageError) -> UInt32 {
        guard remaining >= 4 else { throw .corrupt("record stream ends inside a 4-byte integer") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }

    /// Reads 8 bytes, little-endian.
    @inlinable
    public mutating func readUInt64() throws(StorageError) -> UInt64 {
        guard remaining >= 8 else { throw .corrupt("record stream ends inside an 8-byte integer") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }

    /// Reads `count` bytes as a slice of the underlying array.
    @inlinable
    public mutating func readBytes(_ count: Int) throws(StorageError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else {
            throw .corrupt("record stream ends inside a \(count)-byte field")
        }
        let s = bytes[position..<(position + count)]
        position += count
        return s
    }

    /// Reads a varint length and then that many bytes.
    @inlinable
    public mutating func readLengthPrefixed() throws(StorageError) -> ArraySlice<UInt8> {
        let n = try readVarInt()
        guard n <= UInt64(remaining) else { throw .corrupt("length \(n) runs past the end of the block") }
        return try readBytes(Int(n))
    }

    /// Reads a varint count of `what` (items that each take at least one byte): a count larger
    /// than the bytes left is damage, refused before anything is allocated for it.
    @inlinable
    public mutating func readCount(of what: String) throws(StorageError) -> Int {
        let n = try readVarInt()
        guard n <= UInt64(remaining) else {
            throw .corrupt("\(n) \(what) announced but only \(remaining) bytes left")
        }
        return Int(n)
    }
}
