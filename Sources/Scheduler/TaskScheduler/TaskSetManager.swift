/// Schedules the tasks of one TaskSet, as Spark's TaskSetManager: hands out pending
/// tasks, retries a failed task until it has failed `maxFailures` times, then gives
/// up on the whole set. A value guarded by the TaskScheduler's lock.
///
/// A task that failed on an executor is not offered to that executor again while another
/// known executor has not failed it (Spark's per-task exclusion, in its simplest form).
/// Executor loss is not the task's fault: its tasks run again without counting a failure,
/// and a shuffle map task whose output lived on the lost executor runs again too.
///
/// Invariant: a task index is pending, running or successful, never two of them.
public struct TaskSetManager: Sendable {
    /// The tasks it schedules.
    public let taskSet: TaskSet
    /// Failures of one task before the set is aborted (`engine.task.maxFailures`).
    public let maxFailures: Int
    private var pending: [Int]
    private var running: [Int64: Int] = [:]
    private var successful: [Bool]
    private var failures: [Int]
    private var attempts: [Int]
    /// Executors on which each task index failed with an exception (not killed, not lost).
    private var failedExecutors: [Int: Set<String>] = [:]
    /// Where each successful shuffle map task ran: its output lives there.
    private var successfulOn: [Int: String] = [:]
    /// Tasks that have succeeded.
    public private(set) var tasksSuccessful = 0
    /// No more tasks are launched; set when all succeeded, on abort, or on fetch failure.
    public private(set) var isZombie = false

    /// A manager with every task pending.
    public init(taskSet: TaskSet, maxFailures: Int) {
        self.taskSet = taskSet
        self.maxFailures = maxFailures
        let n = taskSet.tasks.count
        pending = Array((0..<n).reversed())  // popLast gives index 0 first
        successful = Array(repeating: false, count: n)
        failures = Array(repeating: 0, count: n)
        attempts = Array(repeating: 0, count: n)
    }

    /// Ids of the attempts running now.
    public var runningTaskIds: [Int64] { Array(running.keys) }
    /// True when tasks wait to be launched.
    public var hasPendingTasks: Bool { !isZombie && !pending.isEmpty }
    /// True when no more tasks will launch and none is running.
    public var isFinished: Bool { isZombie && running.isEmpty }
    /// True when the set's tasks write shuffle output (their results live on the executors).
    public var isShuffleMapSet: Bool {
        if case .shuffleMap = taskSet.tasks.first?.kind { return true }
        return false
    }

    /// The executors on which task `index` failed.
    public func executorsThatFailed(index: Int) -> Set<String> { failedExecutors[index] ?? [] }

    /// The next task to run on `executorId` at `host`, with `taskId`, or nil if none fits:
    /// a task that prefers this executor or host first (its partition is cached there), else the next.
    /// A task that failed on `executorId` is skipped unless it failed on every executor in
    /// `knownExecutors` (the executors the TaskScheduler knows of; empty means no other choice).
    public mutating func resourceOffer(taskId: Int64, executorId: String = "", host: String = "",
                                       knownExecutors: Set<String> = []) -> TaskDescription? {
        guard !isZombie else { return nil }
        let excluded = failedExecutors
        func allowed(_ i: Int) -> Bool {
            guard let failedOn = excluded[i], failedOn.contains(executorId) else { return true }
            return knownExecutors.isSubset(of: failedOn)
        }
        var position: Int?
        if !taskSet.preferredLocations.isEmpty {
            position = pending.lastIndex { i in
                !successful[i] && allowed(i) && i < taskSet.preferredLocations.count
                    && taskSet.preferredLocations[i].contains { $0 == executorId || $0 == host }
            }
        }
        if position == nil {
            while let last = pending.last, successful[last] { pending.removeLast() }
            position = excluded.isEmpty ? pending.indices.last : pending.lastIndex { !successful[$0] && allowed($0) }
        }
        guard let position else { return nil }
        let index = pending.remove(at: position)
        let t = taskSet.tasks[index]
        let desc = TaskDescription(taskId: taskId, jobId: taskSet.jobId, stageId: taskSet.stageId,
                                   stageAttempt: taskSet.stageAttempt, partition: t.partition, index: index,
                                   attemptNumber: attempts[index], kind: t.kind, binary: taskSet.binary,
                                   executorId: executorId)
        attempts[index] += 1
        running[taskId] = index
        return desc
    }

    /// What a finished task means for the set.
    public enum Verdict: Sendable {
        /// Tell the DAGScheduler (success or fetch failure).
        case report(TaskCompletion)
        /// The task will run again.
        case retry(String)
        /// The set gave up; tell the DAGScheduler with this reason.
        case abort(String)
        /// Nothing to do (a stale or duplicate report).
        case ignore
    }

    /// Handles the end of task `taskId`.
    public mutating func handleTaskEnd(taskId: Int64, reason: TaskEndReason, metrics: TaskMetrics,
                                       executorId: String) -> Verdict {
        guard let index = running.removeValue(forKey: taskId) else { return .ignore }
        let t = taskSet.tasks[index]
        let attempt = attempts[index] - 1
        let name = "task \(t.partition).\(attempt) in stage \(taskSet.id) (TID \(taskId))"
        let completion = TaskCompletion(taskId: taskId, stageId: taskSet.stageId, stageAttempt: taskSet.stageAttempt,
                                        partition: t.partition, kind: t.kind, reason: reason, metrics: metrics)
        switch reason {
        case .success:
            guard !successful[index] else { return .ignore }
            successful[index] = true
            successfulOn[index] = executorId
            tasksSuccessful += 1
            if tasksSuccessful == taskSet.tasks.count { isZombie = true }
            return .report(completion)
        case .fetchFailed:
            successful[index] = true  // not retried here: the parent stage must run again
            isZombie = true
            return .report(completion)
        case .killed(let why):
            if !isZombie && !successful[index] { pending.append(index) }
            return .retry("Lost \(name) (executor \(executorId)): killed (\(why))")
        case .executorLost(let lostId, let why):
            // Not counted: the executor went away under the task, as Spark's ExecutorLostFailure.
            if !isZombie && !successful[index] { pending.append(index) }
            return .retry("Lost \(name) (executor \(lostId)): ExecutorLostFailure (executor \(lostId) exited "
                          + "unrelated to the running tasks) Reason: \(why)")
        case .exception(let message):
            let lost = "Lost \(name) (executor \(executorId)): \(message)"
            // A zombie set launches nothing more (superseded, or its stage failed on a fetch
            // failure and will be resubmitted): its failures do not count, as in Spark.
            if isZombie { return .retry(lost) }
            failures[index] += 1
            failedExecutors[index, default: []].insert(executorId)
            if failures[index] >= maxFailures {
                isZombie = true
                return .abort("Task \(t.partition) in stage \(taskSet.id) failed \(failures[index]) times, "
                              + "most recent failure: \(lost)")
            }
            pending.append(index)
            return .retry(lost)
        }
    }

    /// Executor `executorId` is gone, and with it the output of every shuffle map task that
    /// succeeded there: while the set still launches tasks, those tasks are pending again
    /// (Spark's TaskSetManager.executorLost without an external shuffle service). Returns
    /// their names (for the log) and partitions. Tasks running there are failed by the TaskScheduler.
    public mutating func executorLost(_ executorId: String) -> [String] {
        requeueLostOutputs(executorId).map(\.name)
    }

    /// As ``executorLost(_:)``, with each requeued task's partition (the DAGScheduler waits for it again).
    public mutating func requeueLostOutputs(_ executorId: String) -> [(name: String, partition: Int)] {
        guard isShuffleMapSet, !isZombie else { return [] }
        var requeued: [(name: String, partition: Int)] = []
        for (index, exec) in successfulOn.sorted(by: { $0.key < $1.key })
            where exec == executorId && successful[index] {
            successful[index] = false
            successfulOn.removeValue(forKey: index)
            tasksSuccessful -= 1
            pending.append(index)
            requeued.append(("task \(taskSet.tasks[index].partition).\(attempts[index] - 1) in stage \(taskSet.id)",
                             taskSet.tasks[index].partition))
        }
        return requeued
    }

    /// Stops launching tasks (stage cancelled or superseded).
    public mutating func markZombie() { isZombie = true }
}
