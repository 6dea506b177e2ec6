/// Writes and reads values of one type in the family's compact binary form: the one per-type
/// codec, for shuffle records, spills, checkpoints, serialized blocks (through
/// ``BlockSerializer``) and task results (framed with ``encode(_:framedAs:)``).
///
/// Built once per use (a shuffle, a cached RDD, a job) in the caller's specialized code: the
/// hot paths are `@inlinable`, so ``codable`` resolves the record type's fast path at compile
/// time where the caller knows the type.
public struct ElementCodec<T>: Sendable {
    /// Appends one value to the writer.
    @usableFromInline package let write: @Sendable (T, inout ByteWriter) throws -> Void
    /// Reads one value and leaves the reader after it.
    @usableFromInline package let read: @Sendable (inout ByteReader) throws -> T

    /// A codec from explicit functions: `write` appends one value, `read` reads one back and
    /// leaves the reader after it.
    @inlinable
    public init(write: @escaping @Sendable (T, inout ByteWriter) throws -> Void,
                read: @escaping @Sendable (inout ByteReader) throws -> T) {
        self.write = write
        self.read = read
    }

    /// A codec for values that are never serialized (local mode only, or a type the engine
    /// never writes): any use throws ``StorageError/notSerializable(_:)`` with `reason`.
    @inlinable
    package static func unavailable(_ reason: String) -> ElementCodec<T> {
        ElementCodec(write: { _, _ in throw StorageError.notSerializable(reason) },
                     read: { _ in throw StorageError.notSerializable(reason) })
    }

    /// A codec for a type the engine never shuffles (its use is a bug, reported as an error).
    @inlinable
    package static func unused(_ what: String) -> ElementCodec<T> { unavailable("\(what) is not shuffled") }

    /// `value` alone in a delimited ``SerializedFrame`` of `kind`, written in place (no copy).
    public func encode(_ value: T, framedAs kind: SerializedFrame.Kind) throws -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        try SerializedFrame.write(kind, into: &w) { w in try write(value, &w) }
        return w.bytes
    }

    /// The value of `bytes`, which must be exactly one frame of `kind` written by
    /// ``encode(_:framedAs:)``, its payload read to the last byte.
    public func decode(_ bytes: [UInt8], framedAs kind: SerializedFrame.Kind) throws -> T {
        var r = ByteReader(bytes)
        let end = try SerializedFrame.open(kind, from: &r)
        guard end == bytes.count else {
            throw StorageError.corrupt("\(bytes.count - end) bytes follow a \(kind.name) frame")
        }
        let value = try read(&r)
        try SerializedFrame.close(kind, end: end, reader: r)
        return value
    }
}

extension ElementCodec where T: Codable & SendableMetatype {
    /// The codec of a `Codable` type: its ``BinaryRecord`` form when it has one (decided once,
    /// here), else the ``BinaryEncoder``/``BinaryDecoder`` form.
    @inlinable
    public static var codable: ElementCodec<T> {
        let binaryRecord = usesBinaryRecord
        return ElementCodec(write: { v, w in try writeCodable(v, to: &w, binaryRecord: binaryRecord) },
                            read: { r in try readCodable(from: &r, binaryRecord: binaryRecord) })
    }
}

extension ElementCodec where T: Codable {
    /// True when `T` conforms to ``BinaryRecord``, whose form ``codable`` then writes.
    @inlinable
    public static var usesBinaryRecord: Bool { T.self is any BinaryRecord.Type }

    /// Appends `value` in ``codable``'s form; `binaryRecord` is ``usesBinaryRecord``, computed once by the caller.
    @inlinable
    public static func writeCodable(_ value: T, to writer: inout ByteWriter, binaryRecord: Bool) throws(StorageError) {
        // Common record types first: in code specialized for T these tests fold away. Each
        // `as!` follows its `T.self ==` test, so it cannot fail whatever the data.
        if T.self == ByteString.self { (value as! ByteString).write(to: &writer); return }
        if T.self == Int.self { (value as! Int).write(to: &writer); return }
        if T.self == String.self { (value as! String).write(to: &writer); return }
        if T.self == Double.self { (value as! Double).write(to: &writer); return }
        if T.self == Int64.self { (value as! Int64).write(to: &writer); return }
        if binaryRecord, let record = value as? any BinaryRecord {
            record.write(to: &writer)
        } else {
            try BinaryEncoder().encode(value, into: &writer)
        }
    }

    /// Reads one value written by ``writeCodable(_:to:binaryRecord:)``, advancing `reader`.
    @inlinable
    public static func readCodable(from reader: inout ByteReader, binaryRecord: Bool) throws(StorageError) -> T {
        if T.self == ByteString.self { return try ByteString.read(from: &reader) as! T }
        if T.self == Int.self { return try Int.read(from: &reader) as! T }
        if T.self == String.self { return try String.read(from: &reader) as! T }
        if T.self == Double.self { return try Double.read(from: &reader) as! T }
        if T.self == Int64.self { return try Int64.read(from: &reader) as! T }
        if binaryRecord, let type = T.self as? any BinaryRecord.Type {
            return try openRecord(type, &reader)
        }
        return try BinaryDecoder().decode(T.self, from: &reader)
    }

    /// Reads an `R` (which is `T`, learned at run time) and returns it as `T`.
    @inlinable
    static func openRecord<R: BinaryRecord>(_ type: R.Type, _ reader: inout ByteReader) throws(StorageError) -> T {
        let v = try R.read(from: &reader)
        guard let t = v as? T else { throw .notSerializable("\(R.self) read as \(T.self)") }
        return t
    }
}

extension ElementCodec {
    /// The codec of pairs, field after field.
    @inlinable
    package static func pair<A: Codable & SendableMetatype, B: Codable & SendableMetatype>(_: A.Type, _: B.Type) -> ElementCodec<(A, B)> where T == (A, B) {
        let a = ElementCodec<A>.usesBinaryRecord, b = ElementCodec<B>.usesBinaryRecord
        return ElementCodec<(A, B)>(write: { v, w in
            try ElementCodec<A>.writeCodable(v.0, to: &w, binaryRecord: a)
            try ElementCodec<B>.writeCodable(v.1, to: &w, binaryRecord: b)
        }, read: { r in
            (try ElementCodec<A>.readCodable(from: &r, binaryRecord: a),
             try ElementCodec<B>.readCodable(from: &r, binaryRecord: b))
        })
    }
}
