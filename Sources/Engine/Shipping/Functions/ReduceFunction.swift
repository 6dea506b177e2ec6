import Runtime
import Storage

/// `(Value, Value) -> Value`, for ``RDD/reduce(_:file:line:)-(F,_,_)`` (and `max`, `min`).
public protocol ReduceFunction: PortableFunction {
    /// The type of the values it combines (and returns).
    associatedtype Value
    /// Combines two values; it must be associative and commutative, since partial results are
    /// combined in any order. An error it throws fails the task (or the action, on the driver).
    func callAsFunction(_ a: Value, _ b: Value) throws -> Value
}

extension ReduceFunction {
    /// `callAsFunction` as the closure type ``RDD/reduce(_:file:line:)-(F,_,_)`` runs.
    public func shippedClosure() -> Any {
        { (a: Value, b: Value) throws -> Value in try self(a, b) } as @Sendable (Value, Value) throws -> Value
    }
}
