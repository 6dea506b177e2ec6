import Logging

/// A task's end, as the TaskScheduler reports it to the DAGScheduler
/// (successes and fetch failures; other failures are retried by the TaskSetManager).
public struct TaskCompletion: Sendable {
    /// The task attempt's id (TID).
    public let taskId: Int64
    /// The task's stage.
    public let stageId: Int
    /// The stage attempt the task was launched for.
    public let stageAttempt: Int
    /// The partition the task computed.
    public let partition: Int
    /// A shuffle map task or a result task.
    public let kind: TaskKind
    /// How it ended: success with its output, or a fetch failure.
    public let reason: TaskEndReason
    /// The task's metrics, accumulator updates included.
    public let metrics: TaskMetrics

    /// A completion report.
    public init(taskId: Int64, stageId: Int, stageAttempt: Int, partition: Int, kind: TaskKind,
                reason: TaskEndReason, metrics: TaskMetrics = TaskMetrics()) {
        self.taskId = taskId
        self.stageId = stageId
        self.stageAttempt = stageAttempt
        self.partition = partition
        self.kind = kind
        self.reason = reason
        self.metrics = metrics
    }
}
