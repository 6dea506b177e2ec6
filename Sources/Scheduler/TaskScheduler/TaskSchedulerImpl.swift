import Logging
import Synchronization

/// Schedules task sets onto the cores a ``SchedulerBackend`` offers, as Spark's
/// TaskSchedulerImpl: FIFO by job then stage, one ``TaskSetManager`` per stage attempt.
///
/// Lock order: the backend may call in while holding its own lock; this class never
/// calls the backend or the DAGScheduler while holding `state`.
public final class TaskSchedulerImpl: Sendable {
    private struct Key: Hashable { let stageId: Int; let attempt: Int }
    private struct State {
        var managers: [Key: TaskSetManager] = [:]
        var taskToKey: [Int64: Key] = [:]
        var taskToExecutor: [Int64: String] = [:]
        var nextTaskId: Int64 = 0
    }

    private let state = Mutex(State())
    private let sink = Mutex<(@Sendable (DAGSchedulerEvent) -> Void)?>(nil)
    private let backendBox = Mutex<(any SchedulerBackend)?>(nil)
    /// `engine.task.maxFailures`.
    public let maxTaskFailures: Int
    private let logger: Logger

    public init(maxTaskFailures: Int, logger: Logger = Logger(label: "engine.TaskSchedulerImpl")) {
        self.maxTaskFailures = maxTaskFailures
        self.logger = logger
    }

    /// Connects the backend and starts it.
    public func start(backend: any SchedulerBackend) {
        backendBox.withLock { $0 = backend }
        backend.start(scheduler: self)
    }

    /// Where task completions and task-set failures go (the DAGScheduler's event queue).
    public func setEventSink(_ post: @escaping @Sendable (DAGSchedulerEvent) -> Void) {
        sink.withLock { $0 = post }
    }

    private var backend: (any SchedulerBackend)? { backendBox.withLock { $0 } }

    /// The backend's default parallelism.
    public var defaultParallelism: Int { backend?.defaultParallelism ?? 1 }

    /// Accepts the tasks of a stage attempt; earlier attempts of the stage stop launching tasks.
    public func submitTasks(_ taskSet: TaskSet) {
        state.withLock { s in
            for (k, _) in s.managers where k.stageId == taskSet.stageId { s.managers[k]!.markZombie() }
            s.managers[Key(stageId: taskSet.stageId, attempt: taskSet.stageAttempt)] =
                TaskSetManager(taskSet: taskSet, maxFailures: maxTaskFailures)
        }
        logger.info("Adding task set \(taskSet.id) with \(taskSet.tasks.count) tasks")
        backend?.reviveOffers()
    }

    /// Stops every attempt of a stage: no more launches, running tasks killed.
    public func cancelTasks(stageId: Int, reason: String) {
        let toKill: [(Int64, String)] = state.withLock { s in
            var kill: [(Int64, String)] = []
            for (k, var m) in s.managers where k.stageId == stageId {
                for t in m.runningTaskIds { kill.append((t, s.taskToExecutor[t] ?? "")) }
                m.markZombie()
                s.managers.removeValue(forKey: k)
            }
            for (t, _) in kill {
                s.taskToKey.removeValue(forKey: t)
                s.taskToExecutor.removeValue(forKey: t)
            }
            return kill
        }
        if !toKill.isEmpty { logger.info("Stage \(stageId) was cancelled: killing \(toKill.count) running tasks") }
        for (t, e) in toKill { backend?.killTask(taskId: t, executorId: e, reason: reason) }
    }

    /// Fills the offered cores with pending tasks, FIFO by job and stage.
    public func resourceOffers(_ offers: [WorkerOffer]) -> [TaskDescription] {
        state.withLock { s in
            var launched: [TaskDescription] = []
            let order = s.managers.keys.sorted {
                let a = s.managers[$0]!.taskSet, b = s.managers[$1]!.taskSet
                return (a.jobId, a.stageId, a.stageAttempt) < (b.jobId, b.stageId, b.stageAttempt)
            }
            var free = offers.map(\.cores)
            var progress = true
            while progress {
                progress = false
                for (i, offer) in offers.enumerated() where free[i] > 0 {
                    for key in order where s.managers[key]!.hasPendingTasks {
                        let tid = s.nextTaskId
                        if let desc = s.managers[key]!.resourceOffer(taskId: tid, executorId: offer.executorId,
                                                                     host: offer.host) {
                            s.nextTaskId += 1
                            s.taskToKey[tid] = key
                            s.taskToExecutor[tid] = offer.executorId
                            launched.append(desc)
                            free[i] -= 1
                            progress = true
                            break
                        }
                    }
                }
            }
            return launched
        }
    }

    /// Records the end of a task and tells the DAGScheduler what it means.
    public func statusUpdate(taskId: Int64, reason: TaskEndReason, metrics: TaskMetrics) {
        let result: (TaskSetManager.Verdict, Key)? = state.withLock { s in
            guard let key = s.taskToKey.removeValue(forKey: taskId), s.managers[key] != nil else { return nil }
            let exec = s.taskToExecutor.removeValue(forKey: taskId) ?? "?"
            let v = s.managers[key]!.handleTaskEnd(taskId: taskId, reason: reason, metrics: metrics, executorId: exec)
            if s.managers[key]!.isFinished { s.managers.removeValue(forKey: key) }
            return (v, key)
        }
        guard let (verdict, key) = result else { return }
        let post = sink.withLock { $0 }
        switch verdict {
        case .ignore:
            break
        case .report(let completion):
            post?(.taskCompleted(completion))
        case .retry(let message):
            // Info, not warning: the job's own error line says what finally failed.
            logger.info("\(message)")
            backend?.reviveOffers()
        case .abort(let reason):
            logger.info("\(reason); aborting job")
            post?(.taskSetFailed(stageId: key.stageId, stageAttempt: key.attempt, reason: reason))
        }
    }

    /// Number of task sets still known (for tests and shutdown).
    public var activeTaskSets: Int { state.withLock { $0.managers.count } }
}
