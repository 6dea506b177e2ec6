import Runtime
import Storage

/// `(Result, Input) -> Result`: folds one more input into a partial result. It is `aggregate`'s
/// and `aggregateByKey`'s `seqOp` and `combineByKey`'s `mergeValue`, as a named `Codable` type.
public protocol SeqOpFunction: PortableFunction {
    /// The partial result it folds into (and returns).
    associatedtype Result
    /// The record (or value) type it folds in.
    associatedtype Input
    /// `partial` with `input` folded in. Called once per record, on task threads; an error it
    /// throws fails the task.
    func callAsFunction(_ partial: Result, _ input: Input) throws -> Result
}

extension SeqOpFunction {
    /// `callAsFunction` as the closure type the operators run.
    public func shippedClosure() -> Any {
        { (a: Result, b: Input) throws -> Result in try self(a, b) } as @Sendable (Result, Input) throws -> Result
    }
}
