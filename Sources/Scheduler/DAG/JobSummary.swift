

/// What a finished job reports.
///
/// `EngineContext.lastJobSummary` holds the last one; it is logged as `Job 3 summary: …` at
/// `engine.log.level=info`.
public struct JobSummary: Sendable, Equatable {
    /// The job's id.
    public let jobId: Int
    /// The action's call site: `collect at WordCount.swift:21`.
    public let callSite: String
    /// Wall time from submission to the last result.
    public let seconds: Double
    /// Stages that ran in this job, in id order.
    public let stagesRun: [Int]
    /// Stages of the job's lineage whose output already existed (not run).
    public let stagesSkipped: [Int]
    /// Successful tasks the job ran.
    public let tasksRun: Int
    /// The sum of the job's successful tasks' metrics.
    public let metrics: TaskMetrics
}
