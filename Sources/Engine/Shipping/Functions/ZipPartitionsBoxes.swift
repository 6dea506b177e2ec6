import Runtime
import Scheduler
import Storage

@usableFromInline struct ZipPartitionsBox<A, B, S> {
    @usableFromInline let f: @Sendable (PartitionIterator<A>, PartitionIterator<B>) throws -> S
    @inlinable init(f: @escaping @Sendable (PartitionIterator<A>, PartitionIterator<B>) throws -> S) { self.f = f }
}

@usableFromInline struct ZipPartitions3Box<A, B, C, S> {
    @usableFromInline let f: @Sendable (PartitionIterator<A>, PartitionIterator<B>, PartitionIterator<C>) throws -> S
    @inlinable init(f: @escaping @Sendable (PartitionIterator<A>, PartitionIterator<B>, PartitionIterator<C>) throws -> S) {
        self.f = f
    }
}

extension ShippedFunction {
    /// `(PartitionIterator<A>, PartitionIterator<B>) throws -> S`: zipPartitions of two RDDs.
    @inlinable
    public static func zippedPartitions<A, B, S>(
        _ f: @escaping @Sendable (PartitionIterator<A>, PartitionIterator<B>) throws -> S
    ) -> ShippedFunction {
        boxed(ZipPartitionsBox(f: f))
    }

    /// `(PartitionIterator<A>, PartitionIterator<B>, PartitionIterator<C>) throws -> S`: zipPartitions of three RDDs.
    @inlinable
    public static func zippedPartitions<A, B, C, S>(
        _ f: @escaping @Sendable (PartitionIterator<A>, PartitionIterator<B>, PartitionIterator<C>) throws -> S
    ) -> ShippedFunction {
        boxed(ZipPartitions3Box(f: f))
    }
}

extension ReplayInput {
    /// Function `index` of shape `(PartitionIterator<A>, PartitionIterator<B>) throws -> S`.
    @inlinable
    public func zippedPartitionsFunction<A, B, S>(_ index: Int, _: A.Type, _: B.Type, _: S.Type) throws(ShippingError)
        -> @Sendable (PartitionIterator<A>, PartitionIterator<B>) throws -> S {
        try shipped(index).unboxed(ZipPartitionsBox<A, B, S>.self) {
            ($0 as? @Sendable (PartitionIterator<A>, PartitionIterator<B>) throws -> S).map(ZipPartitionsBox.init)
        }.f
    }

    /// Function `index` of shape `(PartitionIterator<A>, PartitionIterator<B>, PartitionIterator<C>) throws -> S`.
    @inlinable
    public func zippedPartitionsFunction<A, B, C, S>(_ index: Int, _: A.Type, _: B.Type, _: C.Type, _: S.Type)
        throws(ShippingError) -> @Sendable (PartitionIterator<A>, PartitionIterator<B>, PartitionIterator<C>) throws -> S {
        try shipped(index).unboxed(ZipPartitions3Box<A, B, C, S>.self) {
            ($0 as? @Sendable (PartitionIterator<A>, PartitionIterator<B>, PartitionIterator<C>) throws -> S)
                .map(ZipPartitions3Box.init)
        }.f
    }
}
