import Synchronization

/// Runs every task in this process on one ``Executor`` with `cores` threads, as Spark's
/// LocalSchedulerBackend and LocalEndpoint: it counts free cores, offers them when tasks
/// are submitted or finish, and passes status updates to the scheduler.
public final class LocalSchedulerBackend: SchedulerBackend {
    /// The executor's task threads (N of `local[N]`).
    public let cores: Int
    private let freeCores: Mutex<Int>
    private let schedulerBox = Mutex<TaskSchedulerImpl?>(nil)
    private let executorBox = Mutex<Executor?>(nil)
    private let makeExecutor: @Sendable (@escaping @Sendable (Int64, TaskEndReason, TaskMetrics) -> Void) -> Executor
    /// Serializes offer rounds, as LocalEndpoint's single message loop does.
    private let offerLock = Mutex(())

    /// `makeExecutor` builds the executor given the status callback it must report to.
    public init(cores: Int,
                makeExecutor: @escaping @Sendable (@escaping @Sendable (Int64, TaskEndReason, TaskMetrics) -> Void) -> Executor) {
        self.cores = cores
        self.freeCores = Mutex(cores)
        self.makeExecutor = makeExecutor
    }

    /// ``cores``, as Spark's local backend.
    public var defaultParallelism: Int { cores }

    /// Builds the executor and remembers the scheduler to offer its cores to.
    public func start(scheduler: TaskSchedulerImpl) {
        schedulerBox.withLock { $0 = scheduler }
        let executor = makeExecutor { [weak self] taskId, reason, metrics in
            self?.statusUpdate(taskId: taskId, reason: reason, metrics: metrics)
        }
        executorBox.withLock { $0 = executor }
    }

    /// Offers the free cores to the scheduler and launches the tasks it returns, one offer
    /// round at a time.
    public func reviveOffers() {
        guard let scheduler = schedulerBox.withLock({ $0 }), let executor = executorBox.withLock({ $0 }) else { return }
        offerLock.withLock { _ in
            let free = freeCores.withLock { $0 }
            guard free > 0 else { return }
            let tasks = scheduler.resourceOffers([WorkerOffer(executorId: executor.executorId, host: "localhost", cores: free)])
            freeCores.withLock { $0 -= tasks.count }
            for t in tasks { executor.launchTask(t) }
        }
    }

    private func statusUpdate(taskId: Int64, reason: TaskEndReason, metrics: TaskMetrics) {
        freeCores.withLock { $0 += 1 }
        schedulerBox.withLock { $0 }?.statusUpdate(taskId: taskId, reason: reason, metrics: metrics)
        reviveOffers()
    }

    /// Asks the executor to stop the task; it ends at its next interruption check.
    public func killTask(taskId: Int64, executorId: String, reason: String) {
        executorBox.withLock { $0 }?.killTask(taskId, reason: reason)
    }

    /// Stops the executor's task threads.
    public func stop() {
        executorBox.withLock { $0 }?.stop()
    }
}
