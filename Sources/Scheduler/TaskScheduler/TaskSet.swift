import Broadcast

/// The tasks of one stage attempt, ready to launch, as Spark's TaskSet.
public struct TaskSet: Sendable {
    public let stageId: Int
    public let stageAttempt: Int
    public let jobId: Int
    public let stageName: String
    public let tasks: [(partition: Int, kind: TaskKind)]
    /// The broadcast stage binary every task of the set carries.
    public let binary: BroadcastHandle
    /// Where each task is best run (executor ids or hosts); empty for any.
    public var preferredLocations: [[String]] = []

    public init(stageId: Int, stageAttempt: Int, jobId: Int, stageName: String,
                tasks: [(partition: Int, kind: TaskKind)], binary: BroadcastHandle) {
        self.stageId = stageId
        self.stageAttempt = stageAttempt
        self.jobId = jobId
        self.stageName = stageName
        self.tasks = tasks
        self.binary = binary
    }

    public var id: String { "\(stageId).\(stageAttempt)" }
}

/// Free cores on one executor, offered to the TaskScheduler.
public struct WorkerOffer: Sendable {
    public let executorId: String
    public let host: String
    public let cores: Int
    public init(executorId: String, host: String, cores: Int) {
        self.executorId = executorId
        self.host = host
        self.cores = cores
    }
}
