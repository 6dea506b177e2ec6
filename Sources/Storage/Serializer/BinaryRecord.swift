/// A value with a compact, hand-written binary form: the fast path of record
/// serialization, used by ``ElementCodec/codable`` whenever the record type conforms, and the
/// form of the fields of RPC messages.
///
/// Signed integers are zig-zag varints, unsigned ones varints (`Int8`/`UInt8`
/// a single byte), floating point their IEEE bit patterns, `String` and
/// ``ByteString`` a varint length then the bytes, `Array` a varint count then
/// the elements, `Optional` a tag byte (0 none, 1 some) then the value.
/// Every conformance writes at least one byte, which bounds hostile counts.
public protocol BinaryRecord {
    /// Appends this value to `writer`.
    func write(to writer: inout ByteWriter)
    /// Reads a value written by ``write(to:)``; throws ``StorageError/corrupt(_:)`` on bad input.
    static func read(from reader: inout ByteReader) throws(StorageError) -> Self
}

/// Signed integers wider than a byte: zig-zag varints, range-checked when read.
public protocol ZigZagRecord: BinaryRecord, FixedWidthInteger, SignedInteger {}

extension ZigZagRecord {
    /// Writes the value as a zig-zag varint: small magnitudes of either sign take one byte.
    @inlinable public func write(to writer: inout ByteWriter) { writer.writeZigZag(Int64(self)) }
    /// Reads a zig-zag varint; throws ``StorageError/corrupt(_:)`` when it ends early or does not fit `Self`.
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Self {
        let v = try reader.readZigZag()
        guard let r = Self(exactly: v) else { throw .corrupt("value \(v) does not fit \(Self.self)") }
        return r
    }
}

/// Unsigned integers wider than a byte: varints, range-checked when read.
public protocol VarIntRecord: BinaryRecord, FixedWidthInteger, UnsignedInteger {}

extension VarIntRecord {
    /// Writes the value as a varint, 7 bits a byte.
    @inlinable public func write(to writer: inout ByteWriter) { writer.writeVarInt(UInt64(self)) }
    /// Reads a varint; throws ``StorageError/corrupt(_:)`` when it ends early or does not fit `Self`.
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Self {
        let v = try reader.readVarInt()
        guard let r = Self(exactly: v) else { throw .corrupt("value \(v) does not fit \(Self.self)") }
        return r
    }
}

extension Int: ZigZagRecord {}
extension Int64: ZigZagRecord {}
extension Int32: ZigZagRecord {}
extension Int16: ZigZagRecord {}
extension UInt: VarIntRecord {}
extension UInt64: VarIntRecord {}
extension UInt32: VarIntRecord {}
extension UInt16: VarIntRecord {}

extension Int8: BinaryRecord {
    /// Writes the bit pattern as one byte.
    @inlinable public func write(to writer: inout ByteWriter) { writer.write(UInt8(bitPattern: self)) }
    /// Reads one byte as the bit pattern; throws at the end of the input.
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Int8 {
        Int8(bitPattern: try reader.readByte())
    }
}

extension UInt8: BinaryRecord {
    /// Writes the byte itself.
    @inlinable public func write(to writer: inout ByteWriter) { writer.write(self) }
    /// Reads one byte; throws at the end of the input.
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> UInt8 {
        try reader.readByte()
    }
}

extension Double: BinaryRecord {
    /// Writes the IEEE 754 bit pattern, 8 bytes little-endian.
    @inlinable public func write(to writer: inout ByteWriter) { writer.writeUInt64(bitPattern) }
    /// Reads 8 bytes little-endian as an IEEE 754 bit pattern (NaN payloads kept).
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Double {
        Double(bitPattern: try reader.readUInt64())
    }
}

extension Float: BinaryRecord {
    /// Writes the IEEE 754 bit pattern, 4 bytes little-endian.
    @inlinable public func write(to writer: inout ByteWriter) { writer.writeUInt32(bitPattern) }
    /// Reads 4 bytes little-endian as an IEEE 754 bit pattern (NaN payloads kept).
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Float {
        Float(bitPattern: try reader.readUInt32())
    }
}

extension Bool: BinaryRecord {
    /// Writes one byte: 1 for true, 0 for false.
    @inlinable public func write(to writer: inout ByteWriter) { writer.write(self ? 1 : 0) }
    /// Reads one byte; anything but 0 or 1 throws ``StorageError/corrupt(_:)``.
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Bool {
        switch try reader.readByte() {
        case 0: return false
        case 1: return true
        case let b: throw .corrupt("byte \(b) is not a Bool (0 or 1)")
        }
    }
}

extension String: BinaryRecord {
    /// Writes the UTF-8 bytes behind a varint length.
    @inlinable public func write(to writer: inout ByteWriter) {
        var s = self
        s.withUTF8 { writer.writeLengthPrefixed(UnsafeRawBufferPointer($0)) }
    }
    /// Reads a varint length and that many bytes; throws when they run past the input or are not valid UTF-8.
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> String {
        let slice = try reader.readLengthPrefixed()
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw .corrupt("string field of \(slice.count) bytes is not valid UTF-8")
        }
        return s
    }
}

extension ByteString: BinaryRecord {
    /// Writes the bytes behind a varint length.
    @inlinable public func write(to writer: inout ByteWriter) {
        withUnsafeBytes { writer.writeLengthPrefixed($0) }
    }
    /// Reads a varint length and that many bytes; throws when they run past the input.
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> ByteString {
        let slice = try reader.readLengthPrefixed()
        return slice.withUnsafeBytes { ByteString($0) }
    }
}

extension Array: BinaryRecord where Element: BinaryRecord {
    /// Writes a varint count, then each element.
    @inlinable public func write(to writer: inout ByteWriter) {
        writer.writeVarInt(UInt64(count))
        for e in self { e.write(to: &writer) }
    }
    /// Reads a varint count, then that many elements; a count larger than the bytes left throws
    /// before anything is allocated.
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> [Element] {
        let n = try reader.readVarInt()
        // Every element takes at least one byte: a larger count is damage, not data.
        guard n <= UInt64(reader.remaining) else {
            throw .corrupt("array of \(n) elements but only \(reader.remaining) bytes left")
        }
        var out = [Element]()
        out.reserveCapacity(Int(n))
        for _ in 0..<Int(n) { out.append(try Element.read(from: &reader)) }
        return out
    }
}

extension Optional: BinaryRecord where Wrapped: BinaryRecord {
    /// Writes a tag byte (0 for nil, 1 for a value), then the value if there is one.
    @inlinable public func write(to writer: inout ByteWriter) {
        switch self {
        case .none: writer.write(0)
        case .some(let w):
            writer.write(1)
            w.write(to: &writer)
        }
    }
    /// Reads the tag byte, then the value it announces; a tag other than 0 or 1 throws.
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Wrapped? {
        switch try reader.readByte() {
        case 0: return nil
        case 1: return try Wrapped.read(from: &reader)
        case let b: throw .corrupt("byte \(b) is not an Optional tag (0 or 1)")
        }
    }
}
