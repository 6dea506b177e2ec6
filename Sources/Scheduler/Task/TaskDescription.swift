import Broadcast

/// What kind of task: a shuffle map task writes shuffle output; a result task returns a value.
public enum TaskKind: Sendable, Equatable {
    /// Writes its partition's shuffle output for shuffle `shuffleId` (Spark's ShuffleMapTask).
    case shuffleMap(shuffleId: Int)
    /// Returns a value for the job's output `outputIndex` (Spark's ResultTask).
    case result(outputIndex: Int)
}

/// One task as launched on an executor: ids, the partition and the broadcast task binary.
public struct TaskDescription: Sendable {
    /// The task attempt's id, unique in the application (Spark's TID).
    public let taskId: Int64
    /// The job that submitted the stage.
    public let jobId: Int
    /// The stage the task belongs to.
    public let stageId: Int
    /// The stage attempt (0, then 1, … when the stage is resubmitted).
    public let stageAttempt: Int
    /// The partition of the stage's RDD the task computes.
    public let partition: Int
    /// Index of this task within its task set.
    public let index: Int
    /// 0 for the first attempt of this task in this stage attempt, then 1, 2, ….
    public let attemptNumber: Int
    /// A shuffle map task or a result task.
    public let kind: TaskKind
    /// The stage's serialized `(rdd, shuffleDep)` or `(rdd, func)`.
    public let binary: BroadcastHandle
    /// The executor the task was offered to (empty when the offer named none), as Spark's
    /// TaskDescription: a cluster backend sends the task down that executor's channel.
    public let executorId: String

    /// A task description; `executorId` empty when the offer named no executor.
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
