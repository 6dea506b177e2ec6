import Runtime
import Storage

/// `(Input) -> Bool`, for ``RDD/filter(_:file:line:)-(F,_,_)``.
public protocol FilterFunction: PortableFunction {
    /// The record type it takes.
    associatedtype Input
    /// True to keep `input`. Called once per record, on task threads; an error it throws fails the task.
    func callAsFunction(_ input: Input) throws -> Bool
}

extension FilterFunction {
    /// `callAsFunction` as the closure type ``RDD/filter(_:file:line:)-(F,_,_)`` runs.
    public func shippedClosure() -> Any { { (x: Input) throws -> Bool in try self(x) } as @Sendable (Input) throws -> Bool }
}
