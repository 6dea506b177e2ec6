/// Decodes what ``BinaryEncoder`` wrote. Every length and count is checked
/// against the bytes left, so hostile input throws ``StorageError/corrupt(_:)``
/// and never crashes or allocates without bound.
public struct BinaryDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Reads one `T` from `reader`, advancing it.
    public func decode<T: Decodable>(_ type: T.Type, from reader: inout ByteReader) throws(StorageError) -> T {
        let impl = _BinaryDecoding(reader: reader)
        do {
            let value = try impl.decodeValue(T.self)
            reader = impl.reader
            return value
        } catch let e as StorageError {
            throw e
        } catch {
            throw .corrupt("cannot decode \(T.self) at byte \(impl.reader.position): \(error)")
        }
    }

    /// Reads one `T` from `bytes`, which must hold exactly one value.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(StorageError) -> T {
        var reader = ByteReader(bytes)
        let value = try decode(T.self, from: &reader)
        guard reader.isAtEnd else {
            throw .corrupt("\(reader.remaining) bytes left over after decoding \(T.self)")
        }
        return value
    }

    /// Reads one `T` from `bytes`, which must hold exactly one delimited ``SerializedFrame`` of
    /// `kind` (written by ``BinaryEncoder/encode(_:framedAs:)``) whose payload is that value.
    public func decode<T: Decodable>(_ type: T.Type, framedAs kind: SerializedFrame.Kind,
                                     from bytes: [UInt8]) throws(StorageError) -> T {
        try SerializedFrame.decode(bytes, as: kind) { (r: inout ByteReader) throws(StorageError) in try decode(T.self, from: &r) }
    }
}

/// Optional types, recognized at every generic decoding entry point.
protocol _BinaryDecodableOptional {
    static func _decodeTagged(_ decoder: _BinaryDecoding) throws -> Self
}

extension Optional: _BinaryDecodableOptional where Wrapped: Decodable {
    static func _decodeTagged(_ decoder: _BinaryDecoding) throws -> Wrapped? {
        switch try decoder.reader.readByte() {
        case 0: return nil
        case 1: return try decoder.decodeValue(Wrapped.self)
        case let b: throw StorageError.corrupt("byte \(b) is not an Optional tag (0 or 1)")
        }
    }
}

/// Dictionary types, decoded from count then pairs.
protocol _BinaryDecodableDictionary {
    static func _decodeEntries(_ decoder: _BinaryDecoding) throws -> Self
}

extension Dictionary: _BinaryDecodableDictionary where Key: Decodable, Value: Decodable {
    static func _decodeEntries(_ decoder: _BinaryDecoding) throws -> [Key: Value] {
        let n = try decoder.readCount(try decoder.reader.readVarInt())
        var out = [Key: Value]()
        for _ in 0..<n {
            let k = try decoder.decodeValue(Key.self)
            out[k] = try decoder.decodeValue(Value.self)
        }
        return out
    }
}

/// The decoder state shared by all containers of one `decode` call.
final class _BinaryDecoding: Decoder {
    var reader: ByteReader
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(reader: ByteReader) { self.reader = reader }

    /// Slack allowed above the bytes left, for elements that encode to zero bytes (empty structs).
    static let zeroSizeSlack: UInt64 = 65_536

    func readCount(_ n: UInt64) throws -> Int {
        guard n <= UInt64(reader.remaining) + Self.zeroSizeSlack else {
            throw StorageError.corrupt("count \(n) exceeds the \(reader.remaining) bytes left")
        }
        return Int(n)
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        // o and d are T.self itself, so both `as!` cast a T to T and cannot fail whatever the bytes.
        if let o = T.self as? any _BinaryDecodableOptional.Type {
            return try o._decodeTagged(self) as! T
        }
        if let d = T.self as? any _BinaryDecodableDictionary.Type {
            return try d._decodeEntries(self) as! T
        }
        return try T(from: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(_BinaryKeyedDecoding<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try _BinaryUnkeyedDecoding(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        _BinarySingleValueDecoding(decoder: self)
    }

    /// Consumes a nil tag (0) if one is next.
    func takeNil() -> Bool {
        if reader.position < reader.bytes.count && reader.bytes[reader.position] == 0 {
            reader.position += 1
            return true
        }
        return false
    }

    func get(_: Bool.Type) throws -> Bool { try Bool.read(from: &reader) }
    func get(_: String.Type) throws -> String { try String.read(from: &reader) }
    func get(_: Double.Type) throws -> Double { try Double.read(from: &reader) }
    func get(_: Float.Type) throws -> Float { try Float.read(from: &reader) }
    func get(_: UInt8.Type) throws -> UInt8 { try reader.readByte() }
    func get(_: Int8.Type) throws -> Int8 { Int8(bitPattern: try reader.readByte()) }
    func get<I: FixedWidthInteger & SignedInteger>(signed: I.Type) throws -> I {
        let v = try reader.readZigZag()
        guard let r = I(exactly: v) else { throw StorageError.corrupt("value \(v) does not fit \(I.self)") }
        return r
    }
    func get<I: FixedWidthInteger & UnsignedInteger>(unsigned: I.Type) throws -> I {
        let v = try reader.readVarInt()
        guard let r = I(exactly: v) else { throw StorageError.corrupt("value \(v) does not fit \(I.self)") }
        return r
    }
}

struct _BinarySingleValueDecoding: SingleValueDecodingContainer {
    let decoder: _BinaryDecoding
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.takeNil() }
    func decode(_ t: Bool.Type) throws -> Bool { try decoder.get(t) }
    func decode(_ t: String.Type) throws -> String { try decoder.get(t) }
    func decode(_ t: Double.Type) throws -> Double { try decoder.get(t) }
    func decode(_ t: Float.Type) throws -> Float { try decoder.get(t) }
    func decode(_ t: Int.Type) throws -> Int { try decoder.get(signed: t) }
    func decode(_ t: Int8.Type) throws -> Int8 { try decoder.get(t) }
    func decode(_ t: Int16.Type) throws -> Int16 { try decoder.get(signed: t) }
    func decode(_ t: Int32.Type) throws -> Int32 { try decoder.get(signed: t) }
    func decode(_ t: Int64.Type) throws -> Int64 { try decoder.get(signed: t) }
    func decode(_ t: UInt.Type) throws -> UInt { try decoder.get(unsigned: t) }
    func decode(_ t: UInt8.Type) throws -> UInt8 { try decoder.get(t) }
    func decode(_ t: UInt16.Type) throws -> UInt16 { try decoder.get(unsigned: t) }
    func decode(_ t: UInt32.Type) throws -> UInt32 { try decoder.get(unsigned: t) }
    func decode(_ t: UInt64.Type) throws -> UInt64 { try decoder.get(unsigned: t) }
    func decode<T: Decodable>(_ t: T.Type) throws -> T { try decoder.decodeValue(t) }
}

struct _BinaryUnkeyedDecoding: UnkeyedDecodingContainer {
    let decoder: _BinaryDecoding
    let elementCount: Int
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elementCount }
    var isAtEnd: Bool { currentIndex >= elementCount }

    init(decoder: _BinaryDecoding) throws {
        self.decoder = decoder
        elementCount = try decoder.readCount(UInt64(try decoder.reader.readUInt32()))
    }

    mutating func next() throws {
        guard currentIndex < elementCount else {
            throw StorageError.corrupt("read past the \(elementCount) elements of an unkeyed container")
        }
        currentIndex += 1
    }

    mutating func decodeNil() throws -> Bool {
        guard currentIndex < elementCount else { return false }
        if decoder.takeNil() {
            currentIndex += 1
            return true
        }
        return false
    }
    mutating func decode(_ t: Bool.Type) throws -> Bool { try next(); return try decoder.get(t) }
    mutating func decode(_ t: String.Type) throws -> String { try next(); return try decoder.get(t) }
    mutating func decode(_ t: Double.Type) throws -> Double { try next(); return try decoder.get(t) }
    mutating func decode(_ t: Float.Type) throws -> Float { try next(); return try decoder.get(t) }
    mutating func decode(_ t: Int.Type) throws -> Int { try next(); return try decoder.get(signed: t) }
    mutating func decode(_ t: Int8.Type) throws -> Int8 { try next(); return try decoder.get(t) }
    mutating func decode(_ t: Int16.Type) throws -> Int16 { try next(); return try decoder.get(signed: t) }
    mutating func decode(_ t: Int32.Type) throws -> Int32 { try next(); return try decoder.get(signed: t) }
    mutating func decode(_ t: Int64.Type) throws -> Int64 { try next(); return try decoder.get(signed: t) }
    mutating func decode(_ t: UInt.Type) throws -> UInt { try next(); return try decoder.get(unsigned: t) }
    mutating func decode(_ t: UInt8.Type) throws -> UInt8 { try next(); return try decoder.get(t) }
    mutating func decode(_ t: UInt16.Type) throws -> UInt16 { try next(); return try decoder.get(unsigned: t) }
    mutating func decode(_ t: UInt32.Type) throws -> UInt32 { try next(); return try decoder.get(unsigned: t) }
    mutating func decode(_ t: UInt64.Type) throws -> UInt64 { try next(); return try decoder.get(unsigned: t) }
    mutating func decode<T: Decodable>(_ t: T.Type) throws -> T { try next(); return try decoder.decodeValue(t) }
    mutating func decodeIfPresent<T: Decodable>(_ t: T.Type) throws -> T? {
        try next()
        return try decoder.decodeValue(T?.self)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next()
        return KeyedDecodingContainer(_BinaryKeyedDecoding<NestedKey>(decoder: decoder))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next()
        return try _BinaryUnkeyedDecoding(decoder: decoder)
    }

    mutating func superDecoder() throws -> any Decoder {
        try next()
        return decoder
    }
}

/// Keyed decoding: values come in the order they were encoded; keys are not
/// read, except by `allKeys`, which reads the one key an enum's container wrote.
final class _BinaryKeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: _BinaryDecoding
    var enumKey: Key?
    var codingPath: [any CodingKey] { decoder.codingPath }

    init(decoder: _BinaryDecoding) { self.decoder = decoder }

    var allKeys: [Key] {
        if let k = enumKey { return [k] }
        guard let name = try? String.read(from: &decoder.reader), let k = Key(stringValue: name) else { return [] }
        enumKey = k
        return [k]
    }


    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool { decoder.takeNil() }
    func decode(_ t: Bool.Type, forKey key: Key) throws -> Bool { try decoder.get(t) }
    func decode(_ t: String.Type, forKey key: Key) throws -> String { try decoder.get(t) }
    func decode(_ t: Double.Type, forKey key: Key) throws -> Double { try decoder.get(t) }
    func decode(_ t: Float.Type, forKey key: Key) throws -> Float { try decoder.get(t) }
    func decode(_ t: Int.Type, forKey key: Key) throws -> Int { try decoder.get(signed: t) }
    func decode(_ t: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.get(t) }
    func decode(_ t: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.get(signed: t) }
    func decode(_ t: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.get(signed: t) }
    func decode(_ t: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.get(signed: t) }
    func decode(_ t: UInt.Type, forKey key: Key) throws -> UInt { try decoder.get(unsigned: t) }
    func decode(_ t: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.get(t) }
    func decode(_ t: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.get(unsigned: t) }
    func decode(_ t: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.get(unsigned: t) }
    func decode(_ t: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.get(unsigned: t) }
    func decode<T: Decodable>(_ t: T.Type, forKey key: Key) throws -> T { try decoder.decodeValue(t) }

    func decodeIfPresent(_ t: Bool.Type, forKey k: Key) throws -> Bool? { try decode(Bool?.self, forKey: k) }
    func decodeIfPresent(_ t: String.Type, forKey k: Key) throws -> String? { try decode(String?.self, forKey: k) }
    func decodeIfPresent(_ t: Double.Type, forKey k: Key) throws -> Double? { try decode(Double?.self, forKey: k) }
    func decodeIfPresent(_ t: Float.Type, forKey k: Key) throws -> Float? { try decode(Float?.self, forKey: k) }
    func decodeIfPresent(_ t: Int.Type, forKey k: Key) throws -> Int? { try decode(Int?.self, forKey: k) }
    func decodeIfPresent(_ t: Int8.Type, forKey k: Key) throws -> Int8? { try decode(Int8?.self, forKey: k) }
    func decodeIfPresent(_ t: Int16.Type, forKey k: Key) throws -> Int16? { try decode(Int16?.self, forKey: k) }
    func decodeIfPresent(_ t: Int32.Type, forKey k: Key) throws -> Int32? { try decode(Int32?.self, forKey: k) }
    func decodeIfPresent(_ t: Int64.Type, forKey k: Key) throws -> Int64? { try decode(Int64?.self, forKey: k) }
    func decodeIfPresent(_ t: UInt.Type, forKey k: Key) throws -> UInt? { try decode(UInt?.self, forKey: k) }
    func decodeIfPresent(_ t: UInt8.Type, forKey k: Key) throws -> UInt8? { try decode(UInt8?.self, forKey: k) }
    func decodeIfPresent(_ t: UInt16.Type, forKey k: Key) throws -> UInt16? { try decode(UInt16?.self, forKey: k) }
    func decodeIfPresent(_ t: UInt32.Type, forKey k: Key) throws -> UInt32? { try decode(UInt32?.self, forKey: k) }
    func decodeIfPresent(_ t: UInt64.Type, forKey k: Key) throws -> UInt64? { try decode(UInt64?.self, forKey: k) }
    func decodeIfPresent<T: Decodable>(_ t: T.Type, forKey k: Key) throws -> T? { try decode(T?.self, forKey: k) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(_BinaryKeyedDecoding<NestedKey>(decoder: decoder))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try _BinaryUnkeyedDecoding(decoder: decoder)
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
}
