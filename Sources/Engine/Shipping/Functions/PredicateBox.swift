import Runtime
import Storage

@usableFromInline struct PredicateBox<A> {
    @usableFromInline let f: @Sendable (A) throws -> Bool
    @inlinable init(f: @escaping @Sendable (A) throws -> Bool) { self.f = f }
}
