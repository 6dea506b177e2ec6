import Runtime
import Storage

/// `(Value, Value) -> Bool`, a strict "is ordered before", for `takeOrdered` and `top`.
/// The library's ``Ascending`` uses it for `takeOrdered(_:)` and `top(_:)` of `Comparable`
/// records; the operators that take an ordering take it as a closure.
public protocol OrderingFunction: PortableFunction {
    /// The type of the values it orders.
    associatedtype Value
    /// True when `a` is ordered strictly before `b`.
    func callAsFunction(_ a: Value, _ b: Value) -> Bool
}

extension OrderingFunction {
    /// `callAsFunction` as the closure type `takeOrdered` and `top` run.
    public func shippedClosure() -> Any { { (a: Value, b: Value) -> Bool in self(a, b) } as @Sendable (Value, Value) -> Bool }
}
