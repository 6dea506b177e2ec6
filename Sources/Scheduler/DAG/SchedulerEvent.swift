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

/// The events the DAGScheduler's loop handles, as Spark's DAGSchedulerEvent.
public enum DAGSchedulerEvent: Sendable {
    /// An action asked for `function` on `partitions` of `rdd` (Spark's `JobSubmitted`).
    case jobSubmitted(jobId: Int, rdd: any LineageNode, function: any JobFunction, partitions: [Int], callSite: String)
    /// A task ended (Spark's `CompletionEvent`).
    case taskCompleted(TaskCompletion)
    /// The TaskSetManager gave up on a stage attempt (a task failed maxFailures times).
    case taskSetFailed(stageId: Int, stageAttempt: Int, reason: String)
    /// Serializing or broadcasting a stage's task binary failed.
    case stageSubmissionFailed(stageId: Int, reason: String)
    /// Cancel job `jobId` (Spark's `JobCancelled`).
    case jobCancelled(jobId: Int, reason: String)
    /// Cancel every running job (Spark's `AllJobsCancelled`).
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
    /// The ContextCleaner removed shuffle `shuffleId`, which nothing refers to any more: its
    /// map outputs are forgotten.
    case shuffleUnregistered(shuffleId: Int)
}

/// A task set to launch: one task per partition to compute.
public struct TaskSetRequest: Sendable {
    /// The stage.
    public let stageId: Int
    /// Its attempt number.
    public let stageAttempt: Int
    /// The job that submitted it.
    public let jobId: Int
    /// `ShuffleMapStage 0 (map at WordCount.swift:12)`, for logs.
    public let stageName: String
    /// What to serialize into the task binary.
    public let source: StageBinarySource
    /// One entry per task: the partition and the kind of task.
    public let tasks: [(partition: Int, kind: TaskKind)]
    /// Executor ids or hosts where each task is best run (cached partitions), as Spark's getPreferredLocs.
    public var preferredLocations: [[String]] = []
}

/// What the state machine asks its shell to do.
public enum SchedulerDirective: Sendable {
    /// Create the MapOutputTracker's entry for a shuffle of `numMaps` map tasks.
    case registerShuffle(shuffleId: Int, numMaps: Int)
    /// Record a finished map task's output.
    case registerMapOutput(shuffleId: Int, status: MapStatus)
    /// Forget a map output (all of the shuffle's when `mapIndex` is nil) after a fetch failure.
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
    /// Hand a result task's value to the job's waiter.
    case deliverResult(jobId: Int, outputIndex: Int, value: TaskResultValue)
    /// Every partition of the job has its result: wake its waiter.
    case jobSucceeded(JobSummary)
    /// Fail the job with `reason` (`cancelled` when it was cancelled).
    case jobFailed(jobId: Int, reason: String, cancelled: Bool)
    /// Post ``DAGSchedulerEvent/resubmitFailedStages`` after `seconds`.
    case scheduleResubmit(afterSeconds: Double)
    /// Write a log line.
    case log(Logger.Level, String)
}
