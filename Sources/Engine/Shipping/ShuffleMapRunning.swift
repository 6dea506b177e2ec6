import Runtime
import Scheduler
import Storage

/// Runs a shuffle map task without knowing the key and value types statically.
protocol ShuffleMapRunning {
    func runMapTask(partition: Int, context: TaskContext) throws -> MapStatus
}
