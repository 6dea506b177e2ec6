import Logging

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
