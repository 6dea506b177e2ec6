import Logging

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
