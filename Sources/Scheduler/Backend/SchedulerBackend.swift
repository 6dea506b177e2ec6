/// Where tasks run: hands the TaskScheduler's tasks to executors and their status back,
/// as Spark's SchedulerBackend. Local, cluster (over the network) and test fakes implement it.
public protocol SchedulerBackend: AnyObject, Sendable {
    /// Called once, before any task is submitted.
    func start(scheduler: TaskSchedulerImpl)
    /// Offers free cores to the scheduler and launches what it returns.
    func reviveOffers()
    /// Asks an executor to stop a running task.
    func killTask(taskId: Int64, executorId: String, reason: String)
    /// Stops executors and releases resources.
    func stop()
    /// Default number of partitions for shuffles and parallelize.
    var defaultParallelism: Int { get }
}
