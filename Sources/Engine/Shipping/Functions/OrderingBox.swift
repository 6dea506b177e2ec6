import Runtime
import Storage

@usableFromInline struct OrderingBox<A> {
    @usableFromInline let f: @Sendable (A, A) -> Bool
    @inlinable init(f: @escaping @Sendable (A, A) -> Bool) { self.f = f }
}
