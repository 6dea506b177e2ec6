import Scheduler
import Storage

/// Writes and reads one kind of record in the shuffle's compact binary format.
/// Built once per shuffle in the caller's (specialized) code. Not API: no public call takes
/// one, and its functions use Storage's ByteWriter and ByteReader, which a job does not see.
@usableFromInline
package struct ElementCodec<T>: Sendable {
    @usableFromInline package let write: @Sendable (T, inout ByteWriter) throws -> Void
    @usableFromInline package let read: @Sendable (inout ByteReader) throws -> T

    /// A codec from explicit functions.
    @inlinable
    package init(write: @escaping @Sendable (T, inout ByteWriter) throws -> Void,
                read: @escaping @Sendable (inout ByteReader) throws -> T) {
        self.write = write
        self.read = read
    }

    /// A codec for a type the engine never writes (its use is a bug, reported as an error).
    @inlinable
    package static func unused(_ what: String) -> ElementCodec<T> {
        ElementCodec(write: { _, _ in throw StorageError.notSerializable("\(what) is not shuffled") },
                     read: { _ in throw StorageError.notSerializable("\(what) is not shuffled") })
    }
}

extension ElementCodec where T: Codable & SendableMetatype {
    /// The codec of a `Codable` type: a fast path for ``BinaryRecord`` types, else the compact binary coder.
    @inlinable
    package static var codable: ElementCodec<T> {
        let c = RecordCodec<T>()
        return ElementCodec(write: { v, w in try c.write(v, to: &w) }, read: { r in try c.read(from: &r) })
    }
}

extension ElementCodec {
    /// The codec of pairs, field after field.
    @inlinable
    package static func pair<A: Codable & SendableMetatype, B: Codable & SendableMetatype>(_: A.Type, _: B.Type) -> ElementCodec<(A, B)> where T == (A, B) {
        let a = RecordCodec<A>(), b = RecordCodec<B>()
        return ElementCodec<(A, B)>(write: { v, w in
            try a.write(v.0, to: &w)
            try b.write(v.1, to: &w)
        }, read: { r in (try a.read(from: &r), try b.read(from: &r)) })
    }
}
