import Broadcast

/// The tasks of one stage attempt, ready to launch, as Spark's TaskSet.
public struct TaskSet: Sendable {
    /// The stage.
    public let stageId: Int
    /// The stage attempt.
    public let stageAttempt: Int
    /// The job that submitted the stage.
    public let jobId: Int
    /// `ShuffleMapStage 0 (…)`, for logs.
    public let stageName: String
    /// One entry per task: its partition and kind.
    public let tasks: [(partition: Int, kind: TaskKind)]
    /// The broadcast stage binary every task of the set carries.
    public let binary: BroadcastHandle
    /// Where each task is best run (executor ids or hosts); empty for any.
    public var preferredLocations: [[String]] = []

    /// A task set without preferred locations.
    public init(stageId: Int, stageAttempt: Int, jobId: Int, stageName: String,
                tasks: [(partition: Int, kind: TaskKind)], binary: BroadcastHandle) {
        self.stageId = stageId
        self.stageAttempt = stageAttempt
        self.jobId = jobId
        self.stageName = stageName
        self.tasks = tasks
        self.binary = binary
    }

    /// `STAGE.ATTEMPT`, as Spark names task sets.
    public var id: String { "\(stageId).\(stageAttempt)" }
}

/// Free cores on one executor, offered to the TaskScheduler.
public struct WorkerOffer: Sendable {
    /// The executor offering.
    public let executorId: String
    /// Its host.
    public let host: String
    /// Its free cores.
    public let cores: Int
    /// An offer.
    public init(executorId: String, host: String, cores: Int) {
        self.executorId = executorId
        self.host = host
        self.cores = cores
    }
}
