import Threads

/// Why a job did not succeed.
public struct JobFailedError: Error, CustomStringConvertible, Sendable {
    /// The job that failed.
    public let jobId: Int
    /// `Job aborted due to stage failure: …`, or why it was cancelled.
    public let reason: String
    /// True when the job was cancelled rather than failed.
    public let cancelled: Bool
    /// The ``reason``.
    public var description: String { reason }
}

/// Waits for a job: hands each partition's result to the caller as it arrives and
/// completes when all have arrived or the job failed, as Spark's JobWaiter.
public final class JobWaiter: Sendable {
    /// The job waited for.
    public let jobId: Int
    /// The number of partitions whose results are awaited.
    public let totalTasks: Int
    private let resultHandler: @Sendable (Int, TaskResultValue) -> Void
    /// The job's outcome: set once, by the first `finish`.
    private let outcome = Latch<Result<JobSummary, JobFailedError>>()
    private weak let scheduler: DAGScheduler?

    init(jobId: Int, totalTasks: Int, scheduler: DAGScheduler?,
         resultHandler: @escaping @Sendable (Int, TaskResultValue) -> Void) {
        self.jobId = jobId
        self.totalTasks = totalTasks
        self.scheduler = scheduler
        self.resultHandler = resultHandler
    }

    func taskSucceeded(_ outputIndex: Int, _ value: TaskResultValue) { resultHandler(outputIndex, value) }

    func finish(_ result: Result<JobSummary, JobFailedError>) {
        outcome.fulfill(result)
    }

    /// True once the job succeeded or failed.
    public var isCompleted: Bool { outcome.value != nil }

    /// Blocks the calling thread until the job ends; returns its summary or throws why it failed.
    public func awaitResult() throws(JobFailedError) -> JobSummary {
        try outcome.wait().get()
    }

    /// Asks the scheduler to cancel the job.
    public func cancel(reason: String = "cancelled by the caller") {
        scheduler?.cancelJob(jobId, reason: reason)
    }
}
