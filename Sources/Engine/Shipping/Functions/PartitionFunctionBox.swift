import Runtime
import Storage

@usableFromInline struct PartitionFunctionBox<T, S> {
    @usableFromInline let f: @Sendable (PartitionIterator<T>) throws -> S
    @inlinable init(f: @escaping @Sendable (PartitionIterator<T>) throws -> S) { self.f = f }
}
