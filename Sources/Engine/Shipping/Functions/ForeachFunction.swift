import Runtime
import Storage

/// `(Input) -> Void`, for `foreach` given a named `Codable` function type.
public protocol ForeachFunction: PortableFunction {
    /// The record type it takes.
    associatedtype Input
    /// Called once per record, on the executors; an error it throws fails the task.
    func callAsFunction(_ input: Input) throws
}

extension ForeachFunction {
    /// `callAsFunction` as the closure type `foreach` runs.
    public func shippedClosure() -> Any { { (x: Input) throws -> Void in try self(x) } as @Sendable (Input) throws -> Void }
}
