import Runtime
import Scheduler
import Storage

/// Runs a result task without knowing T and U statically.
protocol ResultTaskRunning {
    func runResultTask(rdd: any LineageNode, partition: Int, context: TaskContext) throws -> TaskResultValue
    func runEncodedResultTask(rdd: any LineageNode, partition: Int, context: TaskContext) throws -> [UInt8]
}
