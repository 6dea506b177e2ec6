import Synchronization

/// A compact binary `Encoder` for any `Codable` value: the slow, general path
/// of record serialization (``BinaryRecord`` is the fast one).
///
/// Format (read back by ``BinaryDecoder``):
/// - primitives as in ``BinaryRecord`` (`Int8`/`UInt8` one byte, wider integers
///   zig-zag/varint, bit-pattern floats, length-prefixed UTF-8 strings);
/// - keyed containers write their values in order, **without keys**: decoding
///   relies on the same order, which holds for synthesized `Codable`. The one
///   exception is the top container of an enum, whose entries carry their key
///   (the case name) so that `allKeys` can tell the case;
/// - unkeyed containers: a 4-byte little-endian element count, then the elements;
/// - `Optional` anywhere: a tag byte (0 nil, 1 value) then the value;
/// - `Dictionary`: a varint count, then key, value, key, value, ….
///
/// Custom `Codable` code that decides with `decodeNil` or `allKeys` what to
/// read next, other than as above, is not supported.
public struct BinaryEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// Appends the encoding of `value` to `writer`.
    public func encode<T: Encodable>(_ value: T, into writer: inout ByteWriter) throws(StorageError) {
        let impl = _BinaryEncoding(writer: writer)
        writer = ByteWriter()  // hand the buffer over without copying
        do {
            try impl.encodeValue(value)
        } catch let e as StorageError {
            writer = impl.writer
            throw e
        } catch {
            writer = impl.writer
            throw .notSerializable("\(T.self): \(error)")
        }
        writer = impl.writer
    }

    /// The encoding of `value`, as a new array.
    public func encode<T: Encodable>(_ value: T) throws(StorageError) -> [UInt8] {
        var w = ByteWriter()
        try encode(value, into: &w)
        return w.bytes
    }

    /// The encoding of `value` in a delimited ``SerializedFrame`` of `kind`, as a new array
    /// (read back with ``BinaryDecoder/decode(_:framedAs:from:)``).
    public func encode<T: Encodable>(_ value: T, framedAs kind: SerializedFrame.Kind) throws(StorageError) -> [UInt8] {
        var w = ByteWriter()
        try SerializedFrame.write(kind, into: &w) { (w: inout ByteWriter) throws(StorageError) in try encode(value, into: &w) }
        return w.bytes
    }
}

/// Optional values, recognized at every generic encoding entry point.
protocol _BinaryEncodableOptional {
    func _encodeTagged(_ encoder: _BinaryEncoding) throws
}

extension Optional: _BinaryEncodableOptional where Wrapped: Encodable {
    func _encodeTagged(_ encoder: _BinaryEncoding) throws {
        switch self {
        case .none: encoder.writer.write(0)
        case .some(let w):
            encoder.writer.write(1)
            try encoder.encodeValue(w)
        }
    }
}

/// Dictionaries, encoded as count then pairs (their own `Codable` uses dynamic keys).
protocol _BinaryEncodableDictionary {
    func _encodeEntries(_ encoder: _BinaryEncoding) throws
}

extension Dictionary: _BinaryEncodableDictionary where Key: Encodable, Value: Encodable {
    func _encodeEntries(_ encoder: _BinaryEncoding) throws {
        encoder.writer.writeVarInt(UInt64(count))
        for (k, v) in self {
            try encoder.encodeValue(k)
            try encoder.encodeValue(v)
        }
    }
}

/// Remembers, per type, whether it is an enum (whose top container writes keys).
let _enumTypeCache = Mutex<[ObjectIdentifier: Bool]>([:])

/// The encoder state shared by all containers of one `encode` call: a single byte stream.
final class _BinaryEncoding: Encoder {
    var writer: ByteWriter
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// Set while an enum's `encode(to:)` has not yet asked for its container.
    var nextContainerIsEnum = false

    init(writer: ByteWriter) { self.writer = writer }

    func encodeValue<T: Encodable>(_ value: T) throws {
        if let o = value as? any _BinaryEncodableOptional {
            try o._encodeTagged(self)
            return
        }
        if let d = value as? any _BinaryEncodableDictionary {
            try d._encodeEntries(self)
            return
        }
        nextContainerIsEnum = Self.isEnum(value)
        try value.encode(to: self)
        nextContainerIsEnum = false
    }

    static func isEnum<T>(_ value: T) -> Bool {
        let id = ObjectIdentifier(T.self)
        if let known = _enumTypeCache.withLock({ $0[id] }) { return known }
        let answer = Mirror(reflecting: value).displayStyle == .enum
        _enumTypeCache.withLock { $0[id] = answer }
        return answer
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let writeKeys = nextContainerIsEnum
        nextContainerIsEnum = false
        return KeyedEncodingContainer(_BinaryKeyedEncoding<Key>(encoder: self, writeKeys: writeKeys))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        nextContainerIsEnum = false
        return _BinaryUnkeyedEncoding(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        nextContainerIsEnum = false
        return _BinarySingleValueEncoding(encoder: self)
    }

    // Primitive writers.
    func put(_ v: Bool) { writer.write(v ? 1 : 0) }
    func put(_ v: String) { v.write(to: &writer) }
    func put(_ v: Double) { writer.writeUInt64(v.bitPattern) }
    func put(_ v: Float) { writer.writeUInt32(v.bitPattern) }
    func put(_ v: UInt8) { writer.write(v) }
    func put(_ v: Int8) { writer.write(UInt8(bitPattern: v)) }
    func put<I: FixedWidthInteger & SignedInteger>(signed v: I) { writer.writeZigZag(Int64(v)) }
    func put<I: FixedWidthInteger & UnsignedInteger>(unsigned v: I) { writer.writeVarInt(UInt64(v)) }
}

struct _BinarySingleValueEncoding: SingleValueEncodingContainer {
    let encoder: _BinaryEncoding
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.writer.write(0) }
    mutating func encode(_ v: Bool) throws { encoder.put(v) }
    mutating func encode(_ v: String) throws { encoder.put(v) }
    mutating func encode(_ v: Double) throws { encoder.put(v) }
    mutating func encode(_ v: Float) throws { encoder.put(v) }
    mutating func encode(_ v: Int) throws { encoder.put(signed: v) }
    mutating func encode(_ v: Int8) throws { encoder.put(v) }
    mutating func encode(_ v: Int16) throws { encoder.put(signed: v) }
    mutating func encode(_ v: Int32) throws { encoder.put(signed: v) }
    mutating func encode(_ v: Int64) throws { encoder.put(signed: v) }
    mutating func encode(_ v: UInt) throws { encoder.put(unsigned: v) }
    mutating func encode(_ v: UInt8) throws { encoder.put(v) }
    mutating func encode(_ v: UInt16) throws { encoder.put(unsigned: v) }
    mutating func encode(_ v: UInt32) throws { encoder.put(unsigned: v) }
    mutating func encode(_ v: UInt64) throws { encoder.put(unsigned: v) }
    mutating func encode<T: Encodable>(_ v: T) throws { try encoder.encodeValue(v) }
}

struct _BinaryUnkeyedEncoding: UnkeyedEncodingContainer {
    let encoder: _BinaryEncoding
    let countPosition: Int
    var count = 0
    var codingPath: [any CodingKey] { encoder.codingPath }

    init(encoder: _BinaryEncoding) {
        self.encoder = encoder
        countPosition = encoder.writer.count
        encoder.writer.writeUInt32(0)
    }

    /// Counts one more element and patches the count in place.
    mutating func bump() throws {
        count += 1
        guard let c = UInt32(exactly: count) else {
            throw StorageError.notSerializable("unkeyed container with more than \(UInt32.max) elements")
        }
        encoder.writer.setUInt32(c, at: countPosition)
    }

    mutating func encodeNil() throws { try bump(); encoder.writer.write(0) }
    mutating func encode(_ v: Bool) throws { try bump(); encoder.put(v) }
    mutating func encode(_ v: String) throws { try bump(); encoder.put(v) }
    mutating func encode(_ v: Double) throws { try bump(); encoder.put(v) }
    mutating func encode(_ v: Float) throws { try bump(); encoder.put(v) }
    mutating func encode(_ v: Int) throws { try bump(); encoder.put(signed: v) }
    mutating func encode(_ v: Int8) throws { try bump(); encoder.put(v) }
    mutating func encode(_ v: Int16) throws { try bump(); encoder.put(signed: v) }
    mutating func encode(_ v: Int32) throws { try bump(); encoder.put(signed: v) }
    mutating func encode(_ v: Int64) throws { try bump(); encoder.put(signed: v) }
    mutating func encode(_ v: UInt) throws { try bump(); encoder.put(unsigned: v) }
    mutating func encode(_ v: UInt8) throws { try bump(); encoder.put(v) }
    mutating func encode(_ v: UInt16) throws { try bump(); encoder.put(unsigned: v) }
    mutating func encode(_ v: UInt32) throws { try bump(); encoder.put(unsigned: v) }
    mutating func encode(_ v: UInt64) throws { try bump(); encoder.put(unsigned: v) }
    mutating func encode<T: Encodable>(_ v: T) throws { try bump(); try encoder.encodeValue(v) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        try? bump()
        return KeyedEncodingContainer(_BinaryKeyedEncoding<NestedKey>(encoder: encoder, writeKeys: false))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        try? bump()
        return _BinaryUnkeyedEncoding(encoder: encoder)
    }

    mutating func superEncoder() -> any Encoder {
        try? bump()
        return encoder
    }
}

struct _BinaryKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: _BinaryEncoding
    /// True for an enum's top container: each entry is preceded by its key's name.
    let writeKeys: Bool
    var codingPath: [any CodingKey] { encoder.codingPath }

    @inline(__always) func key(_ k: Key) {
        if writeKeys { k.stringValue.write(to: &encoder.writer) }
    }

    mutating func encodeNil(forKey k: Key) throws { key(k); encoder.writer.write(0) }
    mutating func encode(_ v: Bool, forKey k: Key) throws { key(k); encoder.put(v) }
    mutating func encode(_ v: String, forKey k: Key) throws { key(k); encoder.put(v) }
    mutating func encode(_ v: Double, forKey k: Key) throws { key(k); encoder.put(v) }
    mutating func encode(_ v: Float, forKey k: Key) throws { key(k); encoder.put(v) }
    mutating func encode(_ v: Int, forKey k: Key) throws { key(k); encoder.put(signed: v) }
    mutating func encode(_ v: Int8, forKey k: Key) throws { key(k); encoder.put(v) }
    mutating func encode(_ v: Int16, forKey k: Key) throws { key(k); encoder.put(signed: v) }
    mutating func encode(_ v: Int32, forKey k: Key) throws { key(k); encoder.put(signed: v) }
    mutating func encode(_ v: Int64, forKey k: Key) throws { key(k); encoder.put(signed: v) }
    mutating func encode(_ v: UInt, forKey k: Key) throws { key(k); encoder.put(unsigned: v) }
    mutating func encode(_ v: UInt8, forKey k: Key) throws { key(k); encoder.put(v) }
    mutating func encode(_ v: UInt16, forKey k: Key) throws { key(k); encoder.put(unsigned: v) }
    mutating func encode(_ v: UInt32, forKey k: Key) throws { key(k); encoder.put(unsigned: v) }
    mutating func encode(_ v: UInt64, forKey k: Key) throws { key(k); encoder.put(unsigned: v) }
    mutating func encode<T: Encodable>(_ v: T, forKey k: Key) throws { key(k); try encoder.encodeValue(v) }

    // Absent optionals are written as a nil tag, not skipped: decoding goes by position.
    mutating func encodeIfPresent(_ v: Bool?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: String?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: Double?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: Float?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: Int?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: Int8?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: Int16?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: Int32?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: Int64?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: UInt?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: UInt8?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: UInt16?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: UInt32?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent(_ v: UInt64?, forKey k: Key) throws { try encode(v, forKey: k) }
    mutating func encodeIfPresent<T: Encodable>(_ v: T?, forKey k: Key) throws { try encode(v, forKey: k) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey k: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        key(k)
        return KeyedEncodingContainer(_BinaryKeyedEncoding<NestedKey>(encoder: encoder, writeKeys: false))
    }

    mutating func nestedUnkeyedContainer(forKey k: Key) -> any UnkeyedEncodingContainer {
        key(k)
        return _BinaryUnkeyedEncoding(encoder: encoder)
    }

    mutating func superEncoder() -> any Encoder { encoder }

    mutating func superEncoder(forKey k: Key) -> any Encoder {
        key(k)
        return encoder
    }
}
