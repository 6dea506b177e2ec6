import Runtime
import Storage

@usableFromInline struct PartitionEffectBox<T> {
    @usableFromInline let f: @Sendable (PartitionIterator<T>) throws -> Void
    @inlinable init(f: @escaping @Sendable (PartitionIterator<T>) throws -> Void) { self.f = f }
}
