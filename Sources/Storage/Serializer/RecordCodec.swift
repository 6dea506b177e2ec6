/// Serializes records of one type: through ``BinaryRecord`` when `T` conforms
/// (decided once, in `init`), else through ``BinaryEncoder``/``BinaryDecoder``.
///
/// `@inlinable` so that callers specialize it for their record type.
public struct RecordCodec<T: Codable>: Sendable {
    /// True when `T` conforms to ``BinaryRecord``.
    public let usesBinaryRecord: Bool

    /// Creates a codec for `T`.
    @inlinable
    public init() {
        usesBinaryRecord = T.self is any BinaryRecord.Type
    }

    /// Appends `value` to `writer`.
    @inlinable
    public func write(_ value: T, to writer: inout ByteWriter) throws(StorageError) {
        // Common record types first: in code specialized for T these tests fold away. Each
        // `as!` follows its `T.self ==` test, so it cannot fail whatever the data.
        if T.self == ByteString.self { (value as! ByteString).write(to: &writer); return }
        if T.self == Int.self { (value as! Int).write(to: &writer); return }
        if T.self == String.self { (value as! String).write(to: &writer); return }
        if T.self == Double.self { (value as! Double).write(to: &writer); return }
        if T.self == Int64.self { (value as! Int64).write(to: &writer); return }
        if usesBinaryRecord, let record = value as? any BinaryRecord {
            record.write(to: &writer)
        } else {
            try BinaryEncoder().encode(value, into: &writer)
        }
    }

    /// Reads one value from `reader`, advancing it.
    @inlinable
    public func read(from reader: inout ByteReader) throws(StorageError) -> T {
        // As in write: each `as!` follows its `T.self ==` test; bad bytes throw in the reads.
        if T.self == ByteString.self { return try ByteString.read(from: &reader) as! T }
        if T.self == Int.self { return try Int.read(from: &reader) as! T }
        if T.self == String.self { return try String.read(from: &reader) as! T }
        if T.self == Double.self { return try Double.read(from: &reader) as! T }
        if T.self == Int64.self { return try Int64.read(from: &reader) as! T }
        if usesBinaryRecord, let type = T.self as? any BinaryRecord.Type {
            return try Self.open(type, &reader)
        }
        return try BinaryDecoder().decode(T.self, from: &reader)
    }

    @inlinable
    static func open<R: BinaryRecord>(_ type: R.Type, _ reader: inout ByteReader) throws(StorageError) -> T {
        let v = try R.read(from: &reader)
        guard let t = v as? T else { throw .notSerializable("\(R.self) read as \(T.self)") }
        return t
    }
}
