import Runtime
import Storage

@usableFromInline struct EffectBox<A> {
    @usableFromInline let f: @Sendable (A) throws -> Void
    @inlinable init(f: @escaping @Sendable (A) throws -> Void) { self.f = f }
}
