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
    @inlinable public func write(to writer: inout ByteWriter) { writer.writeZigZag(Int64(self)) }
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Self {
        let v = try reader.readZigZag()
        guard let r = Self(exactly: v) else { throw .corrupt("value \(v) does not fit \(Self.self)") }
        return r
    }
}

/// Unsigned integers wider than a byte: varints, range-checked when read.
public protocol VarIntRecord: BinaryRecord, FixedWidthInteger, UnsignedInteger {}

extension VarIntRecord {
    @inlinable public func write(to writer: inout ByteWriter) { writer.writeVarInt(UInt64(self)) }
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
    @inlinable public func write(to writer: inout ByteWriter) { writer.write(UInt8(bitPattern: self)) }
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Int8 {
        Int8(bitPattern: try reader.readByte())
    }
}

extension UInt8: BinaryRecord {
    @inlinable public func write(to writer: inout ByteWriter) { writer.write(self) }
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> UInt8 {
        try reader.readByte()
    }
}

extension Double: BinaryRecord {
    @inlinable public func write(to writer: inout ByteWriter) { writer.writeUInt64(bitPattern) }
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Double {
        Double(bitPattern: try reader.readUInt64())
    }
}

extension Float: BinaryRecord {
    @inlinable public func write(to writer: inout ByteWriter) { writer.writeUInt32(bitPattern) }
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Float {
        Float(bitPattern: try reader.readUInt32())
    }
}

extension Bool: BinaryRecord {
    @inlinable public func write(to writer: inout ByteWriter) { writer.write(self ? 1 : 0) }
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Bool {
        switch try reader.readByte() {
        case 0: return false
        case 1: return true
        case let b: throw .corrupt("byte \(b) is not a Bool (0 or 1)")
        }
    }
}

extension String: BinaryRecord {
    @inlinable public func write(to writer: inout ByteWriter) {
        var s = self
        s.withUTF8 { writer.writeLengthPrefixed(UnsafeRawBufferPointer($0)) }
    }
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> String {
        let slice = try reader.readLengthPrefixed()
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw .corrupt("string field of \(slice.count) bytes is not valid UTF-8")
        }
        return s
    }
}

extension ByteString: BinaryRecord {
    @inlinable public func write(to writer: inout ByteWriter) {
        withUnsafeBytes { writer.writeLengthPrefixed($0) }
    }
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> ByteString {
        let slice = try reader.readLengthPrefixed()
        return slice.withUnsafeBytes { ByteString($0) }
    }
}

extension Array: BinaryRecord where Element: BinaryRecord {
    @inlinable public func write(to writer: inout ByteWriter) {
        writer.writeVarInt(UInt64(count))
        for e in self { e.write(to: &writer) }
    }
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
    @inlinable public func write(to writer: inout ByteWriter) {
        switch self {
        case .none: writer.write(0)
        case .some(let w):
            writer.write(1)
            w.write(to: &writer)
        }
    }
    @inlinable public static func read(from reader: inout ByteReader) throws(StorageError) -> Wrapped? {
        switch try reader.readByte() {
        case 0: return nil
        case 1: return try Wrapped.read(from: &reader)
        case let b: throw .corrupt("byte \(b) is not an Optional tag (0 or 1)")
        }
    }
}
