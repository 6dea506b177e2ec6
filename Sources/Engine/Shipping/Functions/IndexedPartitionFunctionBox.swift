import Runtime
import Storage

@usableFromInline struct IndexedPartitionFunctionBox<T, S> {
    @usableFromInline let f: @Sendable (Int, PartitionIterator<T>) throws -> S
    @inlinable init(f: @escaping @Sendable (Int, PartitionIterator<T>) throws -> S) { self.f = f }
}
