import Runtime
import Storage

/// `(Input) -> some Sequence`, for ``RDD/flatMap(_:file:line:)->RDD<F.Output.Element>``.
public protocol FlatMapFunction: PortableFunction {
    /// The record type it takes.
    associatedtype Input
    /// The sequence it returns for each record; its elements are the new RDD's records.
    associatedtype Output: Sequence
    /// The function: called once per record, on task threads. An error it throws fails the task.
    func callAsFunction(_ input: Input) throws -> Output
}

extension FlatMapFunction {
    /// `callAsFunction` as the closure type ``RDD/flatMap(_:file:line:)->RDD<F.Output.Element>`` runs.
    public func shippedClosure() -> Any { { (x: Input) throws -> Output in try self(x) } as @Sendable (Input) throws -> Output }
}
