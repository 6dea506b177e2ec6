import Scheduler

/// The function of a result stage: applied to each partition's stream on a task thread.
@usableFromInline
final class ResultFunction<T, U>: JobFunction, @unchecked Sendable {
    // Unchecked: the closure is @Sendable and never changes.
    @usableFromInline let body: @Sendable (TaskContext, PartitionStream<T>) throws -> U

    @inlinable
    init(_ body: @escaping @Sendable (TaskContext, PartitionStream<T>) throws -> U) { self.body = body }
}

/// Runs a result task without knowing T and U statically.
protocol ResultTaskRunning {
    func runResultTask(rdd: any LineageNode, partition: Int, context: TaskContext) throws -> TaskResultValue
}

extension ResultFunction: ResultTaskRunning {
    func runResultTask(rdd: any LineageNode, partition: Int, context: TaskContext) throws -> TaskResultValue {
        guard let typed = rdd as? RDD<T> else {
            throw TaskBinaryError.mismatch("result stage RDD \(rdd.debugName) does not produce \(T.self)")
        }
        let value = try body(context, try typed.iterator(partition, context))
        return TaskResultValue(value)
    }
}

/// Runs a shuffle map task without knowing the key and value types statically.
protocol ShuffleMapRunning {
    func runMapTask(partition: Int, context: TaskContext) throws -> MapStatus
}

/// A task binary that cannot be decoded.
enum TaskBinaryError: Error, CustomStringConvertible {
    case mismatch(String)
    case unknown(String)
    var description: String {
        switch self {
        case .mismatch(let s): return "task binary mismatch: \(s)"
        case .unknown(let s): return "unknown task binary: \(s)"
        }
    }
}
