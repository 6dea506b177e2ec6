/// What a stage computes.
public enum StageKind: Sendable {
    /// Writes the map side of a shuffle; available when every partition has an output.
    case shuffleMap(ShuffleDependencyBase)
    /// Applies the job's function to the final RDD's partitions.
    case result(jobId: Int)
}

/// A set of tasks with the same narrow lineage, ending at a shuffle or at the job's result,
/// as Spark's Stage. A value held by ``DAGSchedulerState``.
public struct Stage: Sendable {
    /// The stage id, unique in the application.
    public let id: Int
    /// The last RDD of the stage (its tasks compute this RDD's partitions).
    public let rdd: any LineageNode
    /// A shuffle map stage or a result stage.
    public let kind: StageKind
    /// Ids of the stages that must finish first.
    public let parents: [Int]
    /// The job that created the stage (decides order among waiting stages).
    public let firstJobId: Int
    /// Active jobs that need this stage.
    public var jobIds: Set<Int>
    /// The latest attempt number, -1 before the first submission.
    public var latestAttempt: Int = -1
    /// Partitions whose tasks of the current attempts have not finished.
    public var pendingPartitions: Set<Int> = []
    /// Fetch failures counted against this stage.
    public var failedAttempts: Int = 0
    /// When the latest attempt was submitted.
    public var submittedAt: Double = 0

    /// Number of tasks when every partition runs.
    public var numPartitions: Int { rdd.numPartitions }

    /// `ShuffleMapStage 0 (MapPartitionsRDD[3] at map at WordCount.swift:12)` as Spark logs it.
    public var name: String {
        switch kind {
        case .shuffleMap: return "ShuffleMapStage \(id) (\(rdd.debugName))"
        case .result: return "ResultStage \(id) (\(rdd.debugName))"
        }
    }

    /// The shuffle a map stage writes, nil for a result stage.
    public var shuffleDependency: ShuffleDependencyBase? {
        if case .shuffleMap(let d) = kind { return d }
        return nil
    }
}

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
