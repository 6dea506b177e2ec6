

/// A job the DAGScheduler is running: its final stage and which outputs have arrived.
public struct ActiveJob: Sendable {
    /// The job id.
    public let id: Int
    /// The result stage.
    public let finalStageId: Int
    /// Partitions of the final RDD to compute; output index i is partitions[i].
    public let partitions: [Int]
    /// What each result task applies to its partition.
    public let function: any JobFunction
    /// The action's call site: `collect at WordCount.swift:21`.
    public let callSite: String
    /// When the job was submitted, on the scheduler's clock.
    public let submittedAt: Double
    /// Which outputs have arrived, by output index.
    public var finished: [Bool]
    /// How many outputs have arrived.
    public var numFinished = 0
    /// Stages this job submitted at least once (the rest of its lineage was skipped).
    public var submittedStages: Set<Int> = []
    /// Metrics of this job's successful tasks.
    public var metrics = TaskMetrics()
    /// Successful tasks run for this job.
    public var tasksRun = 0
}
