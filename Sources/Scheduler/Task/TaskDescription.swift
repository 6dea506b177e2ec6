import Broadcast

/// What kind of task: a shuffle map task writes shuffle output; a result task returns a value.
public enum TaskKind: Sendable, Equatable {
    case shuffleMap(shuffleId: Int)
    case result(outputIndex: Int)
}

/// One task as launched on an executor: ids, the partition and the broadcast task binary.
public struct TaskDescription: Sendable {
    public let taskId: Int64
    public let jobId: Int
    public let stageId: Int
    public let stageAttempt: Int
    public let partition: Int
    /// Index of this task within its task set.
    public let index: Int
    /// 0 for the first attempt of this task in this stage attempt, then 1, 2, ….
    public let attemptNumber: Int
    public let kind: TaskKind
    /// The stage's serialized `(rdd, shuffleDep)` or `(rdd, func)`.
    public let binary: BroadcastHandle
    /// The executor the task was offered to (empty when the offer named none), as Spark's
    /// TaskDescription: a cluster backend sends the task down that executor's channel.
    public let executorId: String

    public init(taskId: Int64, jobId: Int, stageId: Int, stageAttempt: Int, partition: Int, index: Int,
                attemptNumber: Int, kind: TaskKind, binary: BroadcastHandle, executorId: String = "") {
        self.taskId = taskId
        self.jobId = jobId
        self.stageId = stageId
        self.stageAttempt = stageAttempt
        self.partition = partition
        self.index = index
        self.attemptNumber = attemptNumber
        self.kind = kind
        self.binary = binary
        self.executorId = executorId
    }

    /// `task 3.1 in stage 2.0 (TID 17)`, as Spark logs it.
    public var name: String { "task \(partition).\(attemptNumber) in stage \(stageId).\(stageAttempt) (TID \(taskId))" }
}
