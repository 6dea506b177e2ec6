import Runtime
import Scheduler
import Storage

@usableFromInline
enum ForeachPartitionAction<T>: RDDOperator {
    @inlinable
    static func make(_ f: @escaping @Sendable (PartitionIterator<T>) throws -> Void) -> ResultFunction<T, Void> {
        ResultFunction(.void) { _, s in
            let it = PartitionIterator(s)
            try f(it)
            try it.rethrowIfFailed()
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.partitionEffect(0, T.self)) }
}

extension RDD {
    /// `foreachPartition` as one definition (see ``foreach(shipping:_:file:line:)``).
    @inlinable
    func foreachPartition(shipping shipped: ShippedFunction, _ f: @escaping @Sendable (PartitionIterator<T>) throws -> Void,
                          file: String, line: Int) throws(EngineError) {
        _ = try context.runJob(self, callSite: "foreachPartition at \(makeCallSite(file, line))",
                               function: context.recordCall(ForeachPartitionAction<T>.self, "foreachPartition", inputs: [self],
                                                            functions: [shipped], file: file, line: line) {
                                   ForeachPartitionAction<T>.make(f) })
    }
}
