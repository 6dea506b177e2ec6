import Runtime
import Storage

/// `(Input) -> Output`, for ``RDD/map(_:file:line:)->RDD<F.Output>``.
public protocol MapFunction: PortableFunction {
    /// The record type it takes.
    associatedtype Input
    /// What it returns for each record.
    associatedtype Output
    /// The function: called once per record, on task threads. An error it throws fails the task.
    func callAsFunction(_ input: Input) throws -> Output
}

extension MapFunction {
    /// `callAsFunction` as the closure type ``RDD/map(_:file:line:)->RDD<F.Output>`` runs.
    public func shippedClosure() -> Any { { (x: Input) throws -> Output in try self(x) } as @Sendable (Input) throws -> Output }
}
