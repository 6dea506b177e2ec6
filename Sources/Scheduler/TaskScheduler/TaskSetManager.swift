/// Schedules the tasks of one TaskSet, as Spark's TaskSetManager: hands out pending
/// tasks, retries a failed task until it has failed `maxFailures` times, then gives
/// up on the whole set. A value guarded by the TaskScheduler's lock.
///
/// Invariant: a task index is pending, running or successful, never two of them.
public struct TaskSetManager: Sendable {
    public let taskSet: TaskSet
    public let maxFailures: Int
    private var pending: [Int]
    private var running: [Int64: Int] = [:]
    private var successful: [Bool]
    private var failures: [Int]
    private var attempts: [Int]
    public private(set) var tasksSuccessful = 0
    /// No more tasks are launched; set when all succeeded, on abort, or on fetch failure.
    public private(set) var isZombie = false

    public init(taskSet: TaskSet, maxFailures: Int) {
        self.taskSet = taskSet
        self.maxFailures = maxFailures
        let n = taskSet.tasks.count
        pending = Array((0..<n).reversed())  // popLast gives index 0 first
        successful = Array(repeating: false, count: n)
        failures = Array(repeating: 0, count: n)
        attempts = Array(repeating: 0, count: n)
    }

    public var runningTaskIds: [Int64] { Array(running.keys) }
    public var hasPendingTasks: Bool { !isZombie && !pending.isEmpty }
    public var isFinished: Bool { isZombie && running.isEmpty }

    /// The next task to run on `executorId` at `host`, with `taskId`, or nil if none is pending:
    /// a task that prefers this executor or host first (its partition is cached there), else the next.
    public mutating func resourceOffer(taskId: Int64, executorId: String = "", host: String = "") -> TaskDescription? {
        guard !isZombie else { return nil }
        if !taskSet.preferredLocations.isEmpty,
           let local = pending.lastIndex(where: { i in
               !successful[i] && i < taskSet.preferredLocations.count
                   && taskSet.preferredLocations[i].contains { $0 == executorId || $0 == host }
           }) {
            pending.append(pending.remove(at: local))
        }
        while let index = pending.popLast() {
            if successful[index] { continue }
            let t = taskSet.tasks[index]
            let desc = TaskDescription(taskId: taskId, jobId: taskSet.jobId, stageId: taskSet.stageId,
                                       stageAttempt: taskSet.stageAttempt, partition: t.partition, index: index,
                                       attemptNumber: attempts[index], kind: t.kind, binary: taskSet.binary)
            attempts[index] += 1
            running[taskId] = index
            return desc
        }
        return nil
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
        case .exception(let message):
            let lost = "Lost \(name) (executor \(executorId)): \(message)"
            // A zombie set launches nothing more (superseded, or its stage failed on a fetch
            // failure and will be resubmitted): its failures do not count, as in Spark.
            if isZombie { return .retry(lost) }
            failures[index] += 1
            if failures[index] >= maxFailures {
                isZombie = true
                return .abort("Task \(t.partition) in stage \(taskSet.id) failed \(failures[index]) times, "
                              + "most recent failure: \(lost)")
            }
            pending.append(index)
            return .retry(lost)
        }
    }

    /// Stops launching tasks (stage cancelled or superseded).
    public mutating func markZombie() { isZombie = true }
}
