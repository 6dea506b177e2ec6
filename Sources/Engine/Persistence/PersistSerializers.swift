import Runtime
import Scheduler
import Storage
import Synchronization
import Threads

/// Serializers of cached partitions: a chunk of records in the binary record format.
@usableFromInline
enum PersistSerializers {
    /// The serializer of `T` when it is Codable or a pair of Codable values (found at run time), else nil.
    @usableFromInline
    static func dynamic<T>(_: T.Type) -> BlockSerializer<T>? {
        if let c = T.self as? any (Codable & SendableMetatype).Type { return opened(c, as: T.self) }
        if _typeName(T.self).hasPrefix("(") {
            let pairs = PairOfCodables<T>()
            return BlockSerializer(encode: { try pairs.encode($0) }, decode: { try pairs.decode($0) })
        }
        return nil
    }

    private static func opened<C: Codable & SendableMetatype, T>(_: C.Type, as _: T.Type) -> BlockSerializer<T> {
        let codec = ElementCodec<C>.codable
        // C is T itself (`dynamic` opened T.self as C), so neither `as!` can fail.
        return BlockSerializer(ElementCodec<T>(write: { x, w in try codec.write(x as! C, &w) }, read: { r in try codec.read(&r) as! T }))
    }
}
