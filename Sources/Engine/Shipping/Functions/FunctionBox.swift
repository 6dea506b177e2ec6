import Runtime
import Storage

/// Boxes holding a closure at exactly the function type an operator declares.
@usableFromInline struct FunctionBox<A, B> {
    @usableFromInline let f: @Sendable (A) throws -> B
    @inlinable init(f: @escaping @Sendable (A) throws -> B) { self.f = f }
}
