import Logging

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
