import Runtime
import Scheduler
import Storage

/// Serializers of cached partitions, task results and shipped values: a chunk of records in the
/// binary record format, with the codec ``ShapeCodecs`` builds for the record type.
@usableFromInline
enum PersistSerializers {
    /// The serializer of `T` when it is Codable, or a tuple, optional or array of serializable
    /// parts (`(K, (V, W?))`, `[(K, V)]`, …), else nil.
    @usableFromInline
    static func dynamic<T>(_: T.Type) -> BlockSerializer<T>? {
        guard let codec = try? ElementCodec<T>.shaped() else { return nil }
        return BlockSerializer(codec)
    }

    /// Why `T` cannot be serialized (nil when it can): names the part that is not Codable.
    @usableFromInline
    static func failure<T>(_: T.Type) -> String? {
        do {
            _ = try ElementCodec<T>.shaped()
            return nil
        } catch {
            return "\(error)"
        }
    }
}
