/// Carries a value across threads where the engine guarantees it is not shared
/// mutably: records are immutable values handed from one thread to another.
@usableFromInline
struct Unchecked<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @inlinable init(_ value: Value) { self.value = value }
}
