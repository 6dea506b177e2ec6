

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
