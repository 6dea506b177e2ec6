import Logging
import Synchronization

/// Schedules task sets onto the cores a ``SchedulerBackend`` offers, as Spark's
/// TaskSchedulerImpl: FIFO by job then stage, one ``TaskSetManager`` per stage attempt.
///
/// It keeps the executors it knows of (from ``executorAdded(executorId:host:)`` and from
/// offers) so that a task that failed on one executor is retried on another, and handles
/// an executor's loss as Spark's `TaskSchedulerImpl.executorLost`.
///
/// Lock order: the backend may call ``resourceOffers(_:)`` while holding its own lock; this
/// class never calls the backend or the DAGScheduler while holding `state`. The calls that
/// may call back into the backend (``submitTasks(_:)``, ``statusUpdate(taskId:reason:metrics:)``,
/// ``executorLost(executorId:reason:)``) must be made without the backend's lock held.
public final class TaskSchedulerImpl: Sendable {
    private struct Key: Hashable { let stageId: Int; let attempt: Int }
    private struct State {
        var managers: [Key: TaskSetManager] = [:]
        var taskToKey: [Int64: Key] = [:]
        var taskToExecutor: [Int64: String] = [:]
        var nextTaskId: Int64 = 0
        /// Executor id → host, for every executor that registered or offered cores and is not lost.
        var executors: [String: String] = [:]
    }

    private let state = Mutex(State())
    private let sink = Mutex<(@Sendable (DAGSchedulerEvent) -> Void)?>(nil)
    private let backendBox = Mutex<(any SchedulerBackend)?>(nil)
    /// `engine.task.maxFailures`.
    public let maxTaskFailures: Int
    private let logger: Logger

    /// A scheduler that fails a task set after `maxTaskFailures` failures of one task.
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
            for offer in offers where s.executors[offer.executorId] == nil { s.executors[offer.executorId] = offer.host }
            let known = Set(s.executors.keys)
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
                                                                     host: offer.host, knownExecutors: known) {
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
        let result: (TaskSetManager.Verdict, Key, String)? = state.withLock { s in
            guard let key = s.taskToKey.removeValue(forKey: taskId), s.managers[key] != nil else { return nil }
            let exec = s.taskToExecutor.removeValue(forKey: taskId) ?? "?"
            let v = s.managers[key]!.handleTaskEnd(taskId: taskId, reason: reason, metrics: metrics, executorId: exec)
            if s.managers[key]!.isFinished { s.managers.removeValue(forKey: key) }
            return (v, key, exec)
        }
        guard let (verdict, key, exec) = result else { return }
        if case .success = reason {
            // As Spark's TaskSetManager.handleSuccessfulTask.
            let ms = metrics.runTimeNanos / 1_000_000
            logger.info("Finished task TID \(taskId) in stage \(key.stageId).\(key.attempt) in \(ms) ms on executor \(exec)")
        }
        act(on: verdict, key: key)
    }

    /// Tells the DAGScheduler, the log or the backend what a task's end means.
    private func act(on verdict: TaskSetManager.Verdict, key: Key, revive: Bool = true) {
        let post = sink.withLock { $0 }
        switch verdict {
        case .ignore:
            break
        case .report(let completion):
            post?(.taskCompleted(completion))
        case .retry(let message):
            // Info, not warning: the job's own error line says what finally failed.
            logger.info("\(message)")
            if revive { backend?.reviveOffers() }
        case .abort(let reason):
            logger.info("\(reason); aborting job")
            post?(.taskSetFailed(stageId: key.stageId, stageAttempt: key.attempt, reason: reason))
        }
    }

    /// A new executor can run tasks (Spark's `executorAdded`): remembered for retries elsewhere,
    /// and the DAGScheduler hears of it (map outputs it reports are trusted again).
    public func executorAdded(executorId: String, host: String) {
        state.withLock { $0.executors[executorId] = host }
        sink.withLock { $0 }?(.executorAdded(executorId: executorId, host: host))
    }

    /// Executor `executorId` is gone, as Spark's `TaskSchedulerImpl.executorLost`: every task
    /// running there fails with ``TaskEndReason/executorLost(executorId:reason:)`` (not counted
    /// toward `maxFailures`) and is queued again; shuffle map tasks that succeeded there in task
    /// sets still launching tasks are queued again too (their output is gone). Then the
    /// DAGScheduler is told, so that it forgets the executor's map outputs.
    public func executorLost(executorId: String, reason: String) {
        let lost = TaskEndReason.executorLost(executorId: executorId, reason: reason)
        let (verdicts, requeued): ([(TaskSetManager.Verdict, Key)], [(name: String, partition: Int, key: Key)]) =
            state.withLock { s in
            s.executors.removeValue(forKey: executorId)
            var requeued: [(name: String, partition: Int, key: Key)] = []
            for key in s.managers.keys.sorted(by: { ($0.stageId, $0.attempt) < ($1.stageId, $1.attempt) }) {
                requeued += s.managers[key]!.requeueLostOutputs(executorId).map { ($0.name, $0.partition, key) }
            }
            var verdicts: [(TaskSetManager.Verdict, Key)] = []
            for (taskId, exec) in s.taskToExecutor.sorted(by: { $0.key < $1.key }) where exec == executorId {
                s.taskToExecutor.removeValue(forKey: taskId)
                guard let key = s.taskToKey.removeValue(forKey: taskId), s.managers[key] != nil else { continue }
                verdicts.append((s.managers[key]!.handleTaskEnd(taskId: taskId, reason: lost, metrics: TaskMetrics(),
                                                                executorId: executorId), key))
                if s.managers[key]!.isFinished { s.managers.removeValue(forKey: key) }
            }
            return (verdicts, requeued)
        }
        let post = sink.withLock { $0 }
        for r in requeued {
            logger.info("Resubmitted \(r.name): its output was on the lost executor \(executorId)")
            // As Spark's Resubmitted task end: the stage waits for that partition again.
            post?(.taskResubmitted(stageId: r.key.stageId, stageAttempt: r.key.attempt, partition: r.partition))
        }
        for (verdict, key) in verdicts { act(on: verdict, key: key, revive: false) }
        sink.withLock { $0 }?(.executorLost(executorId: executorId, reason: reason))
        if !verdicts.isEmpty || !requeued.isEmpty { backend?.reviveOffers() }
    }

    /// The executors known to be alive (registered or offering cores), by id.
    public var knownExecutors: Set<String> { state.withLock { Set($0.executors.keys) } }

    /// Number of task sets still known (for tests and shutdown).
    public var activeTaskSets: Int { state.withLock { $0.managers.count } }
}
