import Logging

/// A task's end, as the TaskScheduler reports it to the DAGScheduler
/// (successes and fetch failures; other failures are retried by the TaskSetManager).
public struct TaskCompletion: Sendable {
    public let taskId: Int64
    public let stageId: Int
    public let stageAttempt: Int
    public let partition: Int
    public let kind: TaskKind
    public let reason: TaskEndReason
    public let metrics: TaskMetrics

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

/// The events the DAGScheduler's loop handles, as Spark's DAGSchedulerEvent.
public enum DAGSchedulerEvent: Sendable {
    case jobSubmitted(jobId: Int, rdd: any LineageNode, function: any JobFunction, partitions: [Int], callSite: String)
    case taskCompleted(TaskCompletion)
    /// The TaskSetManager gave up on a stage attempt (a task failed maxFailures times).
    case taskSetFailed(stageId: Int, stageAttempt: Int, reason: String)
    /// Serializing or broadcasting a stage's task binary failed.
    case stageSubmissionFailed(stageId: Int, reason: String)
    case jobCancelled(jobId: Int, reason: String)
    case allJobsCancelled
    /// Time to resubmit stages that failed on fetch failures.
    case resubmitFailedStages
    /// An executor went away: its map outputs are gone (there is no external shuffle service).
    case executorLost(executorId: String, reason: String)
    /// A shuffle map task that had succeeded on a lost executor runs again in its task set
    /// (Spark's `Resubmitted`): its stage waits for that partition again.
    case taskResubmitted(stageId: Int, stageAttempt: Int, partition: Int)
    /// An executor joined (or rejoined under an id that was lost before).
    case executorAdded(executorId: String, host: String)
}

/// A task set to launch: one task per partition to compute.
public struct TaskSetRequest: Sendable {
    public let stageId: Int
    public let stageAttempt: Int
    public let jobId: Int
    public let stageName: String
    public let source: StageBinarySource
    public let tasks: [(partition: Int, kind: TaskKind)]
    /// Executor ids or hosts where each task is best run (cached partitions), as Spark's getPreferredLocs.
    public var preferredLocations: [[String]] = []
}

/// What the state machine asks its shell to do.
public enum SchedulerDirective: Sendable {
    case registerShuffle(shuffleId: Int, numMaps: Int)
    case registerMapOutput(shuffleId: Int, status: MapStatus)
    case unregisterMapOutput(shuffleId: Int, mapIndex: Int?)
    /// Forget every map output stored on an executor, in every shuffle (``MapOutputTrackerMaster/removeOutputsOnExecutor(_:)``).
    case removeOutputsOnExecutor(executorId: String)
    /// Serialize and broadcast the stage's binary, then hand the tasks to the TaskScheduler.
    case submitTasks(TaskSetRequest)
    /// Kill the running tasks of a stage and forget its task sets.
    case cancelTasks(stageId: Int, reason: String)
    /// A stage attempt ended (success or failure): its task binary may be released.
    case stageEnded(stageId: Int)
    /// Merge a counted task's accumulator updates into the driver's values (``AccumulatorRegistry``).
    case mergeAccumulators([Int: AccumulatorUpdate])
    case deliverResult(jobId: Int, outputIndex: Int, value: TaskResultValue)
    case jobSucceeded(JobSummary)
    case jobFailed(jobId: Int, reason: String, cancelled: Bool)
    /// Post ``DAGSchedulerEvent/resubmitFailedStages`` after `seconds`.
    case scheduleResubmit(afterSeconds: Double)
    case log(Logger.Level, String)
}
