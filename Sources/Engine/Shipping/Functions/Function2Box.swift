import Runtime
import Storage

@usableFromInline struct Function2Box<A, B, C> {
    @usableFromInline let f: @Sendable (A, B) throws -> C
    @inlinable init(f: @escaping @Sendable (A, B) throws -> C) { self.f = f }
}
